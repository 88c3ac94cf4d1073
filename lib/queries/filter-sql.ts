import { Prisma } from '@prisma/client';
import { ALL, ALL_CATEGORIES } from '../sales-rollup';
import type { Cell } from '../time-buckets';
import type { OverviewFilters } from './overview.types';

export type RollupTable = 'sales_rollup' | 'product_rollup' | 'demographic_rollup' | 'product_demographic_rollup';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `FROM` clause joining a rollup table (alias `r`) to the cells that cover the view's range
 * (alias `c`, with `c.idx` = the trend bucket of each cell). Each cell is one index range
 * scan on (grain, bucket); the cells never overlap, so sums over them are exact.
 *
 * Why LATERAL … OFFSET 0: the planner cannot see how few cells an array parameter holds and,
 * past a few dozen, prefers a hash join over a sequential scan of the whole table (seconds
 * on a month of data). The fence keeps it to one index range scan per cell — and keeps
 * conditions outside it from reaching the scan, so `scanWhere` (a condition on alias `x`,
 * such as one SKU) is applied inside, where the index can use it.
 */
export function fromCells(table: RollupTable, cells: Cell[], scanWhere: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`unnest(${cells.map((c) => c.grain)}::text[], ${cells.map((c) => iso(c.from))}::timestamptz[],
      ${cells.map((c) => iso(c.to))}::timestamptz[], ${cells.map((c) => c.bucket)}::int[]) AS c(grain, lo, hi, idx)
    CROSS JOIN LATERAL (
      SELECT * FROM ${Prisma.raw(table)} x
      WHERE x.grain = c.grain AND x.bucket >= c.lo AND x.bucket < c.hi ${scanWhere === Prisma.empty ? Prisma.empty : Prisma.sql`AND ${scanWhere}`}
      OFFSET 0
    ) r`;
}

/** Store, region and channel filters on alias `r` (always a valid boolean expression). */
export function dimensionWhere(f: Pick<OverviewFilters, 'store' | 'region' | 'channel'>): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.store) parts.push(Prisma.sql`r.store_id = ${f.store}`);
  if (f.region) parts.push(Prisma.sql`r.region = ${f.region}`);
  if (f.channel) parts.push(Prisma.sql`r.channel = ${f.channel}`);
  return Prisma.join(parts, ' AND ');
}

/** Rows under ALL_CATEGORIES answer views without a category filter. */
export function categoryOrAll(f: Pick<OverviewFilters, 'category'>): string {
  return f.category ?? ALL_CATEGORIES;
}

/**
 * Which rows of product_rollup / demographic_rollup answer the view: the region-level rows
 * (store_id = channel = ALL) when no store or channel is filtered, else the store-level rows.
 * Both levels hold every event once, so either gives the same exact sums.
 */
export function levelWhere(f: Pick<OverviewFilters, 'store' | 'channel'>): Prisma.Sql {
  return f.store || f.channel
    ? Prisma.sql`r.store_id <> ${ALL}`
    : Prisma.sql`r.store_id = ${ALL} AND r.channel = ${ALL}`;
}
