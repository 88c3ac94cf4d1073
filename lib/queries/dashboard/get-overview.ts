import type { Overview, OverviewFilters } from '@/lib/contract/overview';
import { db } from '@/lib/db';
import { approxNumber } from '@/lib/domain/exact-number';
import { bucketStarts, planCells } from '@/lib/domain/time-buckets';
import { env } from '@/lib/env';
import {
  comparedPeriod,
  type OverviewQuery,
  parseOverviewQuery,
  parseTopOptions,
  trendBuckets,
} from '@/lib/web/overview-params';
import { getDemographics } from './get-demographics';
import { getFreshness } from './get-freshness';
import { getMix } from './get-mix';
import { getRecentOrders } from './get-recent-orders';
import { getSalesTrend, totalsOf } from './get-sales-trend';
import { getProductStandings, type TopSort } from './get-top-products';

export interface TopOptions {
  limit: number;
  sort: TopSort;
}

/**
 * Everything the dashboard shows for one view, and the same for the period it is compared
 * with (`f.compare`). Totals are the sum of the trend (the buckets partition the range).
 */
export async function getOverview(
  f: OverviewFilters,
  prisma = db(),
  top: TopOptions = { limit: 10, sort: 'revenue' },
): Promise<Overview> {
  const fromMs = f.from.getTime();
  const toMs = f.to.getTime();
  const prev = comparedPeriod(f);
  const current = planCells([fromMs], toMs);
  const before = planCells([prev.from], prev.to);

  const [trend, previousTrend, products, demographics, mix, recentOrders, freshness] = await Promise.all([
    getSalesTrend(prisma, f, trendBuckets(f), toMs),
    getSalesTrend(prisma, f, bucketStarts(prev.from, prev.to, f.granularity, f.tz), prev.to),
    getProductStandings(prisma, f, current, before, top),
    getDemographics(prisma, f, current),
    getMix(prisma, f, current),
    getRecentOrders(prisma, f),
    getFreshness(prisma, env().SALES_TOPIC),
  ]);
  const { top: topProducts, previousRanks: ranks, previousFigures, movers } = products;
  const totals = totalsOf(trend);
  return {
    currency: env().REPORTING_CURRENCY,
    range: { from: f.from.toISOString(), to: f.to.toISOString() },
    tz: f.tz,
    granularity: f.granularity,
    filters: {
      store: f.store ?? [],
      region: f.region ?? [],
      channel: f.channel ?? [],
      category: f.category ?? [],
    },
    totals,
    top_products: topProducts.map((p, i) => ({
      ...p,
      rank: i + 1,
      previous_rank: ranks.get(p.sku) ?? null,
      previous_revenue_cents: previousFigures.get(p.sku)?.revenue_cents ?? 0,
      previous_units: previousFigures.get(p.sku)?.units ?? 0,
      share: totals.revenue_cents === 0 ? 0 : approxNumber(p.revenue_cents) / approxNumber(totals.revenue_cents),
    })),
    top,
    movers,
    demographics,
    mix,
    trend,
    previous: {
      compare: f.compare,
      range: { from: new Date(prev.from).toISOString(), to: new Date(prev.to).toISOString() },
      totals: totalsOf(previousTrend),
      trend: previousTrend,
    },
    recent_orders: recentOrders,
    freshness,
  };
}

/** Parse a view's parameters (throws ParamError) and answer it. */
export function getOverviewForQuery(query: OverviewQuery, nowMs = Date.now()): Promise<Overview> {
  return getOverview(parseOverviewQuery(query, nowMs), db(), parseTopOptions(query));
}
