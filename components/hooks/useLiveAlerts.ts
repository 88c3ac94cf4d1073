'use client';

import { useMemo } from 'react';
import { ALERTS_EVENTS } from '@/lib/contract/actions';
import type { Alerts, AlertsQuery } from '@/lib/contract/alerts';
import { alertsSearchParams, alertsViewKey } from '@/lib/web/alerts-params';
import { type LiveData, useLiveView } from './useLiveView';

/** What is shown before the first answer (no server render: the panel loads on the client). */
const NOTHING_YET: { key: string; data: Alerts } = {
  key: '',
  data: { episodes: [], total: 0, limit: 0, offset: 0, as_of: new Date(0).toISOString() },
};

/**
 * Live alerts and suggestions (Socket.IO `alerts:subscribe` → `alerts`, pushed after every
 * episode change; polls GET /api/v1/alerts while the socket is down). `isCurrent` is false until
 * the first answer for `query` arrived.
 */
export function useLiveAlerts(query: AlertsQuery): LiveData<Alerts> {
  const key = alertsViewKey(query);
  const search = useMemo(() => alertsSearchParams(query).toString(), [query]);
  const subscription = useMemo(() => {
    const params = new URLSearchParams(search);
    const raw: Record<string, string | string[]> = {};
    for (const name of new Set(params.keys())) {
      const values = params.getAll(name);
      raw[name] = ['kind', 'severity', 'store', 'sku'].includes(name) ? values : (values[0] as string);
    }
    return raw;
  }, [search]);
  return useLiveView({
    key,
    subscription,
    events: ALERTS_EVENTS,
    url: `/api/v1/alerts?${search}`,
    initial: NOTHING_YET,
  });
}
