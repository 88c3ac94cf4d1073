import { Prisma, type PrismaClient } from '@prisma/client';
import type { OverviewFilters, ProductDetail } from '@/lib/contract/overview';
import { db } from '@/lib/db';
import { toBigInt } from '@/lib/domain/exact-number';
import { ALL } from '@/lib/domain/sales-rollup';
import { planCells } from '@/lib/domain/time-buckets';
import { env } from '@/lib/env';
import { comparedPeriod, type OverviewQuery, parseOverviewQuery, trendBuckets } from '@/lib/web/overview-params';
import { dimensionWhere, fromCells } from './filter-sql';
import { getFreshness } from './get-freshness';
import { toSlices } from './get-mix';
import { getProductDemographics } from './get-product-demographics';
import { figures, toTrendPoints, totalsOf } from './get-sales-trend';

type Sums = { revenue: bigint; units: bigint; orders: bigint; refunds: bigint };

function productWhere(f: OverviewFilters): Prisma.Sql {
  const category = f.category ? Prisma.sql`AND r.category = ANY(${f.category}::text[])` : Prisma.empty;
  // Store-level rows: the page breaks the product down by store and channel.
  return Prisma.sql`r.store_id <> ${ALL} AND ${dimensionWhere(f)} ${category}`;
}

/**
 * One product in a view (drill-down): its trend, totals against the period compared with, where
 * it sells (stores, channels, regions) and who buys it. `orders` counts orders containing
 * the product.
 */
export async function getProductDetail(
  sku: string,
  f: OverviewFilters,
  prisma: PrismaClient = db(),
  /** The viewer's scope of categories: a product of another category is not found. */
  categories?: readonly string[],
): Promise<ProductDetail | null> {
  const fromMs = f.from.getTime();
  const toMs = f.to.getTime();
  const prev = comparedPeriod(f);
  const starts = trendBuckets(f);
  const current = planCells([fromMs], toMs);
  const where = productWhere(f);
  const only = Prisma.sql`x.sku = ${sku}`;
  const [product, trendRows, previousRows, breakdown, segments, freshness] = await Promise.all([
    prisma.$queryRaw<{ sku: string; name: string; category: string }[]>`
      SELECT sku, name, category FROM product WHERE sku = ${sku}`,
    prisma.$queryRaw<(Sums & { idx: number })[]>`
      SELECT r.idx, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.units)::bigint AS units, SUM(r.orders)::bigint AS orders,
        SUM(r.refund_cents)::bigint AS refunds
      FROM ${fromCells('product_rollup', planCells(starts, toMs), only)} WHERE ${where} GROUP BY r.idx`,
    prisma.$queryRaw<Sums[]>`
      SELECT COALESCE(SUM(r.revenue_cents), 0)::bigint AS revenue, COALESCE(SUM(r.units), 0)::bigint AS units,
             COALESCE(SUM(r.orders), 0)::bigint AS orders, COALESCE(SUM(r.refund_cents), 0)::bigint AS refunds
      FROM ${fromCells('product_rollup', planCells([prev.from], prev.to), only)} WHERE ${where}`,
    prisma.$queryRaw<{ dimension: 'store' | 'channel' | 'region'; key: string; revenue: bigint; orders: bigint }[]>`
      SELECT CASE WHEN GROUPING(r.store_id) = 0 THEN 'store' WHEN GROUPING(r.channel) = 0 THEN 'channel' ELSE 'region' END
               AS dimension,
             COALESCE(r.store_id, r.channel, r.region) AS key,
             SUM(r.revenue_cents)::bigint AS revenue, SUM(r.orders)::bigint AS orders
      FROM ${fromCells('product_rollup', current, only)} WHERE ${where}
      GROUP BY GROUPING SETS ((r.store_id), (r.channel), (r.region))`,
    getProductDemographics(prisma, sku, f, current),
    getFreshness(prisma, env().SALES_TOPIC),
  ]);
  const info = product[0];
  if (!info || (categories && categories.length > 0 && !categories.includes(info.category))) return null;
  const trend = toTrendPoints(starts, trendRows, f.granularity, f.tz);
  const before = previousRows[0];
  const slicesOf = (dimension: 'store' | 'channel' | 'region') =>
    toSlices(breakdown.filter((r) => r.dimension === dimension));
  return {
    product: info,
    range: { from: f.from.toISOString(), to: f.to.toISOString() },
    tz: f.tz,
    granularity: f.granularity,
    totals: totalsOf(trend),
    compare: f.compare,
    previous_range: { from: new Date(prev.from).toISOString(), to: new Date(prev.to).toISOString() },
    previous_totals: figures(
      toBigInt(before?.revenue),
      toBigInt(before?.refunds),
      toBigInt(before?.orders),
      toBigInt(before?.units),
    ),
    trend,
    stores: slicesOf('store'),
    channels: slicesOf('channel'),
    demographics: {
      ...segments,
      region: slicesOf('region').map(({ key, revenue_cents, orders }) => ({ key, revenue_cents, orders })),
    },
    freshness,
  };
}

export function getProductDetailForQuery(
  sku: string,
  query: OverviewQuery,
  nowMs = Date.now(),
  categories?: readonly string[],
) {
  return getProductDetail(sku, parseOverviewQuery(query, nowMs), db(), categories);
}
