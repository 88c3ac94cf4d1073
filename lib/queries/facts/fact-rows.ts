// The rows a sale fact stands for in each rollup table: one definition, used both to build the
// hour and day rollups from facts (roll-facts.ts) and to answer from the facts themselves what
// the rollups do not hold yet or at all (minute cells, facts not rolled up; see
// lib/queries/dashboard/filter-sql.ts fromCells). The rules are those of
// lib/domain/sales-rollup.ts: net revenue and units, refunds kept apart and never an order, one
// order per category part and per SKU part, category-set parts with orders only, customer
// segments as slot arrays, and the store, region and all-regions levels.

import { SLOT_DIMENSION_POSITIONS } from '@/lib/domain/sale-fact';
import { CUSTOMER_SEGMENTS } from '@/lib/domain/sales-rollup';

export type RollupTable = 'sales_rollup' | 'product_rollup' | 'demographic_rollup' | 'product_demographic_rollup';

export interface FactRowsShape {
  /** Key columns apart from grain, bucket and shard, in primary-key order. */
  keys: readonly string[];
  /** Measure columns. */
  sums: readonly string[];
  /**
   * Slot tables: the measures are segment slot arrays, and `v` has `revenue`, `ord` and the slot
   * columns instead (see slotArrays).
   */
  slots: boolean;
  /**
   * Whether the roll writes hour rows at the store level (store_id set). Without them a view
   * that reads store-level rows (a store or channel filter) answers hour cells from the facts,
   * like minute cells (fromCells `storeLevel`): the customer tables' store-level hour rows were
   * a third of all rows rolled and the costliest (a slot array each), while the views that
   * need them read at most the partial days at a range's ends at hour grain.
   */
  storeHours: boolean;
  /**
   * Levels the table keeps: 1 the store's rows only; 2 also its region's (store_id and channel
   * ''); 3 also all regions' (store_id, region and channel '').
   */
  levels: 1 | 2 | 3;
  /**
   * `CROSS JOIN LATERAL (…) v` turning the fact `f` into rows of the table's keys and measures
   * (alias `v`, one row per level and part; not grouped).
   */
  lateral: string;
  /** The same, store level only: the roll groups these and sums the other levels from them. */
  storeLateral: string;
}

const ORDER = 'CASE WHEN f.refund THEN 0 ELSE 1 END::bigint';
const REFUNDED = (column: string) => `CASE WHEN f.refund THEN -${column} ELSE 0 END`;
const MONEY = ['revenue_cents', 'orders', 'units', 'refund_cents', 'refund_units'] as const;
const SLOT_SUMS = ['revenue_cents', 'orders'] as const;
const money = (revenue: string, units: string) =>
  `${revenue} AS revenue_cents, ${ORDER} AS orders, ${units} AS units, ${REFUNDED(revenue)} AS refund_cents, ${REFUNDED(units)} AS refund_units`;

/**
 * The customer's segment slot in each dimension (`sale_fact.slots`), as columns s1 … s4 of `v`:
 * slot tables' rows carry `revenue` and `ord` (1 for a sale) once, and the slot arrays are made
 * from them (slotArrays) or summed per slot (roll-facts.ts).
 */
const SLOTS = 'f.slots[1] AS s1, f.slots[2] AS s2, f.slots[3] AS s3, f.slots[4] AS s4';
const slotFigures = `u.revenue, ${ORDER} AS ord, ${SLOTS}`;

/** Condition on a fact row `v`: slot `i` (a CUSTOMER_SEGMENTS index) is the customer's in its dimension. */
export const inSlot = (i: number) => `v.s${SLOT_DIMENSION_POSITIONS[i]} = ${i}`;

/** The slot arrays of one fact row `v` of a slot table (revenue_cents, orders). */
export function slotArrays(): string {
  const array = (column: string) =>
    `ARRAY[${CUSTOMER_SEGMENTS.map((_, i) => `CASE WHEN ${inSlot(i)} THEN v.${column} ELSE 0 END`).join(', ')}]::bigint[]`;
  return `${array('revenue')} AS revenue_cents, ${array('ord')} AS orders`;
}

