'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useOptimistic, useTransition } from 'react';
import { useViewPath } from '@/components/embed/EmbedContext';
import { type OverviewQuery, QUERY_KEYS, viewKey } from '@/lib/web/overview-params';

/** Where a view is shown: a page may send some views elsewhere (the store page, several stores). */
export type ViewRoute = (next: OverviewQuery) => string;

/**
 * The dashboard view lives in the URL only. `query` is what the server parsed from the
 * URL, shown optimistically as the new value while a navigation is in flight, so the
 * controls and the live subscription react at once instead of after the server render.
 *
 * Each change is a history entry (push, not replace), so Back and Forward step through the
 * views the user looked at; the page is never reloaded either way. Completing the URL
 * (adding the viewer's time zone) replaces instead: it is the same view.
 */
export function useViewQuery(serverQuery: OverviewQuery, route?: ViewRoute) {
  const router = useRouter();
  const pathname = usePathname();
  const [isPending, startTransition] = useTransition();
  const [query, setOptimisticQuery] = useOptimistic(serverQuery);
  // A route answers with Pulse's paths; in an embed they become the embed's.
  const viewPath = useViewPath();

  const navigate = useCallback(
    (next: OverviewQuery, { replace = false }: { replace?: boolean } = {}) => {
      const search = withDisplayParams(viewKey(next));
      const path = route ? viewPath(route(next)) : pathname;
      const href = search ? `${path}?${search}` : path;
      startTransition(() => {
        setOptimisticQuery(next);
        if (replace) router.replace(href, { scroll: false });
        else router.push(href, { scroll: false });
      });
    },
    [pathname, route, router, setOptimisticQuery, viewPath],
  );

  return { query, navigate, isPending };
}

/**
 * The URL may also carry how the view is displayed (`tv=1`): keys that are not view
 * parameters survive a change of view. The server's parser ignores them.
 */
function withDisplayParams(search: string): string {
  const params = new URLSearchParams(search);
  for (const [key, value] of new URLSearchParams(window.location.search)) {
    if (!(QUERY_KEYS as readonly string[]).includes(key)) params.append(key, value);
  }
  return params.toString();
}
