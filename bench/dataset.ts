// The bench's events: simulator sales spread evenly over the last 60 days (so the 30-day
// view and the previous period it is compared with both have a month of rows behind them), in time order as a backfill would arrive, with a small
// share of byte-identical redeliveries like the simulator's. The expected totals are
// computed here, independently of the worker, to check what ends up in Postgres.
import { MINUTE_MS, RANGE_PRESETS } from '@/lib/web/overview-params';
import { createWorld } from '@/workers/simulator/catalog';
import { type SaleEventJson, SaleGenerator } from '@/workers/simulator/generate';

export const SPAN_MS = 2 * RANGE_PRESETS['30d'] * MINUTE_MS;
const DUPLICATE_SHARE = 0.005;
const SEED = 20261125;

export interface Message {
  key: string;
  value: Buffer;
}

export interface Dataset {
  messages: Message[];
  /** Distinct event ids: what processed_event and sum(orders) must come to. */
  unique: number;
  duplicates: number;
  revenueCents: number;
  bytes: number;
  /** Exclusive end of the event-time span (minute-aligned, in the past). */
  endMs: number;
  /** Categories and stores seen, most frequent first (for filtered queries). */
  topCategory: string;
  /** The next most frequent category (multi-category filters). */
  secondCategory: string;
  topStore: string;
}

/** Plain sale events (no duplicates) spread over `spanMs` before `endMs`. */
export function* saleEvents(count: number, endMs: number, spanMs = SPAN_MS, seed = SEED): Generator<SaleEventJson> {
  const generator = new SaleGenerator(createWorld(), seed);
  const startMs = endMs - spanMs;
  // The generator backdates each event by up to 1.5 s; +2 s keeps the first one in the span.
  for (let i = 0; i < count; i++) yield generator.next(startMs + 2000 + Math.floor(((spanMs - 2000) * i) / count));
}

function mostFrequent(counts: Map<string, number>, rank = 0): string {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[rank]?.[0] ?? '';
}

export function buildDataset(count: number, nowMs = Date.now(), spanMs = SPAN_MS): Dataset {
  const endMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const messages: Message[] = [];
  const recent: Message[] = [];
  const categories = new Map<string, number>();
  const stores = new Map<string, number>();
  let revenueCents = 0;
  let bytes = 0;
  let duplicates = 0;
  // Deterministic duplicates (same positions every run) so runs compare like with like.
  let dupState = 7;
  const nextDup = () => {
    dupState = (dupState * 48271) % 2147483647;
    return dupState / 2147483647;
  };
  for (const event of saleEvents(count, endMs, spanMs)) {
    if (recent.length > 0 && nextDup() < DUPLICATE_SHARE) {
      messages.push(recent[Math.floor(nextDup() * recent.length)] as Message);
      duplicates += 1;
    }
    const message = { key: event.order_id, value: Buffer.from(JSON.stringify(event)) };
    messages.push(message);
    recent.push(message);
    if (recent.length > 200) recent.shift();
    bytes += message.value.length;
    stores.set(event.store_id, (stores.get(event.store_id) ?? 0) + 1);
    for (const line of event.lines) {
      revenueCents += line.quantity * line.unit_price_cents - (line.discount_cents ?? 0);
      categories.set(line.category, (categories.get(line.category) ?? 0) + 1);
    }
  }
  return {
    messages,
    unique: count,
    duplicates,
    revenueCents,
    bytes,
    endMs,
    topCategory: mostFrequent(categories),
    secondCategory: mostFrequent(categories, 1),
    topStore: mostFrequent(stores),
  };
}
