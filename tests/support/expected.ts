// The test oracle: the figures the system must report for a set of produced events, computed
// here through the independent contract model (./model.ts) — no project code. Definitions from
// the README: line revenue = quantity × unit_price_cents − discount_cents; orders = distinct sale
// events; a refund subtracts its amount and quantity in the bucket of its own occurred_at and
// leaves orders alone. The fault suite feeds it the messages as they sit in the topic
// (expectedFrom); the integration tests feed it the events they produced and read it in the
// API's shape (expectedOverview, expectedProduct).
import { INCLUDE_REFUNDS } from './contract';
import type { SaleJson } from './events';
import { judge, type ModelEvent, type ModelLine } from './model';

export interface Figures {
  revenue: number;
  gross: number;
  refunds: number;
  orders: number;
  units: number;
}

export interface ProductFigures extends Figures {
  sku: string;
  name: string;
  category: string;
}

export type Dimension = 'age_band' | 'gender' | 'loyalty_tier' | 'customer_type' | 'region';
export const DIMENSIONS: Dimension[] = ['age_band', 'gender', 'loyalty_tier', 'customer_type', 'region'];

/** A filter value as the API takes it: one value or several (any of them matches). */
export type FilterValue = string | string[];
export interface ExpectedFilter {
  store?: FilterValue;
  region?: FilterValue;
  channel?: FilterValue;
  category?: FilterValue;
}

/** The figures of a set of accepted events (each event once). */
export interface Tally {
  totals: Figures;
  /** Every SKU of a counted line (sale or refund); orders = sales with a line of it. */
  products: Map<string, ProductFigures>;
  /** Per category: totals of that category's lines (orders = sales with such a line). */
  categories: Map<string, Figures>;
  stores: Map<string, Figures>;
  channels: Map<string, Figures>;
  demographics: Record<Dimension, Map<string, Figures>>;
  /** Whole-order figures per UTC cell start, per grain. */
  cells: Record<'m' | 'h' | 'd', Map<number, Figures>>;
  sales: number;
  refundEvents: number;
  /** Earliest and latest occurred_at of the counted events. */
  span: { min: number; max: number } | null;
}

const zero = (): Figures => ({ revenue: 0, gross: 0, refunds: 0, orders: 0, units: 0 });

function add(into: Figures, amount: number, units: number, orders: number, refund: boolean): void {
  into.revenue += refund ? -amount : amount;
  if (refund) into.refunds += amount;
  else into.gross += amount;
  into.units += refund ? -units : units;
  into.orders += orders;
}

function slot<K>(map: Map<K, Figures>, key: K): Figures {
  let figures = map.get(key);
  if (!figures) {
    figures = zero();
    map.set(key, figures);
  }
  return figures;
}

const AGE_BANDS: [number, string][] = [
  [18, '<18'],
  [25, '18-24'],
  [35, '25-34'],
  [45, '35-44'],
  [55, '45-54'],
  [65, '55-64'],
];

export function ageBandOf(age: number | null): string {
  if (age === null) return 'unknown';
  return AGE_BANDS.find(([below]) => age < below)?.[1] ?? '65+';
}

const GRAIN_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A line's amount before the sign of a refund: quantity × unit price − discount. */
const lineAmount = (l: ModelLine) => l.quantity * l.unitPriceCents - l.discountCents;

/** Does `value` pass a filter (absent or empty = everything passes)? */
export function passes(filter: FilterValue | undefined, value: string): boolean {
  if (filter === undefined) return true;
  const list = typeof filter === 'string' ? [filter] : filter;
  return list.length === 0 || list.includes(value);
}

/**
 * The figures of `events` in a view: store, region and channel filter events; categories (and
 * `sku`, for one product) filter lines, and an event counts once if any of its lines is left.
 */
export function tally(events: Iterable<ModelEvent>, filter: ExpectedFilter = {}, sku?: string): Tally {
  const t: Tally = {
    totals: zero(),
    products: new Map(),
    categories: new Map(),
    stores: new Map(),
    channels: new Map(),
    demographics: {
      age_band: new Map(),
      gender: new Map(),
      loyalty_tier: new Map(),
      customer_type: new Map(),
      region: new Map(),
    },
    cells: { m: new Map(), h: new Map(), d: new Map() },
    sales: 0,
    refundEvents: 0,
    span: null,
  };
  for (const event of events) {
    if (!passes(filter.store, event.storeId) || !passes(filter.region, event.region)) continue;
    if (!passes(filter.channel, event.channel)) continue;
    const lines = event.lines.filter(
      (l) => passes(filter.category, l.category) && (sku === undefined || l.sku === sku),
    );
    if (lines.length > 0) count(t, event, lines);
  }
  return t;
}

