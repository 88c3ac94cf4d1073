'use client';

import { useEffect, useMemo } from 'react';
import type { OverviewQuery } from '@/lib/web/overview-params';
import { useIsClient } from './useIsClient';

/**
 * "Today", "yesterday" and hour/day buckets are the viewer's: a URL without a zone gets the
 * browser's once hydrated, so a shared link keeps it. Only the address is rewritten (the same
 * view, so the entry is replaced); no server render: the live view asks for the data of the
 * zone, and in the usual case the server's answer already is it (answeredView).
 */
export function useBrowserTimeZone(query: OverviewQuery): OverviewQuery {
  const isClient = useIsClient();
  const tz = isClient && !query.tz ? Intl.DateTimeFormat().resolvedOptions().timeZone : undefined;
  useEffect(() => {
    if (!tz) return;
    const url = new URL(window.location.href);
    url.searchParams.set('tz', tz);
    // Next.js keeps its router in step with history.replaceState (usePathname, useSearchParams).
    window.history.replaceState(null, '', url);
  }, [tz]);
  return useMemo(() => (tz ? { ...query, tz } : query), [query, tz]);
}

/**
 * The view a server render's data answers, under the key the page asks for now: a URL without
 * a zone was answered in the server's zone (`answeredTz`), which is the view with that zone
 * when the browser's is the same — then nothing needs loading again.
 */
export function answeredView(serverQuery: OverviewQuery, query: OverviewQuery, answeredTz: string): OverviewQuery {
  return !serverQuery.tz && query.tz === answeredTz ? { ...serverQuery, tz: answeredTz } : serverQuery;
}
