'use client';

import { useMemo } from 'react';
import { PRODUCT_EVENTS } from '@/lib/contract/live-channel';
import type { ProductDetail } from '@/lib/contract/overview';
import { type OverviewQuery, productViewKey, viewKey } from '@/lib/web/overview-params';
import { type LiveData, useLiveView } from './useLiveView';

/**
 * Live data for one product page (Socket.IO `product:subscribe` → `product`; polls the product
 * API while the socket is down). `initial.key` is productViewKey(sku, query).
 */
export function useLiveProduct(
  sku: string,
  query: OverviewQuery,
  initial: { key: string; data: ProductDetail },
): LiveData<ProductDetail> {
  const key = productViewKey(sku, query);
  const subscription = useMemo(() => ({ ...query, sku }), [query, sku]);
  const search = viewKey(query);
  return useLiveView({
    key,
    subscription,
    events: PRODUCT_EVENTS,
    url: `/api/v1/products/${encodeURIComponent(sku)}${search ? `?${search}` : ''}`,
    initial,
  });
}
