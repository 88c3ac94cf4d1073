// Merges the shards of closed rollup cells into one row (shard = -1), where a cell has several.
//
// Why: concurrent rolls write rows of shards of their own so that they never wait on each
// other's row locks (lib/queries/facts/roll-facts.ts FactRange.shard) — but a month-long view
// would then sum a cell once per shard. Cells stop changing once their minute/hour/day is well
// past (only rare late events still touch them), so a background job folds their shards
// together.
//
// Exactness: one statement deletes a cell's shard rows and adds their sums to the merged
// row, in one transaction; a worker upserting the same row meanwhile waits for the row lock
// and then inserts a fresh shard row (INSERT … ON CONFLICT re-checks after the delete).
// Sums over all shards are the same before, during and after. Late events for compacted
// cells simply create new shard rows next to the merged one.
import { Prisma, type PrismaClient } from '@prisma/client';
import { GRAINS, type Grain } from '@/lib/domain/sales-rollup';
import { LIVE_SCHEMA } from '@/lib/queries/replay/replay-sql';

/** Cells whose end is older than this are compacted. */
export const COMPACT_AFTER_MS = 2 * 3_600_000;
/** One transaction covers at most this much time per grain (keeps locks short). */
const CHUNK_MS: Record<Grain, number> = { m: 3_600_000, h: 86_400_000, d: 7 * 86_400_000 };
/** pg_try_advisory_xact_lock key: one compactor at a time across all workers. */
const LOCK_KEY = 0x70756c7365; // "pulse"
const MERGED_SHARD = -1;

interface TableShape {
  table: string;
  keys: string[];
  sums: string[];
  /** Measures that are segment slot arrays, summed slot by slot (slot_sum / slot_add). */
  slots: Set<string>;
}

/** Rollup tables (grain, bucket, …, shard) and their key and measure columns, from the catalog. */
async function rollupTables(prisma: PrismaClient): Promise<TableShape[]> {
  const rows = await prisma.$queryRaw<{ table: string; column: string; in_key: boolean; type: string }[]>`
    SELECT c.table_name::text AS table, c.column_name::text AS column, c.data_type::text AS type,
      EXISTS (SELECT 1 FROM information_schema.key_column_usage k
              JOIN information_schema.table_constraints tc
                ON tc.constraint_name = k.constraint_name AND tc.table_schema = k.table_schema
              WHERE tc.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema
                AND k.table_name = c.table_name AND k.column_name = c.column_name) AS in_key
    FROM information_schema.columns c
    WHERE c.table_schema = current_schema()
      AND c.table_name IN (SELECT table_name FROM information_schema.columns
                           WHERE table_schema = current_schema() AND column_name = 'shard')
    ORDER BY c.table_name, c.ordinal_position`;
  const tables = new Map<string, TableShape & { summable: boolean }>();
  for (const r of rows) {
    const shape = tables.get(r.table) ?? { table: r.table, keys: [], sums: [], slots: new Set(), summable: true };
    tables.set(r.table, shape);
    if (r.column === 'shard') continue;
    if (r.in_key) shape.keys.push(r.column);
    else {
      shape.sums.push(r.column);
      // Segment slots are bigint[] (information_schema says ARRAY); anything else is not merged.
      if (r.type === 'ARRAY') shape.slots.add(r.column);
      else if (!['bigint', 'integer', 'smallint', 'numeric'].includes(r.type)) shape.summable = false;
    }
  }
  return [...tables.values()].filter((t) => t.summable && t.keys.includes('grain') && t.keys.includes('bucket'));
}

