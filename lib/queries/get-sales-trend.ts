import type { PrismaClient } from '@prisma/client';
import { averageOrderValueCents } from '../sales-event';
import { bucketLabel, type Granularity, planCells } from '../time-buckets';
import { categoryScope, dimensionWhere, fromCells } from './filter-sql';
import type { OverviewFilters, Totals, TrendPoint } from './overview.types';

export interface BucketSums {
  idx: number;
  /** Net revenue. */
  revenue: bigint;
  orders: bigint;
  units: bigint;
  refunds: bigint;
}

/**
 * Net revenue, gross, refunds, orders, units and AOV per trend bucket (zero-filled). `starts` are the buckets'
 * start instants; the last bucket ends at `toMs`.
 */
export async function getSalesTrend(
  prisma: PrismaClient,
  f: OverviewFilters,
  starts: number[],
  toMs: number,
  granularity: Granularity = f.granularity,
): Promise<TrendPoint[]> {
  const scope = categoryScope(f);
  const rows = await prisma.$queryRaw<BucketSums[]>`
    SELECT c.idx, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.orders * ${scope.weight})::bigint AS orders, SUM(r.units)::bigint AS units,
      SUM(r.refund_cents)::bigint AS refunds
    FROM ${fromCells('sales_rollup', planCells(starts, toMs), scope.scan)} ${scope.join}
    WHERE ${scope.where} AND ${dimensionWhere(f)}
    GROUP BY c.idx`;
  return toTrendPoints(starts, rows, granularity, f.tz);
}

/** One zero-filled point per bucket from per-bucket sums (`idx` = bucket index). */
export function toTrendPoints(
  starts: number[],
  rows: BucketSums[],
  granularity: Granularity,
  timeZone: string,
): TrendPoint[] {
  const byIndex = new Map(rows.map((r) => [Number(r.idx), r]));
  return starts.map((start, i) => {
    const row = byIndex.get(i);
    const revenue = Number(row?.revenue ?? 0);
    const orders = Number(row?.orders ?? 0);
    const refunds = Number(row?.refunds ?? 0);
    return {
      bucket: new Date(bucketLabel(start, granularity, timeZone)).toISOString(),
      start: new Date(start).toISOString(),
      revenue_cents: revenue,
      gross_cents: revenue + refunds,
      refund_cents: refunds,
      orders,
      units: Number(row?.units ?? 0),
      aov_cents: averageOrderValueCents(revenue, orders),
    };
  });
}

/** Totals of a range = the sum of its trend (the buckets partition the range). */
export function totalsOf(trend: readonly Omit<TrendPoint, 'bucket' | 'start' | 'aov_cents'>[]): Totals {
  let revenue = 0;
  let refunds = 0;
  let orders = 0;
  let units = 0;
  for (const p of trend) {
    revenue += p.revenue_cents;
    refunds += p.refund_cents;
    orders += p.orders;
    units += p.units;
  }
  return {
    revenue_cents: revenue,
    gross_cents: revenue + refunds,
    refund_cents: refunds,
    orders,
    units,
    aov_cents: averageOrderValueCents(revenue, orders),
  };
}
