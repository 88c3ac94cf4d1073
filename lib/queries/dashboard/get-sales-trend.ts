import type { PrismaClient } from '@prisma/client';
import type { OverviewFilters, Totals, TrendPoint } from '@/lib/contract/overview';
import { exactNumber, toBigInt } from '@/lib/domain/exact-number';
import { averageOrderValueCents } from '@/lib/domain/sales-event';
import { bucketLabel, type Granularity, planCells } from '@/lib/domain/time-buckets';
import { categoryScope, dimensionWhere, fromCells } from './filter-sql';

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
    SELECT r.idx, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.orders * ${scope.weight})::bigint AS orders, SUM(r.units)::bigint AS units,
      SUM(r.refund_cents)::bigint AS refunds
    FROM ${fromCells('sales_rollup', planCells(starts, toMs), scope.scan)} ${scope.join}
    WHERE ${scope.where} AND ${dimensionWhere(f)}
    GROUP BY r.idx`;
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
    return {
      bucket: new Date(bucketLabel(start, granularity, timeZone)).toISOString(),
      start: new Date(start).toISOString(),
      ...figures(toBigInt(row?.revenue), toBigInt(row?.refunds), toBigInt(row?.orders), toBigInt(row?.units)),
    };
  });
}

/** A bucket's or a range's figures from exact sums (net revenue, refunds, orders, net units). */
export function figures(revenue: bigint, refunds: bigint, orders: bigint, units: bigint): Totals {
  return {
    revenue_cents: exactNumber(revenue),
    gross_cents: exactNumber(revenue + refunds),
    refund_cents: exactNumber(refunds),
    // A count of sale events: 2^53 of them would take a million a second for 285 years.
    orders: Number(orders),
    units: exactNumber(units),
    aov_cents: averageOrderValueCents(revenue, orders),
  };
}

/** Totals of a range = the sum of its trend (the buckets partition the range), exact. */
export function totalsOf(
  trend: readonly Pick<TrendPoint, 'revenue_cents' | 'refund_cents' | 'orders' | 'units'>[],
): Totals {
  let revenue = 0n;
  let refunds = 0n;
  let orders = 0n;
  let units = 0n;
  for (const p of trend) {
    revenue += toBigInt(p.revenue_cents);
    refunds += toBigInt(p.refund_cents);
    orders += BigInt(p.orders);
    units += toBigInt(p.units);
  }
  return figures(revenue, refunds, orders, units);
}