function compactSql(shape: TableShape, grain: Grain, lo: Date, hi: Date): Prisma.Sql {
  const id = (c: string) => `"${c}"`;
  const keys = shape.keys.map(id).join(', ');
  const slots = (c: string) => shape.slots.has(c);
  const sums = shape.sums.map((c) => (slots(c) ? `${LIVE_SCHEMA}.slot_sum(${id(c)})` : `SUM(${id(c)})`)).join(', ');
  const updates = shape.sums
    .map((c) =>
      slots(c)
        ? `${id(c)} = ${LIVE_SCHEMA}.slot_add(t.${id(c)}, EXCLUDED.${id(c)})`
        : `${id(c)} = t.${id(c)} + EXCLUDED.${id(c)}`,
    )
    .join(', ');
  // Only cells of more than one row: a cell that one roll (or one roller) wrote has one row
  // already, and rewriting it would write the whole rollup a second time. (A probe of the
  // primary key per row, whatever the planner knows of the table.)
  const sameCell = shape.keys.map((c) => `o.${id(c)} = r.${id(c)}`).join(' AND ');
  return Prisma.sql`
    WITH moved AS (
      DELETE FROM ${Prisma.raw(`${id(shape.table)} AS r`)}
      WHERE r.grain = ${grain} AND r.bucket >= ${lo} AND r.bucket < ${hi} AND r.shard >= 0
        AND EXISTS (SELECT 1 FROM ${Prisma.raw(`${id(shape.table)} AS o WHERE ${sameCell} AND o.shard <> r.shard`)})
      RETURNING r.*
    )
    INSERT INTO ${Prisma.raw(`${id(shape.table)} AS t (${keys}, shard, ${shape.sums.map(id).join(', ')})`)}
    SELECT ${Prisma.raw(`${keys}, ${MERGED_SHARD}::smallint, ${sums}`)} FROM moved
    GROUP BY ${Prisma.raw(keys)}
    ORDER BY ${Prisma.raw(keys)}
    ON CONFLICT (${Prisma.raw(`${keys}, shard`)}) DO UPDATE SET ${Prisma.raw(updates)}`;
}

async function saveProgress(tx: Prisma.TransactionClient, table: string, grain: Grain, until: number) {
  await tx.$executeRaw`
    INSERT INTO rollup_compaction (table_name, grain, compacted_until) VALUES (${table}, ${grain}, ${new Date(until)})
    ON CONFLICT (table_name, grain) DO UPDATE SET compacted_until = EXCLUDED.compacted_until, updated_at = now()`;
}

export interface CompactionResult {
  mergedRows: number;
  chunks: number;
  /** False when another process held the compaction lock. */
  ran: boolean;
}

/**
 * Compact every rollup table up to the cut-off, chunk by chunk, remembering progress in
 * `rollup_compaction`. Safe to call from every worker: one runs, the others skip.
 */
export async function compactRollups(
  prisma: PrismaClient,
  { nowMs = Date.now(), maxChunks = 50, shouldStop = (): boolean => false } = {},
): Promise<CompactionResult> {
  const result: CompactionResult = { mergedRows: 0, chunks: 0, ran: true };
  const tables = await rollupTables(prisma);
  for (const shape of tables) {
    for (const grain of Object.keys(GRAINS) as Grain[]) {
      const size = GRAINS[grain];
      // A cell [bucket, bucket + size) is closed once its end is COMPACT_AFTER_MS old.
      const cutoff = Math.floor((nowMs - COMPACT_AFTER_MS) / size) * size;
      for (;;) {
        if (result.chunks >= maxChunks || shouldStop()) return result;
        const done = await prisma.$transaction(async (tx) => {
          const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS ok`;
          if (!lock?.ok) {
            result.ran = false;
            return true;
          }
          const [state] = await tx.$queryRaw<{ until: Date | null }[]>`
            SELECT compacted_until AS until FROM rollup_compaction WHERE table_name = ${shape.table} AND grain = ${grain}`;
          // Skip empty stretches (a quiet night, a gap in a backfill) in one index probe.
          const [next] = await tx.$queryRaw<{ min: Date | null }[]>`
            SELECT min(bucket) AS min FROM ${Prisma.raw(`"${shape.table}"`)}
            WHERE grain = ${grain} AND bucket >= ${state?.until ?? new Date(0)}`;
          const from = next?.min ? next.min.getTime() : cutoff;
          if (from >= cutoff) {
            if (state?.until?.getTime() !== cutoff) await saveProgress(tx, shape.table, grain, cutoff);
            return true;
          }
          const to = Math.min(cutoff, from + CHUNK_MS[grain]);
          result.mergedRows += await tx.$executeRaw(compactSql(shape, grain, new Date(from), new Date(to)));
          result.chunks += 1;
          await saveProgress(tx, shape.table, grain, to);
          return to >= cutoff;
        });
        if (!result.ran) return result;
        if (done) break;
      }
    }
  }
  return result;
}
