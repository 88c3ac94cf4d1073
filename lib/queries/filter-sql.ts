import { Prisma } from '@prisma/client';
import { ALL, ALL_CATEGORIES, CATEGORY_SET_PREFIX } from '../sales-rollup';
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

/** Store, region and channel filters on alias `r`, any listed value matching (always a valid boolean expression). */
export function dimensionWhere(f: Pick<OverviewFilters, 'store' | 'region' | 'channel'>): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.store) parts.push(Prisma.sql`r.store_id = ANY(${f.store}::text[])`);
  if (f.region) parts.push(Prisma.sql`r.region = ANY(${f.region}::text[])`);
  if (f.channel) parts.push(Prisma.sql`r.channel = ANY(${f.channel}::text[])`);
  return Prisma.join(parts, ' AND ');
}

/** The real categories of sales_rollup: neither whole-order nor category-set rows. */
export function isRealCategory(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${column} <> ${ALL_CATEGORIES} AND left(${column}, 1) <> ${CATEGORY_SET_PREFIX}`;
}

/**
 * Which rows of sales_rollup or demographic_rollup (alias `r`) answer the view's category
 * filter, and what each row's `orders` counts for. Use as
 * `SELECT SUM(r.orders * ${weight}) … FROM ${fromCells(…)} ${join} WHERE ${where} AND …`.
 */
export interface CategoryScope {
  join: Prisma.Sql;
  where: Prisma.Sql;
  /** What one order of a row counts for in the view (1, or the category-set weight): orders = r.orders × weight. */
  weight: Prisma.Sql;
  /**
   * The same category condition on fromCells' fenced scan (alias `x`), so each cell's index
   * scan skips other categories' entries instead of fetching their rows; TRUE when the
   * condition needs the join.
   */
  scan: Prisma.Sql;
}

export function categoryScope(f: Pick<OverviewFilters, 'category'>): CategoryScope {
  const categories = f.category ?? [];
  if (categories.length <= 1) {
    // No filter: the whole-order rows; one category: its rows ("orders with a line in it").
    const category = categories[0] ?? ALL_CATEGORIES;
    return {
      join: Prisma.empty,
      where: Prisma.sql`r.category = ${category}`,
      weight: Prisma.sql`1`,
      scan: Prisma.sql`x.category = ${category}`,
    };
  }
  // Several categories S: each category's rows with weight 1, and the category-set rows of
  // every set T with |T∩S| ≥ 2 with weight 1 − |T∩S|, so that an order spanning k of the
  // selected categories counts k − (k − 1) = 1 (lib/sales-rollup.ts CATEGORY_SET_PREFIX).
  // Set rows have no revenue or units, so those sums need no weight.
  // Why one jsonb object probed per row rather than a JOIN on the weights: the planner cannot
  // estimate the weights' rows and chose a nested loop comparing every rollup row with every
  // weight (8× slower on a week of data); the object is built once (an InitPlan-like scan).
  const list = Prisma.sql`${categories}::text[]`;
  return {
    join: Prisma.sql`CROSS JOIN (
      SELECT jsonb_object_agg(u.category, u.weight) AS weights FROM (
        SELECT s.category, 1 AS weight FROM unnest(${list}) AS s(category)
        UNION ALL
        SELECT t.id, 1 - t.hits FROM (
          SELECT cs.id, (SELECT count(*)::int FROM unnest(cs.categories) AS x WHERE x = ANY(${list})) AS hits
          FROM category_set cs WHERE cs.categories && ${list}
        ) t WHERE t.hits > 1
      ) u
    ) w`,
    where: Prisma.sql`(w.weights -> r.category) IS NOT NULL`,
    weight: Prisma.sql`(w.weights ->> r.category)::int`,
    scan: Prisma.sql`TRUE`,
  };
}

/** First character of category-set rows, as a `>=` bound: every other category sorts at or above it in byte order. */
const ABOVE_SET_ROWS = String.fromCharCode(CATEGORY_SET_PREFIX.charCodeAt(0) + 1);

/**
 * Category condition for demographic_rollup's fenced scan (alias `x`), in the byte order
 * (COLLATE "C") of its level index so that the index checks it: the category when the view has
 * one, `realOnly` every real category (set rows excluded; `*` is left for the caller's WHERE),
 * else TRUE (several categories need the set rows).
 */
export function customerCategoryScan(f: Pick<OverviewFilters, 'category'>, realOnly = false): Prisma.Sql {
  const categories = f.category ?? [];
  if (realOnly) {
    return categories.length > 0
      ? Prisma.sql`x.category COLLATE "C" = ANY(${categories}::text[])`
      : Prisma.sql`x.category COLLATE "C" >= ${ABOVE_SET_ROWS}`;
  }
  if (categories.length > 1) return Prisma.sql`TRUE`;
  return Prisma.sql`x.category COLLATE "C" = ${categories[0] ?? ALL_CATEGORIES}`;
}

/**
 * Which rows of product_rollup / demographic_rollup answer the view: the store-level rows when
 * a store or channel is filtered; else the region-level rows (store_id = channel = ALL, region
 * set); and for product_rollup (`allRegions`), without a region filter either, its all-regions
 * rows (store_id = region = channel = ALL), ~5× fewer again. Every level holds every event
 * once, so each gives the same exact sums.
 */
export function levelWhere(
  f: Pick<OverviewFilters, 'store' | 'channel' | 'region'>,
  alias = 'r',
  allRegions = false,
): Prisma.Sql {
  const a = Prisma.raw(alias);
  if (f.store || f.channel) return Prisma.sql`${a}.store_id <> ${ALL}`;
  if (allRegions && !f.region) {
    return Prisma.sql`${a}.store_id = ${ALL} AND ${a}.region = ${ALL} AND ${a}.channel = ${ALL}`;
  }
  return Prisma.sql`${a}.store_id = ${ALL} AND ${a}.region <> ${ALL} AND ${a}.channel = ${ALL}`;
}

/**
 * levelWhere inside fromCells' fenced cell scan (alias `x`): the index range scan of each
 * cell then skips the other levels' entries itself instead of fetching their rows.
 */
export function levelScan(f: Pick<OverviewFilters, 'store' | 'channel' | 'region'>, allRegions = false): Prisma.Sql {
  return levelWhere(f, 'x', allRegions);
}
