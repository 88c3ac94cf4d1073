import type { PrismaClient } from '@prisma/client';
import { MINUTE_MS } from '../overview-params';
import { categoryOrAll, rollupWhere } from './filter-sql';
import type { OverviewFilters, TrendPoint } from './overview.types';

/** Revenue, orders and units per minute of the range, zero-filled. */
export async function getSalesTrend(prisma: PrismaClient, f: OverviewFilters): Promise<TrendPoint[]> {
  const rows = await prisma.$queryRaw<{ bucket: Date; revenue: bigint; orders: bigint; units: bigint }[]>`
    SELECT bucket, SUM(revenue_cents)::bigint AS revenue, SUM(orders)::bigint AS orders, SUM(units)::bigint AS units
    FROM sales_minute
    WHERE category = ${categoryOrAll(f)} AND ${rollupWhere(f)}
    GROUP BY bucket`;
  const byBucket = new Map(rows.map((r) => [r.bucket.getTime(), r]));
  const points: TrendPoint[] = [];
  for (let t = f.from.getTime(); t < f.to.getTime(); t += MINUTE_MS) {
    const row = byBucket.get(t);
    points.push({
      bucket: new Date(t).toISOString(),
      revenue_cents: Number(row?.revenue ?? 0),
      orders: Number(row?.orders ?? 0),
      units: Number(row?.units ?? 0),
    });
  }
  return points;
}