function count(t: Tally, event: ModelEvent, lines: ModelLine[]): void {
  const refund = event.type === 'refund';
  if (refund) t.refundEvents += 1;
  else t.sales += 1;
  const order = refund ? 0 : 1;
  let amount = 0;
  let units = 0;
  const perCategory = new Map<string, { amount: number; units: number }>();
  for (const l of lines) {
    amount += lineAmount(l);
    units += l.quantity;
    const c = perCategory.get(l.category) ?? { amount: 0, units: 0 };
    c.amount += lineAmount(l);
    c.units += l.quantity;
    perCategory.set(l.category, c);
    let p = t.products.get(l.sku);
    if (!p) {
      p = { sku: l.sku, name: l.name, category: l.category, ...zero() };
      t.products.set(l.sku, p);
    }
    // A SKU on two lines of one order is one order for it.
    const firstLineOfSku = lines.find((x) => x.sku === l.sku) === l;
    add(p, lineAmount(l), l.quantity, firstLineOfSku ? order : 0, refund);
    p.name = l.name;
    p.category = l.category;
  }
  add(t.totals, amount, units, order, refund);
  for (const [category, c] of perCategory) add(slot(t.categories, category), c.amount, c.units, order, refund);
  add(slot(t.stores, event.storeId), amount, units, order, refund);
  add(slot(t.channels, event.channel), amount, units, order, refund);
  const keys: Record<Dimension, string> = {
    age_band: ageBandOf(event.customer.age),
    gender: event.customer.gender,
    loyalty_tier: event.customer.loyaltyTier,
    customer_type: event.customer.firstOrder ? 'new' : 'returning',
    region: event.region,
  };
  for (const dim of DIMENSIONS) add(slot(t.demographics[dim], keys[dim]), amount, units, order, refund);
  for (const grain of ['m', 'h', 'd'] as const) {
    const size = GRAIN_MS[grain];
    add(slot(t.cells[grain], Math.floor(event.occurredAt / size) * size), amount, units, order, refund);
  }
  t.span = {
    min: Math.min(t.span?.min ?? event.occurredAt, event.occurredAt),
    max: Math.max(t.span?.max ?? event.occurredAt, event.occurredAt),
  };
}

/** AOV as the README defines it: revenue ÷ orders, rounded half up to a whole cent. */
export function aovOf(f: Figures): number {
  return f.orders === 0 ? 0 : Math.floor(f.revenue / f.orders + 0.5);
}

