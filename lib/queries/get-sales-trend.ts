import type { PrismaClient } from '@prisma/client';
import { averageOrderValueCents } from '../sales-event';
import { bucketLabel, type Granularity, planCells } from '../time-buckets';
import { categoryOrAll, dimensionWhere, fromCells } from './filter-sql';
import type { OverviewFilters, TrendPoint } from './overview.types';

/**
 * Revenue, orders, units and AOV per trend bucket (zero-filled). `starts` are the buckets'
 * start instants; the last bucket ends at `toMs`.
 */
export async function getSalesTrend(
  prisma: PrismaClient,
  f: OverviewFilters,
  starts: number[],
  toMs: number,
  granularity: Granularity = f.granularity,
): Promise<TrendPoint[]> {
  const rows = await prisma.$queryRaw<{ idx: number; revenue: bigint; orders: bigint; units: bigint }[]>`
    SELECT c.idx, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.orders)::bigint AS orders, SUM(r.units)::bigint AS units
    FROM ${fromCells('sales_rollup', planCells(starts, toMs))}
    WHERE r.category = ${categoryOrAll(f)} AND ${dimensionWhere(f)}
    GROUP BY c.idx`;
  return toTrendPoints(starts, rows, granularity, f.tz);
}

/** One zero-filled point per bucket from per-bucket sums (`idx` = bucket index). */
export function toTrendPoints(
  starts: number[],
  rows: { idx: number; revenue: bigint; orders: bigint; units: bigint }[],
  granularity: Granularity,
  timeZone: string,
): TrendPoint[] {
  const byIndex = new Map(rows.map((r) => [Number(r.idx), r]));
  return starts.map((start, i) => {
    const row = byIndex.get(i);
    const revenue = Number(row?.revenue ?? 0);
    const orders = Number(row?.orders ?? 0);
    return {
      bucket: new Date(bucketLabel(start, granularity, timeZone)).toISOString(),
      start: new Date(start).toISOString(),
      revenue_cents: revenue,
      orders,
      units: Number(row?.units ?? 0),
      aov_cents: averageOrderValueCents(revenue, orders),
    };
  });
}
