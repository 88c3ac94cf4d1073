'use client';

import { type OverviewQuery, viewKey } from '../../lib/overview-params';
import type { Overview } from '../../lib/queries/overview.types';
import { type LiveData, useLiveView } from './useLiveView';

const EVENTS = { subscribe: 'subscribe', push: 'overview' } as const;

/** Live data for one dashboard view (Socket.IO `subscribe` → `overview`; polls while the socket is down). */
export function useLiveOverview(query: OverviewQuery, initial: { key: string; data: Overview }): LiveData<Overview> {
  const key = viewKey(query);
  return useLiveView({
    key,
    subscription: query,
    events: EVENTS,
    url: `/api/v1/overview${key ? `?${key}` : ''}`,
    initial,
  });
}
