import { db } from '../db';
import { env } from '../env';
import { averageOrderValueCents } from '../sales-event';
import { getDemographics } from './get-demographics';
import { getFreshness } from './get-freshness';
import { getSalesTrend } from './get-sales-trend';
import { getTopProducts } from './get-top-products';
import type { Overview, OverviewFilters } from './overview.types';

/** Everything the dashboard shows for one view; the four queries run concurrently. */
export async function getOverview(f: OverviewFilters, prisma = db()): Promise<Overview> {
  const [trend, topProducts, demographics, freshness] = await Promise.all([
    getSalesTrend(prisma, f),
    getTopProducts(prisma, f),
    getDemographics(prisma, f),
    getFreshness(prisma, env().SALES_TOPIC),
  ]);
  let revenue = 0;
  let orders = 0;
  let units = 0;
  for (const p of trend) {
    revenue += p.revenue_cents;
    orders += p.orders;
    units += p.units;
  }
  return {
    currency: env().REPORTING_CURRENCY,
    range: { from: f.from.toISOString(), to: f.to.toISOString() },
    filters: {
      store: f.store ?? null,
      region: f.region ?? null,
      channel: f.channel ?? null,
      category: f.category ?? null,
    },
    totals: { revenue_cents: revenue, orders, units, aov_cents: averageOrderValueCents(revenue, orders) },
    top_products: topProducts,
    demographics,
    trend,
    freshness,
  };
}