/** Products by revenue, highest first, ties by SKU: the API's ranking. */
export function ranked(products: Map<string, ProductFigures>): ProductFigures[] {
  return [...products.values()].sort((a, b) => b.revenue - a.revenue || (a.sku < b.sku ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// From the messages in a topic (the fault suite)

export interface Expected extends Tally {
  /** Distinct accepted events (first copy of each event_id). */
  accepted: number;
  /** Accepted messages whose event_id had been seen before. */
  duplicates: number;
  /** Rejected messages by reason (each message counts, copies too). */
  rejected: Map<string, number>;
  rejectedTotal: number;
  messages: number;
}

/**
 * `messages` are the values as they sit in the topic, in any order (copies included);
 * `now` is the processing time for the future-event rule.
 */
export function expectedFrom(messages: Iterable<Buffer | null>, now: number): Expected {
  const accepted: ModelEvent[] = [];
  const rejected = new Map<string, number>();
  let count = 0;
  let duplicates = 0;
  let rejectedTotal = 0;
  const seen = new Set<string>();
  for (const value of messages) {
    count += 1;
    const verdict = judge(value, now);
    if (!verdict.ok) {
      // The dataset puts one fault in each malformed message, so the reason is unambiguous.
      const reason = verdict.reasons.size === 1 ? [...verdict.reasons][0] : [...verdict.reasons].sort().join('|');
      rejected.set(reason as string, (rejected.get(reason as string) ?? 0) + 1);
      rejectedTotal += 1;
      continue;
    }
    const event = verdict.event;
    if (seen.has(event.eventId)) {
      duplicates += 1;
      continue;
    }
    seen.add(event.eventId);
    if (event.type === 'refund' && !INCLUDE_REFUNDS)
      throw new Error('a refund was accepted while INCLUDE_REFUNDS is off');
    accepted.push(event);
  }
  return {
    ...tally(accepted),
    accepted: accepted.length,
    duplicates,
    rejected,
    rejectedTotal,
    messages: count,
  };
}

// ---------------------------------------------------------------------------------------------
// From the events a test produced, in the API's shape (the integration tests)

type Segments = Record<Dimension, Record<string, { revenue_cents: number; orders: number }>>;

export interface ExpectedOverview {
  totals: {
    revenue_cents: number;
    gross_cents: number;
    refund_cents: number;
    orders: number;
    units: number;
    aov_cents: number;
  };
  top_products: { sku: string; name: string; category: string; revenue_cents: number; units: number }[];
  demographics: Segments;
  /** Channel mix: net revenue and orders per channel. */
  channels: Record<string, { revenue_cents: number; orders: number }>;
  /** Orders per UTC minute (ISO start of the minute), minutes with sales only. */
  orders_by_minute: Record<string, number>;
}

/** The model's reading of a produced event; the tests produce only events it accepts. */
function modelEvent(e: SaleJson, now: number): ModelEvent {
  const verdict = judge(Buffer.from(JSON.stringify(e)), now);
  if (!verdict.ok) throw new Error(`event ${e.event_id} is not valid for the model: ${[...verdict.reasons]}`);
  return verdict.event;
}

function tallyOf(events: SaleJson[], filter: ExpectedFilter, sku?: string): Tally {
  const now = Date.now();
  return tally(
    events.map((e) => modelEvent(e, now)),
    filter,
    sku,
  );
}

const revenueAndOrders = (map: Map<string, Figures>) =>
  Object.fromEntries([...map].map(([key, f]) => [key, { revenue_cents: f.revenue, orders: f.orders }]));

function segments(demographics: Tally['demographics']): Segments {
  return Object.fromEntries(DIMENSIONS.map((dim) => [dim, revenueAndOrders(demographics[dim])])) as Segments;
}

/** Events matching store, region and channel, with at least one line in the categories (the ticker). */
export function matchesFilter(e: SaleJson, filter: ExpectedFilter): boolean {
  return (
    passes(filter.store, e.store_id) &&
    passes(filter.region, e.region) &&
    passes(filter.channel, e.channel) &&
    e.lines.some((l) => passes(filter.category, l.category))
  );
}

export function expectedOverview(events: SaleJson[], filter: ExpectedFilter = {}): ExpectedOverview {
  const t = tallyOf(events, filter);
  const minutes = [...t.cells.m].filter(([, f]) => f.orders > 0);
  return {
    totals: {
      revenue_cents: t.totals.revenue,
      gross_cents: t.totals.gross,
      refund_cents: t.totals.refunds,
      orders: t.totals.orders,
      units: t.totals.units,
      aov_cents: aovOf(t.totals),
    },
    top_products: ranked(t.products)
      .slice(0, 10)
      .map((p) => ({ sku: p.sku, name: p.name, category: p.category, revenue_cents: p.revenue, units: p.units })),
    demographics: segments(t.demographics),
    channels: revenueAndOrders(t.channels),
    orders_by_minute: Object.fromEntries(minutes.map(([start, f]) => [new Date(start).toISOString(), f.orders])),
  };
}

/** A line's contribution to net sales: negative on a refund. */
export function netLineRevenue(e: SaleJson, l: SaleJson['lines'][number]): number {
  const amount = l.quantity * l.unit_price_cents - (l.discount_cents ?? 0);
  return e.type === 'refund' ? -amount : amount;
}

export interface ExpectedProduct {
  totals: { revenue_cents: number; units: number; orders: number };
  stores: Record<string, number>;
  /** Revenue and orders (orders containing the product) by customer attribute and region. */
  demographics: Segments;
}

/**
 * One product in a view: its lines' net revenue and units (refunds subtract), orders
 * containing it, by store and by customer.
 */
export function expectedProduct(events: SaleJson[], sku: string, filter: ExpectedFilter = {}): ExpectedProduct {
  const t = tallyOf(events, filter, sku);
  return {
    totals: { revenue_cents: t.totals.revenue, units: t.totals.units, orders: t.totals.orders },
    stores: Object.fromEntries([...t.stores].map(([store, f]) => [store, f.revenue])),
    demographics: segments(t.demographics),
  };
}
