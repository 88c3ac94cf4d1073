'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef } from 'react';

/** `?tv=1`: the dashboard as a wall display. Kept in the URL so a display can bookmark it. */
export const TV_PARAM = 'tv';

/**
 * TV mode lives in the URL, like the view. It is switched with history.replaceState, which
 * Next.js folds into its router (useSearchParams updates) without a server round trip: a
 * display mode is no new view, so it adds no history entry either. Escape leaves it, and so
 * does leaving the browser's full screen that the TV button asked for (browsers take the
 * Escape key for themselves while full screen, so the page never sees that keypress).
 */
export function useTvMode() {
  const tv = useSearchParams().get(TV_PARAM) === '1';
  // Only full screen that this page entered ends TV mode when it ends.
  const ownFullscreen = useRef(false);

  const setTv = useCallback((on: boolean, { fullscreen = false }: { fullscreen?: boolean } = {}) => {
    const url = new URL(window.location.href);
    if (on) url.searchParams.set(TV_PARAM, '1');
    else url.searchParams.delete(TV_PARAM);
    if (url.href !== window.location.href)
      window.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);

    if (on && fullscreen && document.fullscreenEnabled && !document.fullscreenElement) {
      // Needs a user gesture (a click or key press on the button); a refusal changes nothing.
      document.documentElement.requestFullscreen({ navigationUI: 'hide' }).then(
        () => {
          ownFullscreen.current = true;
        },
        () => {},
      );
    }
    if (!on) {
      ownFullscreen.current = false;
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    }
  }, []);

  useEffect(() => {
    if (!tv) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) setTv(false);
    };
    const onFullscreenChange = () => {
      if (!document.fullscreenElement && ownFullscreen.current) setTv(false);
    };
    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('fullscreenchange', onFullscreenChange);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('fullscreenchange', onFullscreenChange);
    };
  }, [tv, setTv]);

  return { tv, setTv };
}
