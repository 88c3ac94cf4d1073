// An independent model of the contract's definitions, used to check the system's answers.
// Deliberately written from the README's definitions, not by calling the project's code.
import type { SaleJson } from './events';

export interface Expected {
  totals: {
    revenue_cents: number;
    gross_cents: number;
    refund_cents: number;
    orders: number;
    units: number;
    aov_cents: number;
  };
  top_products: { sku: string; name: string; category: string; revenue_cents: number; units: number }[];
  demographics: Record<
    'age_band' | 'gender' | 'loyalty_tier' | 'customer_type' | 'region',
    Record<string, { revenue_cents: number; orders: number }>
  >;
  /** Channel mix: net revenue and orders per channel. */
  channels: Record<string, { revenue_cents: number; orders: number }>;
  /** Orders per UTC minute (ISO start of the minute). */
  orders_by_minute: Record<string, number>;
}

/** A filter value as the API takes it: one value or several (any of them matches). */
export type FilterValue = string | string[];
export interface ExpectedFilter {
  store?: FilterValue;
  region?: FilterValue;
  channel?: FilterValue;
  category?: FilterValue;
}

/** Does `value` pass a filter (absent or empty = everything passes)? */
export function passes(filter: FilterValue | undefined, value: string): boolean {
  if (filter === undefined) return true;
  const list = typeof filter === 'string' ? [filter] : filter;
  return list.length === 0 || list.includes(value);
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

function band(age: number | null): string {
  if (age === null) return 'unknown';
  const bands: [number, string][] = [
    [18, '<18'],
    [25, '18-24'],
    [35, '25-34'],
    [45, '35-44'],
    [55, '45-54'],
    [65, '55-64'],
  ];
  return bands.find(([limit]) => age < limit)?.[1] ?? '65+';
}

/** Revenue (negative for a refund) and orders under the buyer's segment in every dimension. */
function countBuyer(demographics: Expected['demographics'], e: SaleJson, revenue: number, orders: number): void {
  const keys = {
    age_band: band(e.customer.age),
    gender: e.customer.gender,
    loyalty_tier: e.customer.loyalty_tier,
    customer_type: e.customer.first_order ? 'new' : 'returning',
    region: e.region,
  };
  for (const [dim, key] of Object.entries(keys) as [keyof Expected['demographics'], string][]) {
    const slot = demographics[dim][key] ?? { revenue_cents: 0, orders: 0 };
    demographics[dim][key] = slot;
    slot.revenue_cents += revenue;
    slot.orders += orders;
  }
}

export function expectedOverview(events: SaleJson[], filter: ExpectedFilter = {}): Expected {
  const products = new Map<
    string,
    { sku: string; name: string; category: string; revenue_cents: number; units: number }
  >();
  const demographics: Expected['demographics'] = {
    age_band: {},
    gender: {},
    loyalty_tier: {},
    customer_type: {},
    region: {},
  };
  const channels: Expected['channels'] = {};
  const ordersByMinute: Expected['orders_by_minute'] = {};
  let gross = 0;
  let refunds = 0;
  let orders = 0;
  let units = 0;
  for (const e of events) {
    if (!passes(filter.store, e.store_id) || !passes(filter.region, e.region) || !passes(filter.channel, e.channel)) {
      continue;
    }
    // With categories, only their lines count; the order counts once if it has any of them.
    const lines = e.lines.filter((l) => passes(filter.category, l.category));
    if (lines.length === 0) continue;
    // A refund takes its amount and units back (net sales) and is not an order.
    const refund = e.type === 'refund';
    const sign = refund ? -1 : 1;
    let amount = 0;
    for (const l of lines) {
      const r = l.quantity * l.unit_price_cents - (l.discount_cents ?? 0);
      amount += r;
      units += sign * l.quantity;
      const p = products.get(l.sku) ?? { sku: l.sku, name: l.name, category: l.category, revenue_cents: 0, units: 0 };
      p.revenue_cents += sign * r;
      p.units += sign * l.quantity;
      products.set(l.sku, p);
    }
    if (refund) refunds += amount;
    else {
      gross += amount;
      orders += 1;
      const minute = new Date(Math.floor(Date.parse(e.occurred_at) / 60_000) * 60_000).toISOString();
      ordersByMinute[minute] = (ordersByMinute[minute] ?? 0) + 1;
    }
    const channel = channels[e.channel] ?? { revenue_cents: 0, orders: 0 };
    channels[e.channel] = channel;
    channel.revenue_cents += sign * amount;
    channel.orders += refund ? 0 : 1;
    countBuyer(demographics, e, sign * amount, refund ? 0 : 1);
  }
  const revenue = gross - refunds;
  const top = [...products.values()]
    .sort((a, b) => b.revenue_cents - a.revenue_cents || (a.sku < b.sku ? -1 : 1))
    .slice(0, 10);
  return {
    totals: {
      revenue_cents: revenue,
      gross_cents: gross,
      refund_cents: refunds,
      orders,
      units,
      aov_cents: orders ? Math.round(revenue / orders) : 0,
    },
    top_products: top,
    demographics,
    channels,
    orders_by_minute: ordersByMinute,
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
  demographics: Expected['demographics'];
}

/**
 * One product in a view: its lines' net revenue and units (refunds subtract), orders
 * containing it, by store and by customer.
 */
export function expectedProduct(events: SaleJson[], sku: string, filter: ExpectedFilter = {}): ExpectedProduct {
  const result: ExpectedProduct = {
    totals: { revenue_cents: 0, units: 0, orders: 0 },
    stores: {},
    demographics: { age_band: {}, gender: {}, loyalty_tier: {}, customer_type: {}, region: {} },
  };
  for (const e of events) {
    if (!passes(filter.store, e.store_id) || !passes(filter.region, e.region) || !passes(filter.channel, e.channel)) {
      continue;
    }
    const lines = e.lines.filter((l) => l.sku === sku && passes(filter.category, l.category));
    if (lines.length === 0) continue;
    const sign = e.type === 'refund' ? -1 : 1;
    const orders = e.type === 'refund' ? 0 : 1;
    const revenue = sign * lines.reduce((n, l) => n + l.quantity * l.unit_price_cents - (l.discount_cents ?? 0), 0);
    result.totals.revenue_cents += revenue;
    result.totals.units += sign * lines.reduce((n, l) => n + l.quantity, 0);
    result.totals.orders += orders;
    result.stores[e.store_id] = (result.stores[e.store_id] ?? 0) + revenue;
    countBuyer(result.demographics, e, revenue, orders);
  }
  return result;
}
