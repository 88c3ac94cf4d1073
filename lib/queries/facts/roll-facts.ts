// Builds the hour and day rollups from sale facts, set-based: one INSERT … SELECT … GROUP BY per
// rollup table adds the facts of ranges of one or more partitions to both grains and every level
// at once, in PostgreSQL. The worker's transaction writes only the facts (one row per event);
// this runs after, in transactions of its own (workers/sales/roller.ts), and minute cells are
// read from the facts themselves (lib/queries/dashboard/filter-sql.ts fromCells).
import type { Prisma } from '@prisma/client';
import { CUSTOMER_SEGMENTS } from '@/lib/domain/sales-rollup';
import { BLANK_AT_LEVEL, FACT_ROWS, inSlot, type RollupTable } from './fact-rows';

type Tx = Prisma.TransactionClient;

/** Primary key of each rollup table (its ON CONFLICT target and the order rows are written in). */
const PRIMARY_KEYS: Record<RollupTable, string> = {
  sales_rollup: 'grain, bucket, store_id, region, channel, category, shard',
  product_rollup: 'grain, bucket, store_id, region, channel, sku, category, shard',
  demographic_rollup: 'grain, bucket, store_id, region, channel, category, shard',
  product_demographic_rollup: 'grain, sku, bucket, store_id, region, channel, category, shard',
};

const SLOT_INDEXES = CUSTOMER_SEGMENTS.map((_, i) => i);
const slotColumns = (prefix: string) => SLOT_INDEXES.map((i) => `${prefix}${i}`);

/**
 * Hour cells of a range of facts at the store level (CTE `h1`: bucket, keys, measures; slot
 * tables with one column per slot, r0 … and o0 …); `h` adds the region and all-regions cells
 * summed from `h1` (a busy hour's many sales of a store × channel × part are one row there, so
 * the upper levels group far fewer rows than the facts); then `h` (without its store-level
 * rows where the table has no store-level hours, FactRowsShape.storeHours) and the day cells
 * summed from it, upserted in key order.
 */
function rollStatement(table: RollupTable): string {
  const { keys, sums, slots, storeHours, levels, storeLateral } = FACT_ROWS[table];
  const measures = slots ? [...slotColumns('r'), ...slotColumns('o')] : [...sums];
  const hourSums = slots
    ? [
        ...SLOT_INDEXES.map((i) => `sum(v.revenue) FILTER (WHERE ${inSlot(i)})::bigint AS r${i}`),
        ...SLOT_INDEXES.map((i) => `sum(v.ord) FILTER (WHERE ${inSlot(i)})::bigint AS o${i}`),
      ]
    : sums.map((c) => `sum(v.${c})::bigint AS ${c}`);
  // Slot tables: revenue_cents from the r columns, orders from the o columns.
  const out = slots
    ? [
        `ARRAY[${slotColumns('r').map((m) => `coalesce(${m}, 0)`)}]::bigint[]`,
        `ARRAY[${slotColumns('o').map((m) => `coalesce(${m}, 0)`)}]::bigint[]`,
      ]
    : sums.map((c) => `${c}::bigint`);
  const add = (column: string) =>
    slots
      ? `${column} = ARRAY[${SLOT_INDEXES.map((i) => `coalesce(t.${column}[${i + 1}], 0) + coalesce(EXCLUDED.${column}[${i + 1}], 0)`).join(', ')}]`
      : `${column} = t.${column} + EXCLUDED.${column}`;
  const keyList = keys.join(', ');
  const pk = PRIMARY_KEYS[table];
  const upper = ([2, 3] as const)
    .filter((level) => level <= levels)
    .map((level) => {
      const blank = BLANK_AT_LEVEL[level];
      const kept = keys.filter((k) => !blank.includes(k));
      return `
      UNION ALL
      SELECT bucket, ${keys.map((k) => (blank.includes(k) ? `''::text AS ${k}` : k)).join(', ')}, ${measures.map((m) => `sum(${m})::bigint AS ${m}`).join(', ')}
      FROM h1 GROUP BY bucket, ${kept.join(', ')}`;
    });
  return `
    WITH h1 AS (
      SELECT date_bin('1 hour', f.occurred_at, timestamptz 'epoch') AS bucket, ${keys.map((k) => `v.${k}`).join(', ')},
        ${hourSums.join(', ')}
      FROM unnest($2::int[], $3::bigint[], $4::bigint[], $7::bigint[]) AS r(partition, lo, hi, below)
      CROSS JOIN LATERAL (
        SELECT * FROM sale_fact p WHERE p.topic = $1 AND p.partition = r.partition AND p."offset" BETWEEN r.lo AND r.hi
        OFFSET 0 -- kept apart: joined in, the planner read all of sale_fact on every roll
      ) f ${storeLateral}
      WHERE ($6::timestamptz IS NULL OR f.occurred_at >= $6 OR f."offset" >= r.below)
        AND ($8::timestamptz IS NULL OR f.occurred_at < $8)
      GROUP BY 1, ${keys.map((_, i) => i + 2).join(', ')}
    ), h AS (
      SELECT * FROM h1${upper.join('')}
    ), cells AS (
      SELECT 'h'::text AS grain, bucket, ${keyList}, ${measures.join(', ')} FROM h ${storeHours ? '' : `WHERE store_id = ''`}
      UNION ALL
      SELECT 'd', date_bin('1 day', bucket, timestamptz 'epoch'), ${keyList}, ${measures.map((m) => `sum(${m})::bigint`).join(', ')}
      FROM h GROUP BY 2, ${keys.map((_, i) => i + 3).join(', ')}
    )
    INSERT INTO ${table} AS t (shard, grain, bucket, ${keyList}, ${sums.join(', ')})
    SELECT $5::smallint AS shard, grain, bucket, ${keyList}, ${out.map((o, n) => `${o} AS ${sums[n]}`).join(', ')}
    FROM cells
    ORDER BY ${pk}
    ON CONFLICT (${pk}) DO UPDATE SET ${sums.map(add).join(', ')}`;
}

