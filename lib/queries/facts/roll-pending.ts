// Rolls up the facts of a topic that are not rolled up yet: each transaction takes a group of
// rollup tables and adds the facts of every partition it can lock in one statement per table.
//
// Exactness: a partition's facts are committed in offset order (each batch's transaction holds
// the partition's consumer_offset row lock until it commits, and a batch below the stored offset
// writes nothing), so every fact below the stored next offset is committed and no fact below it
// appears later. fact_roll keeps one position per partition and rollup table. A roll adds, for
// each (partition, table) row it holds, the facts of [fact_roll.next_offset, x) — x at most
// the stored offset, nearer when its share of `maxFacts` ends or its facts pass the event time
// the other partitions reach — to that table and advances the row to x in the same
// transaction, holding the row locks: a second roller (another worker) skips those rows, so no
// fact is added twice, and queries of a table, which add the facts at or past its
// fact_roll.next_offset from sale_fact, see each fact in exactly one place in any snapshot.
import { Prisma, type PrismaClient } from '@prisma/client';
import type { RollupTable } from './fact-rows';
import { ROLLUP_TABLES, rollFacts } from './roll-facts';

/** A partition's facts to roll: `n` facts up to offset `last`, or up to (not including) `cut`. */
interface Range {
  partition: number;
  n: bigint;
  last: bigint;
  cut: bigint | null;
}

export interface RollOutcome {
  /** Facts rolled up: the most that one table took (tables roll the same facts, in step or not). */
  facts: number;
  /** Some partition had more than its share of `maxFacts` waiting: call again. */
  more: boolean;
}

export interface RollOptions {
  /** Facts one table's statement rolls at most (shared among its partitions). */
  maxFacts?: number;
  /** Transactions rolling at once (one connection each, at most one per table), each taking its share of the tables. */
  concurrency?: number;
  /** Wait for a partition another roller holds (a replay's fence) instead of skipping it. */
  wait?: boolean;
  /** A partial replay: its facts copied from the live tables, per partition (see FactRange). */
  exceptCopied?: { before: Date; below: Map<number, bigint> } | null;
  /**
   * Roll nothing unless at least this many offsets (over all partitions, behind the table that
   * is furthest behind) are waiting: a roll's cost per fact falls steeply with its size.
   */
  minFacts?: number;
}

/**
 * Per partition of topic $1: its stored next offset (`next_offset`) and how far all its facts are
 * rolled up (`rolled`, the least of its tables' positions; 0 before a first roll). For the bench
 * and the tests, which wait for the roll to reach the stored offsets.
 */
export const ROLL_PROGRESS_SQL = `
  SELECT o.partition, o.next_offset, coalesce(min(w.next_offset), 0) AS rolled FROM consumer_offset o
  LEFT JOIN fact_roll w ON w.topic = o.topic AND w.partition = o.partition WHERE o.topic = $1
  GROUP BY o.partition, o.next_offset`;

/**
 * The tables each of `concurrency` transactions rolls: round robin over ROLLUP_TABLES, whose order
 * puts a costly table (product rows, customer slot arrays) in each half with 2.
 */
export function tableGroups(concurrency: number): RollupTable[][] {
  const n = Math.max(1, Math.min(concurrency, ROLLUP_TABLES.length));
  return Array.from({ length: n }, (_, g) => ROLLUP_TABLES.filter((_, i) => i % n === g));
}

