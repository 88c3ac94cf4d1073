import { Prisma, type PrismaClient } from '@prisma/client';
import { db } from '../db';
import { type OverviewQuery, parseOverviewQuery, trendBuckets } from '../overview-params';
import { ALL } from '../sales-rollup';
import { planCells, previousPeriod } from '../time-buckets';
import { dimensionWhere, fromCells } from './filter-sql';
import { toSlices } from './get-mix';
import { toTrendPoints, totalsOf } from './get-sales-trend';
import type { OverviewFilters, ProductDetail } from './overview.types';

type Sums = { revenue: bigint; units: bigint; orders: bigint; refunds: bigint };

function productWhere(f: OverviewFilters, sku: string): Prisma.Sql {
  const category = f.category ? Prisma.sql`AND r.category = ANY(${f.category}::text[])` : Prisma.empty;
  // Store-level rows: the page breaks the product down by store and channel.
  return Prisma.sql`r.sku = ${sku} AND r.store_id <> ${ALL} AND ${dimensionWhere(f)} ${category}`;
}

/**
 * One product in a view (drill-down): its trend, totals against the previous period, and
 * where it sells (stores, channels). `orders` counts orders containing the product.
 */
export async function getProductDetail(
  sku: string,
  f: OverviewFilters,
  prisma: PrismaClient = db(),
): Promise<ProductDetail | null> {
  const fromMs = f.from.getTime();
  const toMs = f.to.getTime();
  const prev = previousPeriod(fromMs, toMs);
  const starts = trendBuckets(f);
  const current = planCells([fromMs], toMs);
  const where = productWhere(f, sku);
  const [product, trendRows, previousRows, stores, channels] = await Promise.all([
    prisma.$queryRaw<{ sku: string; name: string; category: string }[]>`
      SELECT sku, name, category FROM product WHERE sku = ${sku}`,
    prisma.$queryRaw<(Sums & { idx: number })[]>`
      SELECT c.idx, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.units)::bigint AS units, SUM(r.orders)::bigint AS orders,
        SUM(r.refund_cents)::bigint AS refunds
      FROM ${fromCells('product_rollup', planCells(starts, toMs))} WHERE ${where} GROUP BY c.idx`,
    prisma.$queryRaw<Sums[]>`
      SELECT COALESCE(SUM(r.revenue_cents), 0)::bigint AS revenue, COALESCE(SUM(r.units), 0)::bigint AS units,
             COALESCE(SUM(r.orders), 0)::bigint AS orders, COALESCE(SUM(r.refund_cents), 0)::bigint AS refunds
      FROM ${fromCells('product_rollup', planCells([prev.from], prev.to))} WHERE ${where}`,
    prisma.$queryRaw<(Sums & { key: string })[]>`
      SELECT r.store_id AS key, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.units)::bigint AS units,
             SUM(r.orders)::bigint AS orders
      FROM ${fromCells('product_rollup', current)} WHERE ${where} GROUP BY r.store_id`,
    prisma.$queryRaw<(Sums & { key: string })[]>`
      SELECT r.channel AS key, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.units)::bigint AS units,
             SUM(r.orders)::bigint AS orders
      FROM ${fromCells('product_rollup', current)} WHERE ${where} GROUP BY r.channel`,
  ]);
  const info = product[0];
  if (!info) return null;
  const trend = toTrendPoints(starts, trendRows, f.granularity, f.tz);
  const before = previousRows[0];
  return {
    product: info,
    range: { from: f.from.toISOString(), to: f.to.toISOString() },
    tz: f.tz,
    granularity: f.granularity,
    totals: totalsOf(trend),
    previous_totals: totalsOf([
      {
        revenue_cents: Number(before?.revenue ?? 0),
        gross_cents: Number(before?.revenue ?? 0) + Number(before?.refunds ?? 0),
        refund_cents: Number(before?.refunds ?? 0),
        units: Number(before?.units ?? 0),
        orders: Number(before?.orders ?? 0),
      },
    ]),
    trend,
    stores: toSlices(stores),
    channels: toSlices(channels),
  };
}

export function getProductDetailForQuery(sku: string, query: OverviewQuery, nowMs = Date.now()) {
  return getProductDetail(sku, parseOverviewQuery(query, nowMs));
}
