// The expected on-hand of a store×SKU, read from the events as a timeline — independently of the
// product's rule (lib/domain/inventory-event.ts onHandOf), which tests compare against it.
import type { StockMovement } from '@/lib/domain/inventory-event';

/**
 * Walk the events in event-time order: a snapshot sets the stock, a movement changes it. At one
 * instant movements come first (a snapshot at that time already includes them), and snapshots of
 * one instant in event-id order (the greatest wins). Pass each event once (duplicates removed).
 */
export function timelineOnHand(events: readonly StockMovement[]): number {
  const sorted = [...events].sort(
    (a, b) =>
      a.occurredAt - b.occurredAt ||
      Number(a.kind === 'snapshot') - Number(b.kind === 'snapshot') ||
      (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0),
  );
  let stock = 0;
  for (const e of sorted) stock = e.kind === 'snapshot' ? e.qty : stock + e.qty;
  return stock;
}

/** Expected on-hand per `store_id\u0000sku` of a set of distinct events. */
export function expectedStock(events: readonly StockMovement[]): Map<string, number> {
  const byPair = new Map<string, StockMovement[]>();
  for (const e of events) {
    const key = `${e.storeId}\u0000${e.sku}`;
    byPair.set(key, [...(byPair.get(key) ?? []), e]);
  }
  return new Map([...byPair].map(([key, list]) => [key, timelineOnHand(list)]));
}