/** The rollup tables, in the order a roll writes them. */
export const ROLLUP_TABLES = Object.keys(FACT_ROWS) as RollupTable[];

/** One statement per table. */
const ROLL_STATEMENTS = new Map(ROLLUP_TABLES.map((table) => [table, rollStatement(table)]));

/** Facts of one partition, offsets firstOffset … lastOffset. */
export interface PartitionRange {
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
}

export interface FactRange {
  topic: string;
  /** One or more partitions' facts, rolled in one statement per table. */
  partitions: PartitionRange[];
  /**
   * Shard of the rollup rows written: the smallest partition whose fact_roll row the roll holds
   * (roll-pending.ts; `partitions` are those of them with facts waiting). Two rolls of a table
   * running at once hold disjoint sets of its partitions (their fact_roll row locks), so their
   * smallest partitions differ and they never write the same row.
   */
  shard: number;
  /**
   * A partial replay's facts copied from the live tables (event time before `before`, offset
   * below `below` of its partition): their rollup rows were copied too, so they are left out.
   */
  exceptCopied?: { before: Date; below: Map<number, bigint> } | null;
  /** Only facts of events before this time. */
  occurredBefore?: Date | null;
}

/**
 * Memory for the roll's sorts and hash aggregates: a range of 20,000 facts groups ~100,000
 * rows of the customer tables (two slot arrays each), which spilled to disk at the default
 * 4 MB (about a tenth of the statement's time).
 */
const ROLL_WORK_MEM = '64MB';

/** Adds the facts of `range` to the hour and day cells of `tables` (every rollup table by default). */
export async function rollFacts(
  tx: Tx,
  range: FactRange,
  tables: readonly RollupTable[] = ROLLUP_TABLES,
): Promise<void> {
  const { topic, partitions, shard, exceptCopied, occurredBefore } = range;
  await tx.$executeRawUnsafe(`SET LOCAL work_mem = '${ROLL_WORK_MEM}'`);
  // Rollup rows are derived from committed facts and written with the roll's progress: a
  // commit lost to a database crash loses both together, and the facts are rolled again.
  await tx.$executeRawUnsafe('SET LOCAL synchronous_commit = off');
  for (const table of tables) {
    await tx.$executeRawUnsafe(
      ROLL_STATEMENTS.get(table) as string,
      topic,
      partitions.map((p) => p.partition),
      partitions.map((p) => p.firstOffset),
      partitions.map((p) => p.lastOffset),
      shard,
      exceptCopied?.before ?? null,
      partitions.map((p) => exceptCopied?.below.get(p.partition) ?? 0n),
      occurredBefore ?? null,
    );
  }
}
