'use client';
// The frame of every embed page (app/embed/**): no Pulse chrome, the embed's accent colour, the
// token for the client's fetches and socket, the portal's messages (auto-height, fresh tokens)
// and the message shown when the token has expired.
import { type CSSProperties, type ReactNode, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { EMBED_EXPIRED_MESSAGE } from '@/lib/contract/embed-path';
import { EmbedProvider, type EmbedSettings, portalMessage, postToPortal } from './EmbedContext';
import {
  embedToken,
  isEmbedTokenExpired,
  onEmbedTokenChange,
  reportEmbedTokenExpired,
  setEmbedToken,
  tokenExpiry,
} from './embed-token';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Colours an admin may give an embed: hex only, so nothing else reaches the style attribute. */
const HEX_COLOUR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

export interface EmbedFrameProps {
  settings: EmbedSettings;
  accent: string | null;
  children: ReactNode;
}

const serverExpired = () => false;

export function EmbedFrame({ settings, accent, children }: EmbedFrameProps) {
  // Set during the first render: the views' effects (socket, polling) run before this one's.
  // Never on the server, where module state would be shared by concurrent requests.
  useState(() => {
    if (typeof window !== 'undefined') setEmbedToken(settings.token);
    return null;
  });
  const { token } = settings;
  useEffect(() => {
    setEmbedToken(token);
  }, [token]);
  const expired = useSyncExternalStore(onEmbedTokenChange, isEmbedTokenExpired, serverExpired);
  const current = useSyncExternalStore(onEmbedTokenChange, embedToken, () => token);
  const root = useRef<HTMLDivElement>(null);

  // The token says when it expires: say so then, unless the portal has sent a fresh one by then
  // (the server would refuse the next request or reconnect, and close the socket soon after).
  useEffect(() => {
    const expiry = current ? tokenExpiry(current) : null;
    if (expiry === null) return;
    const timer = setTimeout(reportEmbedTokenExpired, Math.max(0, expiry - Date.now()));
    return () => clearTimeout(timer);
  }, [current]);

  // A fresh token from the portal (before or after the old one expired).
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      const message = portalMessage(settings, event);
      if (message?.type !== 'pulse:token' || typeof message.token !== 'string' || !JWT.test(message.token)) return;
      setEmbedToken(message.token);
      // Navigations (filters, drill-downs) keep the URL's token: it must be the fresh one.
      const url = new URL(window.location.href);
      url.searchParams.set('token', message.token);
      window.history.replaceState(window.history.state, '', url);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [settings]);

  // Auto-height: the portal sizes the iframe to the content.
  useEffect(() => {
    const element = root.current;
    if (!element) return;
    let last = -1;
    const report = () => {
      const height = Math.ceil(element.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      postToPortal(settings, { type: 'pulse:resize', height });
    };
    const observer = new ResizeObserver(report);
    observer.observe(element);
    report();
    return () => observer.disconnect();
  }, [settings]);

  const style = (accent && HEX_COLOUR.test(accent) ? { '--accent': accent, '--chart-1': accent } : {}) as CSSProperties;
  return (
    <EmbedProvider settings={settings}>
      <div ref={root} data-testid="embed" data-embed={settings.embedId} data-token-ok={!expired} style={style}>
        {expired && (
          <div
            role="alert"
            data-testid="embed-expired"
            className="mx-4 mt-4 rounded-lg border border-warning/50 bg-warning-soft px-4 py-3 text-sm font-medium text-warning-foreground"
          >
            {EMBED_EXPIRED_MESSAGE}
          </div>
        )}
        {children}
      </div>
    </EmbedProvider>
  );
}
