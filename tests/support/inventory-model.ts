// The expected on-hand of a store×SKU, read from the events as a timeline — independently of the
// product's rule (lib/domain/inventory-event.ts onHandOf), which tests compare against it.
import {
  decodeInventoryEvent,
  movementOfInventory,
  movementsOfSale,
  type StockMovement,
} from '@/lib/domain/inventory-event';
import { decodeSaleEvent } from '@/lib/domain/sales-event';

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

/**
 * The movements of every distinct valid event among `produced` (each event id once per topic,
 * invalid events left out): the model's input. `sales` holds those of sales and refunds alone.
 */
export function distinctMovements(produced: readonly { topic: 'inventory' | 'sales'; value: Buffer }[]): {
  all: StockMovement[];
  sales: StockMovement[];
} {
  const seen = new Set<string>();
  const all: StockMovement[] = [];
  const sales: StockMovement[] = [];
  for (const m of produced) {
    if (m.topic === 'inventory') {
      const r = decodeInventoryEvent(m.value);
      if (!r.ok || seen.has(`i:${r.event.eventId}`)) continue;
      seen.add(`i:${r.event.eventId}`);
      all.push(movementOfInventory(r.event));
    } else {
      const r = decodeSaleEvent(m.value, 'USD');
      if (!r.ok || seen.has(`s:${r.event.eventId}`)) continue;
      seen.add(`s:${r.event.eventId}`);
      all.push(...movementsOfSale(r.event));
      sales.push(...movementsOfSale(r.event));
    }
  }
  return { all, sales };
}

/** A message a test sends to the inventory topic or the sales topic. */
export interface ProducedEvent {
  topic: 'inventory' | 'sales';
  key: string;
  value: Buffer;
}

/** A small deterministic generator (the same events on every run): integers below n, and picks. */
export function seededRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: <T>(items: readonly T[]) => items[int(items.length)] as T };
}

/** Event times `minute` minutes into the last three hours, to the minute (several events share an instant). */
export function lastThreeHours(): (minute: number) => string {
  const base = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
  return (minute) => new Date(base + minute * 60_000).toISOString();
}