export async function rollPending(
  prisma: PrismaClient,
  topic: string,
  { maxFacts = 40_000, concurrency = 1, wait = false, exceptCopied = null, minFacts = 0 }: RollOptions = {},
): Promise<RollOutcome> {
  // Partitions with facts (or other messages) past the roll of some table; a first roll makes
  // the partition's rows, one per table.
  const partitions = await prisma.$queryRaw<{ partition: number; new: boolean; waiting: bigint }[]>`
    SELECT o.partition, count(w.rollup) < ${ROLLUP_TABLES.length} AS new,
      o.next_offset - min(coalesce(w.next_offset, 0)) AS waiting
    FROM consumer_offset o
    LEFT JOIN fact_roll w ON w.topic = o.topic AND w.partition = o.partition
    WHERE o.topic = ${topic}
    GROUP BY o.partition, o.next_offset
    HAVING o.next_offset > min(coalesce(w.next_offset, 0)) OR count(w.rollup) < ${ROLLUP_TABLES.length}`;
  const added = partitions.filter((p) => p.new).map((p) => p.partition);
  if (added.length > 0) {
    await prisma.$executeRaw`
      INSERT INTO fact_roll (topic, partition, rollup)
      SELECT ${topic}, p, t FROM unnest(${added}::int[]) AS p CROSS JOIN unnest(${ROLLUP_TABLES}::text[]) AS t
      ON CONFLICT DO NOTHING`;
  }
  if (partitions.length === 0) return { facts: 0, more: false };
  const waiting = partitions.reduce((sum, p) => sum + Number(p.waiting), 0);
  if (waiting < minFacts) return { facts: 0, more: false };
  const outcome: RollOutcome = { facts: 0, more: false };
  // One transaction per group of tables, each over every partition it can lock: a table's
  // statement adds the facts of all those partitions at once, so a cell that several
  // partitions' facts fall in is written once (shard = the smallest partition it holds).
  const rollGroup = async (tables: RollupTable[]) => {
    const rolled = await prisma.$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ partition: number; rollup: RollupTable; from: bigint; stored: bigint }[]>`
            SELECT w.partition, w.rollup, w.next_offset AS from, o.next_offset AS stored
            FROM fact_roll w JOIN consumer_offset o ON o.topic = w.topic AND o.partition = w.partition
            WHERE w.topic = ${topic} AND w.rollup = ANY(${tables}::text[])
            ORDER BY w.rollup, w.partition
            FOR UPDATE OF w ${wait ? Prisma.empty : Prisma.sql`SKIP LOCKED`}`;
        let facts = 0;
        let more = false;
        let rangesKey = '';
        let ranges: Range[] = [];
        for (const table of tables) {
          const held = locked.filter((l) => l.rollup === table);
          const rows = held.filter((l) => l.stored > l.from);
          if (rows.length === 0) continue;
          // Each partition's facts to roll: up to its share of maxFacts, below its stored
          // offset, and cut where its facts pass the event time that every partition's share
          // reaches (the least of their latest). Partitions counted unevenly (a backfill) then
          // roll the same stretch of time together, so a cell their sales share is written once
          // instead of once per roll each reaches it in. Every partition still takes a quarter
          // of its share (of offsets) at least: one partition of old events must not hold the
          // others back for good. The tables of a group usually stand at the same positions:
          // their ranges are computed once.
          const share = Math.ceil(maxFacts / rows.length);
          const key = rows.map((l) => `${l.partition}:${l.from}:${l.stored}`).join(',');
          if (key !== rangesKey) {
            rangesKey = key;
            ranges = await tx.$queryRaw<Range[]>`
              WITH f AS (
                SELECT r.partition, r.lo, x."offset", x.occurred_at
                FROM unnest(${rows.map((l) => l.partition)}::int[], ${rows.map((l) => l.from)}::bigint[],
                  ${rows.map((l) => l.stored)}::bigint[]) AS r(partition, lo, hi)
                CROSS JOIN LATERAL (
                  SELECT "offset", occurred_at FROM sale_fact
                  WHERE topic = ${topic} AND partition = r.partition AND "offset" >= r.lo AND "offset" < r.hi
                  ORDER BY "offset" LIMIT ${share}
                ) x
              ), reach AS (
                SELECT min(latest) AS t FROM (SELECT max(occurred_at) AS latest FROM f GROUP BY partition) p
              ), cut AS (
                SELECT f.partition,
                  min(f."offset") FILTER (WHERE f.occurred_at > reach.t AND f."offset" >= f.lo + ${Math.ceil(share / 4)}) AS cut
                FROM f CROSS JOIN reach GROUP BY f.partition
              )
              SELECT f.partition, count(*) AS n, max(f."offset") AS last, cut.cut
              FROM f JOIN cut ON cut.partition = f.partition
              WHERE cut.cut IS NULL OR f."offset" < cut.cut
              GROUP BY f.partition, cut.cut`;
          }
          const counts = new Map(ranges.map((r) => [r.partition, r]));
          const next = rows.map((l) => {
            const range = counts.get(l.partition);
            const n = Number(range?.n ?? 0n);
            // Up to the cut; past the last fact rolled; or the whole range when the rest holds
            // no facts (rejected or duplicate messages only).
            if (range?.cut != null) {
              more = true;
              return { ...l, n, next: range.cut };
            }
            const full = n === share;
            more ||= full;
            return { ...l, n, next: full ? (range?.last as bigint) + 1n : l.stored };
          });
          const withFacts = next.filter((p) => p.n > 0);
          if (withFacts.length > 0) {
            await rollFacts(
              tx,
              {
                topic,
                partitions: withFacts.map((p) => ({
                  partition: p.partition,
                  firstOffset: p.from,
                  lastOffset: p.next - 1n,
                })),
                // Of every partition held, not only of those with facts waiting: a lone roller
                // then always writes shard 0, one row per cell, and compaction has nothing to do.
                shard: Math.min(...held.map((l) => l.partition)),
                exceptCopied,
              },
              [table],
            );
          }
          await tx.$executeRaw`
              UPDATE fact_roll w SET next_offset = n.next, updated_at = now()
              FROM unnest(${next.map((p) => p.partition)}::int[], ${next.map((p) => p.next)}::bigint[]) AS n(partition, next)
              WHERE w.topic = ${topic} AND w.partition = n.partition AND w.rollup = ${table}`;
          facts = Math.max(
            facts,
            withFacts.reduce((sum, p) => sum + p.n, 0),
          );
        }
        return { facts, more };
      },
      { maxWait: 10_000, timeout: 600_000 },
    );
    outcome.facts = Math.max(outcome.facts, rolled.facts);
    outcome.more ||= rolled.more;
  };
  // Groups roll at once on connections of their own; they write different tables, so
  // concurrent rolls never wait on each other.
  await Promise.all(tableGroups(concurrency).map(rollGroup));
  return outcome;
}
