// The figures the dashboard must show for a set of produced messages, computed here from the
// messages themselves through the independent contract model (tests/faults/model.ts) — no
// project code. Definitions from the README: line revenue = quantity × unit_price_cents −
// discount_cents; orders = distinct sale events; a refund subtracts its amount and quantity
// in the bucket of its own occurred_at and leaves orders alone.
import { INCLUDE_REFUNDS } from './contract';
import { judge, type ModelEvent } from './model';

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

export interface Expected {
  totals: Figures;
  /** Every SKU of an accepted event (sale or refund). */
  products: Map<string, ProductFigures>;
  /** Per category: totals of that category's lines (orders = sales with such a line). */
  categories: Map<string, Figures>;
  demographics: Record<Dimension, Map<string, Figures>>;
  /** Whole-order figures per UTC cell start, per grain. */
  cells: Record<'m' | 'h' | 'd', Map<number, Figures>>;
  /** Distinct accepted events (first copy of each event_id). */
  accepted: number;
  sales: number;
  refundEvents: number;
  /** Accepted messages whose event_id had been seen before. */
  duplicates: number;
  /** Rejected messages by reason (each message counts, copies too). */
  rejected: Map<string, number>;
  rejectedTotal: number;
  messages: number;
  /** Earliest and latest occurred_at of accepted events. */
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

/**
 * `messages` are the values as they sit in the topic, in any order (copies included);
 * `now` is the processing time for the future-event rule.
 */
export function expectedFrom(messages: Iterable<Buffer | null>, now: number): Expected {
  const e: Expected = {
    totals: zero(),
    products: new Map(),
    categories: new Map(),
    demographics: {
      age_band: new Map(),
      gender: new Map(),
      loyalty_tier: new Map(),
      customer_type: new Map(),
      region: new Map(),
    },
    cells: { m: new Map(), h: new Map(), d: new Map() },
    accepted: 0,
    sales: 0,
    refundEvents: 0,
    duplicates: 0,
    rejected: new Map(),
    rejectedTotal: 0,
    messages: 0,
    span: null,
  };
  const seen = new Set<string>();
  for (const value of messages) {
    e.messages += 1;
    const verdict = judge(value, now);
    if (!verdict.ok) {
      // The dataset puts one fault in each malformed message, so the reason is unambiguous.
      const reason = verdict.reasons.size === 1 ? [...verdict.reasons][0] : [...verdict.reasons].sort().join('|');
      e.rejected.set(reason as string, (e.rejected.get(reason as string) ?? 0) + 1);
      e.rejectedTotal += 1;
      continue;
    }
    const event = verdict.event;
    if (seen.has(event.eventId)) {
      e.duplicates += 1;
      continue;
    }
    seen.add(event.eventId);
    e.accepted += 1;
    count(e, event);
  }
  return e;
}

function count(e: Expected, event: ModelEvent): void {
  const refund = event.type === 'refund';
  if (refund && !INCLUDE_REFUNDS) throw new Error('a refund was accepted while INCLUDE_REFUNDS is off');
  if (refund) e.refundEvents += 1;
  else e.sales += 1;
  const order = refund ? 0 : 1;
  let amount = 0;
  let units = 0;
  const perCategory = new Map<string, { amount: number; units: number }>();
  for (const l of event.lines) {
    const lineAmount = l.quantity * l.unitPriceCents - l.discountCents;
    amount += lineAmount;
    units += l.quantity;
    const c = perCategory.get(l.category) ?? { amount: 0, units: 0 };
    c.amount += lineAmount;
    c.units += l.quantity;
    perCategory.set(l.category, c);
    let p = e.products.get(l.sku);
    if (!p) {
      p = { sku: l.sku, name: l.name, category: l.category, ...zero() };
      e.products.set(l.sku, p);
    }
    // A SKU on two lines of one order is one order for it.
    const firstLineOfSku = event.lines.find((x) => x.sku === l.sku) === l;
    add(p, lineAmount, l.quantity, firstLineOfSku ? order : 0, refund);
    p.name = l.name;
    p.category = l.category;
  }
  add(e.totals, amount, units, order, refund);
  for (const [category, c] of perCategory) add(slot(e.categories, category), c.amount, c.units, order, refund);
  const keys: Record<string, string> = {
    age_band: ageBandOf(event.customer.age),
    gender: event.customer.gender,
    loyalty_tier: event.customer.loyaltyTier,
    customer_type: event.customer.firstOrder ? 'new' : 'returning',
    region: event.region,
  };
  for (const dim of Object.keys(e.demographics) as Dimension[]) {
    add(slot(e.demographics[dim], keys[dim] as string), amount, units, order, refund);
  }
  for (const grain of ['m', 'h', 'd'] as const) {
    const size = GRAIN_MS[grain];
    add(slot(e.cells[grain], Math.floor(event.occurredAt / size) * size), amount, units, order, refund);
  }
  e.span = {
    min: Math.min(e.span?.min ?? event.occurredAt, event.occurredAt),
    max: Math.max(e.span?.max ?? event.occurredAt, event.occurredAt),
  };
}

/** AOV as the README defines it: revenue ÷ orders, rounded half up to a whole cent. */
export function aovOf(f: Figures): number {
  return f.orders === 0 ? 0 : Math.floor(f.revenue / f.orders + 0.5);
}
