import { Prisma } from '@prisma/client';
import type { OverviewFilters } from '@/lib/contract/overview';
import { ALL, ALL_CATEGORIES, CATEGORY_SET_PREFIX } from '@/lib/domain/sales-rollup';
import type { Cell } from '@/lib/domain/time-buckets';
import { FACT_ROWS, type RollupTable, readColumns, slotArrays } from '@/lib/queries/facts/fact-rows';

export type { RollupTable };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `FROM` clause of the rows of a rollup table (alias `r`, with `r.idx` = the trend bucket of
 * each row) that cover the view's cells. The cells never overlap, and each sale fact is in
 * exactly one of the three sources below, so sums over `r` are exact:
 * - hour and day cells: the table's rows, one index range scan on (grain, bucket) per cell;
 * - minute cells: the facts themselves (the rollups hold hours and days; minute rows written by
 *   earlier versions are still read); so are hour cells when the view reads a table's
 *   store-level rows (`storeLevel`) and the roll writes no store-level hours for that table
 *   (FactRowsShape.storeHours);
 * - the facts not rolled up yet into this table (its fact_roll rows; lib/queries/facts/roll-pending.ts), in the other cells.
 *
 * Why LATERAL … OFFSET 0: the planner cannot see how few cells an array parameter holds and,
 * past a few dozen, prefers a hash join over a sequential scan of the whole table (seconds
 * on a month of data). The fence keeps it to one index range scan per cell — and keeps
 * conditions outside it from reaching the scan, so `scanWhere` (a condition on alias `x`,
 * such as one SKU) is applied inside, where the index can use it.
 */
export function fromCells(
  table: RollupTable,
  cells: Cell[],
  scanWhere: Prisma.Sql = Prisma.empty,
  { storeLevel = false }: { storeLevel?: boolean } = {},
): Prisma.Sql {
  const unnestCells = Prisma.sql`unnest(${cells.map((c) => c.grain)}::text[], ${cells.map((c) => iso(c.from))}::timestamptz[],
      ${cells.map((c) => iso(c.to))}::timestamptz[], ${cells.map((c) => c.bucket)}::int[]) AS c(grain, lo, hi, idx)`;
  const scan = scanWhere === Prisma.empty ? Prisma.empty : Prisma.sql`AND ${scanWhere}`;
  const columns = readColumns(table);
  const { keys, slots, storeHours, lateral } = FACT_ROWS[table];
  // The grains whose cells are answered from every fact in them, rolled up or not.
  const factGrains = Prisma.raw(storeLevel && !storeHours ? "('m', 'h')" : "('m')");
  // The rows facts stand for, in the table's columns (alias `x`, like the table's own rows).
  const factRows = (facts: string) =>
    Prisma.raw(
      `SELECT ${slots ? `${keys.map((k) => `v.${k}`).join(', ')}, ${slotArrays()}` : columns.map((c) => `v.${c}`).join(', ')}
       FROM ${facts} f ${lateral}`,
    );
  const pendingFacts = Prisma.raw(`(
    SELECT f.* FROM consumer_offset o
    LEFT JOIN fact_roll w ON w.topic = o.topic AND w.partition = o.partition AND w.rollup = '${table}'
    CROSS JOIN LATERAL (
      SELECT * FROM sale_fact p WHERE p.topic = o.topic AND p.partition = o.partition AND p."offset" >= coalesce(w.next_offset, 0)
      OFFSET 0
    ) f
  )`);
  const selected = Prisma.raw(columns.map((c) => `x.${c}`).join(', '));
  return Prisma.sql`(
    SELECT c.idx, ${selected} FROM ${unnestCells}
    CROSS JOIN LATERAL (
      SELECT * FROM ${Prisma.raw(table)} x
      WHERE x.grain = c.grain AND x.bucket >= c.lo AND x.bucket < c.hi ${scan}
      OFFSET 0
    ) x
    UNION ALL
    SELECT c.idx, ${selected} FROM ${unnestCells}
    CROSS JOIN LATERAL (
      SELECT * FROM (${factRows('sale_fact')} WHERE c.grain IN ${factGrains} AND f.occurred_at >= c.lo AND f.occurred_at < c.hi) x
      WHERE TRUE ${scan}
      OFFSET 0
    ) x
    UNION ALL
    SELECT c.idx, ${selected} FROM ${pendingFacts} pending
    JOIN ${unnestCells} ON c.grain NOT IN ${factGrains} AND pending.occurred_at >= c.lo AND pending.occurred_at < c.hi
    CROSS JOIN LATERAL (
      SELECT * FROM (${factRows('(SELECT pending.*)')}) x
      WHERE TRUE ${scan}
    ) x
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
  // selected categories counts k − (k − 1) = 1 (lib/domain/sales-rollup.ts CATEGORY_SET_PREFIX).
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
  if (readsStoreLevel(f)) return Prisma.sql`${a}.store_id <> ${ALL}`;
  if (allRegions && !f.region) {
    return Prisma.sql`${a}.store_id = ${ALL} AND ${a}.region = ${ALL} AND ${a}.channel = ${ALL}`;
  }
  return Prisma.sql`${a}.store_id = ${ALL} AND ${a}.region <> ${ALL} AND ${a}.channel = ${ALL}`;
}

/** Whether levelWhere picks the store-level rows: a store or channel is filtered. */
export function readsStoreLevel(f: Pick<OverviewFilters, 'store' | 'channel'>): boolean {
  return Boolean(f.store || f.channel);
}

/**
 * levelWhere inside fromCells' fenced cell scan (alias `x`): the index range scan of each
 * cell then skips the other levels' entries itself instead of fetching their rows.
 */
export function levelScan(f: Pick<OverviewFilters, 'store' | 'channel' | 'region'>, allRegions = false): Prisma.Sql {
  return levelWhere(f, 'x', allRegions);
}
