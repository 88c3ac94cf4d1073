'use client';

import { useEffect, useState } from 'react';
import { type OverviewQuery, viewKey } from '../../lib/overview-params';
import type { ProductDetail } from '../../lib/queries/overview.types';
import { fetchJson } from './fetch-json';

export const PRODUCT_POLL_MS = 5_000;

interface Snapshot {
  key: string;
  data: ProductDetail;
}

export interface LiveProductDetail {
  data: ProductDetail;
  /** `data` is for the view asked for (false until the first reading of a newly chosen view). */
  isCurrent: boolean;
  /** Last refresh failure; null when the last refresh succeeded. */
  error: string | null;
}

function fetchDetail(sku: string, key: string, signal: AbortSignal): Promise<ProductDetail> {
  return fetchJson<ProductDetail>(`/api/v1/products/${encodeURIComponent(sku)}${key ? `?${key}` : ''}`, signal);
}

/**
 * One product in one view, refreshed from the HTTP API every 5 s (and at once when the view
 * changes). The product API has no socket room; a poll of one product is cheap and keeps the
 * page within a few seconds of the dashboard.
 */
export function useProductDetail(sku: string, query: OverviewQuery, initial: Snapshot): LiveProductDetail {
  const key = viewKey(query);
  const [snapshot, setSnapshot] = useState<Snapshot>(initial);
  const [error, setError] = useState<string | null>(null);

  // A server render (first load or after navigation) brings fresh data for its view.
  useEffect(() => {
    setSnapshot(initial);
  }, [initial]);

  useEffect(() => {
    let controller: AbortController | null = null;
    const poll = async () => {
      if (document.visibilityState === 'hidden') return;
      controller?.abort();
      const current = new AbortController();
      controller = current;
      try {
        const data = await fetchDetail(sku, key, current.signal);
        // A reply for a view the user has since left was aborted by the cleanup below.
        if (current.signal.aborted) return;
        setSnapshot({ key, data });
        setError(null);
      } catch (err) {
        if (current.signal.aborted) return;
        setError(err instanceof Error ? err.message : String(err));
      }
    };
    const interval = setInterval(() => void poll(), PRODUCT_POLL_MS);
    return () => {
      clearInterval(interval);
      controller?.abort();
    };
  }, [sku, key]);

  return { data: snapshot.data, isCurrent: snapshot.key === key, error };
}
