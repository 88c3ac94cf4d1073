'use client';

import { useMemo } from 'react';
import type { Inventory, InventoryQuery } from '@/lib/contract/inventory';
import { INVENTORY_EVENTS } from '@/lib/contract/live-channel';
import { inventorySearchParams, inventoryViewKey } from '@/lib/web/inventory-params';
import { type LiveData, useLiveView } from './useLiveView';

/**
 * Live stock for the inventory page (Socket.IO `inventory:subscribe` → `inventory`, pushed after
 * every inventory-worker commit; polls GET /api/v1/inventory while the socket is down).
 * `initial.key` is inventoryViewKey of the query it answers.
 */
export function useLiveInventory(
  query: InventoryQuery,
  initial: { key: string; data: Inventory },
): LiveData<Inventory> {
  const key = inventoryViewKey(query);
  // Every parameter spelled out (limit too: the page's differs from the API's default).
  const search = useMemo(() => inventorySearchParams(query, -1).toString(), [query]);
  const subscription = useMemo(() => {
    const params = new URLSearchParams(search);
    const raw: Record<string, string | string[]> = Object.fromEntries(params);
    const stores = params.getAll('store');
    if (stores.length > 0) raw.store = stores;
    return raw;
  }, [search]);
  return useLiveView({
    key,
    subscription,
    events: INVENTORY_EVENTS,
    url: `/api/v1/inventory?${search}`,
    initial,
  });
}
