// TEMPORARY dev fixture — delete with app/dev-preview.
import { type OverviewQuery, parseOverviewQuery } from '../../lib/overview-params';
import type { FilterOptions, Overview, TrendPoint } from '../../lib/queries/overview.types';

export const fixtureOptions: FilterOptions = {
  stores: [
    { id: 'NYC-001', region: 'Northeast' },
    { id: 'BOS-002', region: 'Northeast' },
    { id: 'CHI-003', region: 'Midwest' },
    { id: 'DET-004', region: 'Midwest' },
    { id: 'ATL-005', region: 'South' },
    { id: 'DAL-006', region: 'South' },
    { id: 'SEA-007', region: 'West' },
    { id: 'SFO-008', region: 'West' },
  ],
  regions: ['Midwest', 'Northeast', 'South', 'West'],
  channels: ['web', 'app', 'store', 'marketplace'],
  categories: ['Apparel', 'Beauty', 'Electronics', 'Grocery', 'Home', 'Outdoor', 'Toys'],
};

function rand(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function fixtureOverview(query: OverviewQuery, opts: { empty?: boolean; asOfAgoMs?: number; lagMs?: number } = {}): Overview {
  const f = parseOverviewQuery(query);
  const r = rand(42);
  const trend: TrendPoint[] = [];
  for (let t = f.from.getTime(); t < f.to.getTime(); t += 60_000) {
    const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
    const base = 2 + 1.6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
    const orders = opts.empty ? 0 : Math.max(0, Math.round(base * 9 + r() * 10));
    const units = Math.round(orders * (1.6 + r()));
    trend.push({ bucket: new Date(t).toISOString(), orders, units, revenue_cents: orders * Math.round(4200 + r() * 3900) });
  }
  const revenue = trend.reduce((s, p) => s + p.revenue_cents, 0);
  const orders = trend.reduce((s, p) => s + p.orders, 0);
  const units = trend.reduce((s, p) => s + p.units, 0);
  const products = [
    ['SKU-10482', 'Aurora wireless earbuds', 'Electronics'],
    ['SKU-20317', 'Merino crew sweater', 'Apparel'],
    ['SKU-31005', 'Cold brew coffee, 12-pack', 'Grocery'],
    ['SKU-41290', 'Trail running shoes', 'Outdoor'],
    ['SKU-10977', 'Smart LED bulb, 4-pack', 'Electronics'],
    ['SKU-52213', 'Hydrating face serum', 'Beauty'],
    ['SKU-60044', 'Linen duvet cover, queen', 'Home'],
    ['SKU-70812', 'Building blocks starter set', 'Toys'],
    ['SKU-41511', 'Insulated water bottle 750 ml', 'Outdoor'],
    ['SKU-20930', 'Organic cotton tee', 'Apparel'],
  ] as const;
  let left = revenue * 0.42;
  const top_products = opts.empty
    ? []
    : products.map(([sku, name, category], i) => {
        const rev = Math.round(left * (0.22 - i * 0.008));
        left -= rev;
        return { sku, name, category, revenue_cents: rev, units: Math.max(1, Math.round(rev / (2500 + i * 700))) };
      });
  const split = (keys: readonly string[], weights: number[]) =>
    opts.empty
      ? []
      : keys.map((key, i) => ({
          key,
          revenue_cents: Math.round((revenue * (weights[i] ?? 0)) / weights.reduce((a, b) => a + b, 0)),
          orders: Math.round((orders * (weights[i] ?? 0)) / weights.reduce((a, b) => a + b, 0)),
        }));
  return {
    range: { from: f.from.toISOString(), to: f.to.toISOString() },
    filters: { store: f.store ?? null, region: f.region ?? null, channel: f.channel ?? null, category: f.category ?? null },
    totals: { revenue_cents: revenue, orders, units, aov_cents: orders ? Math.round(revenue / orders) : 0 },
    top_products,
    demographics: {
      age_band: split(['<18', '18-24', '25-34', '35-44', '45-54', '55-64', '65+', 'unknown'], [2, 14, 27, 22, 15, 10, 6, 4]),
      gender: split(['female', 'male', 'nonbinary', 'undisclosed'], [51, 43, 2, 4]),
      loyalty_tier: split(['none', 'silver', 'gold', 'platinum'], [46, 29, 18, 7]),
      customer_type: split(['new', 'returning'], [37, 63]),
      region: split(['Northeast', 'West', 'South', 'Midwest'], [34, 28, 22, 16]),
    },
    trend,
    freshness: {
      as_of: opts.empty ? null : new Date(Date.now() - (opts.asOfAgoMs ?? 2_000)).toISOString(),
      lag_ms: opts.empty ? null : (opts.lagMs ?? 120),
    },
  };
}
