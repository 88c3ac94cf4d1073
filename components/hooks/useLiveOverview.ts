'use client';

import { OVERVIEW_EVENTS } from '@/lib/contract/live-channel';
import type { Overview } from '@/lib/contract/overview';
import { type OverviewQuery, viewKey } from '@/lib/web/overview-params';
import { type LiveData, useLiveView } from './useLiveView';

/** Live data for one dashboard view (Socket.IO `subscribe` → `overview`; polls while the socket is down). */
export function useLiveOverview(query: OverviewQuery, initial: { key: string; data: Overview }): LiveData<Overview> {
  const key = viewKey(query);
  return useLiveView({
    key,
    subscription: query,
    events: OVERVIEW_EVENTS,
    url: `/api/v1/overview${key ? `?${key}` : ''}`,
    initial,
  });
}