const CATEGORY_PARTS = 'unnest(f.parts, f.part_revenue, f.part_units) AS u(category, revenue, units)';
const SKU_PARTS = 'unnest(f.skus, f.sku_categories, f.sku_revenue, f.sku_units) AS u(sku, category, revenue, units)';
/** Level 1: the store's row; 2: its region's (store and channel ''); 3: all regions (all ''). */
const LEVELS = (n: number) =>
  `(VALUES ${[1, 2, 3]
    .slice(0, n)
    .map((l) => `(${l})`)
    .join(', ')}) AS l(level)`;

/** The dimension keys blanked ('') at each level above the store's. */
export const BLANK_AT_LEVEL: Record<2 | 3, readonly string[]> = {
  2: ['store_id', 'channel'],
  3: ['store_id', 'region', 'channel'],
};

/** A fact's dimension `column` at level `l.level`: '' where that level blanks it. */
function atLevel(column: string): string {
  const blanked = ([2, 3] as const).filter((level) => BLANK_AT_LEVEL[level].includes(column));
  return `CASE WHEN l.level IN (${blanked.join(', ')}) THEN '' ELSE f.${column} END`;
}

/**
 * The lateral of a table with `levels` levels: `select(store, region, channel)` is its select
 * list given the three dimension expressions, `from` its parts; with one level the fact's own
 * store, region and channel, else each part once per level (`l.level`).
 */
function levelled(levels: 1 | 2 | 3, select: (store: string, region: string, channel: string) => string, from: string) {
  const rows =
    levels === 1
      ? `SELECT ${select('f.store_id', 'f.region', 'f.channel')} FROM ${from}`
      : `SELECT ${select(atLevel('store_id'), atLevel('region'), atLevel('channel'))}
      FROM ${from} CROSS JOIN ${LEVELS(levels)}`;
  return `CROSS JOIN LATERAL (
      ${rows}) v`;
}

/** A table's shape with its lateral at every level and at the store level. */
function shape(
  table: Omit<FactRowsShape, 'lateral' | 'storeLateral'>,
  select: (store: string, region: string, channel: string) => string,
  from: string,
): FactRowsShape {
  return { ...table, lateral: levelled(table.levels, select, from), storeLateral: levelled(1, select, from) };
}

export const FACT_ROWS: Record<RollupTable, FactRowsShape> = {
  sales_rollup: shape(
    { keys: ['store_id', 'region', 'channel', 'category'], sums: MONEY, slots: false, storeHours: true, levels: 1 },
    (store, region, channel) =>
      `${store} AS store_id, ${region} AS region, ${channel} AS channel, u.category, ${money('u.revenue', 'u.units')}`,
    CATEGORY_PARTS,
  ),
  product_rollup: shape(
    {
      keys: ['store_id', 'region', 'channel', 'sku', 'category'],
      sums: MONEY,
      slots: false,
      storeHours: true,
      levels: 3,
    },
    (store, region, channel) =>
      `${store} AS store_id, ${region} AS region, ${channel} AS channel, u.sku, u.category, ${money('u.revenue', 'u.units')}`,
    SKU_PARTS,
  ),
  demographic_rollup: shape(
    { keys: ['store_id', 'region', 'channel', 'category'], sums: SLOT_SUMS, slots: true, storeHours: false, levels: 2 },
    (store, region, channel) =>
      `${store} AS store_id, ${region} AS region, ${channel} AS channel, u.category, ${slotFigures}`,
    'unnest(f.parts, f.part_revenue) AS u(category, revenue)',
  ),
  product_demographic_rollup: shape(
    {
      keys: ['sku', 'store_id', 'region', 'channel', 'category'],
      sums: SLOT_SUMS,
      slots: true,
      storeHours: false,
      levels: 1,
    },
    (store, region, channel) =>
      `u.sku, ${store} AS store_id, ${region} AS region, ${channel} AS channel, u.category, ${slotFigures}`,
    'unnest(f.skus, f.sku_categories, f.sku_revenue) AS u(sku, category, revenue)',
  ),
};

/** Columns of a table a query reads (`r.<column>`), in one order for every source of rows. */
export function readColumns(table: RollupTable): string[] {
  const { keys, sums } = FACT_ROWS[table];
  return [...keys, ...sums];
}
