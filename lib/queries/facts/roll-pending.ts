// Rolls up the facts of a topic that are not rolled up yet: each transaction takes a group of
// partitions and adds their facts in one statement per rollup table.
//
// Exactness: a partition's facts are committed in offset order (each batch's transaction holds
// the partition's consumer_offset row lock until it commits, and a batch below the stored offset
// writes nothing), so every fact below the stored next offset is committed and no fact below it
// appears later. A roll adds, for each partition it holds, the facts of
// [fact_roll.next_offset, stored offset) — its share of `maxFacts` at most — to the rollups and
// advances that fact_roll.next_offset in the same transaction, holding the fact_roll row locks:
// a second roller (another worker) skips those partitions, so no fact is added twice, and
// queries, which add the facts at or past fact_roll.next_offset from sale_fact, see each fact in
// exactly one place in any snapshot.
import { Prisma, type PrismaClient } from '@prisma/client';
import { rollFacts } from './roll-facts';

export interface RollOutcome {
  /** Facts rolled up. */
  facts: number;
  /** Some partition had more than its share of `maxFacts` waiting: call again. */
  more: boolean;
}

export interface RollOptions {
  /** Facts one transaction rolls at most (shared among its partitions). */
  maxFacts?: number;
  /** Transactions rolling at once (one connection each), each taking its share of the partitions. */
  concurrency?: number;
  /** Wait for a partition another roller holds (a replay's fence) instead of skipping it. */
  wait?: boolean;
  /** A partial replay: its facts copied from the live tables, per partition (see FactRange). */
  exceptCopied?: { before: Date; below: Map<number, bigint> } | null;
}

export async function rollPending(
  prisma: PrismaClient,
  topic: string,
  { maxFacts = 40_000, concurrency = 1, wait = false, exceptCopied = null }: RollOptions = {},
): Promise<RollOutcome> {
  // Partitions with facts (or other messages) past their roll; a first roll makes the row.
  const partitions = await prisma.$queryRaw<{ partition: number; new: boolean }[]>`
    SELECT o.partition, w.topic IS NULL AS new FROM consumer_offset o
    LEFT JOIN fact_roll w ON w.topic = o.topic AND w.partition = o.partition
    WHERE o.topic = ${topic} AND o.next_offset > coalesce(w.next_offset, 0)`;
  const added = partitions.filter((p) => p.new).map((p) => p.partition);
  if (added.length > 0) {
    await prisma.$executeRaw`
      INSERT INTO fact_roll (topic, partition) SELECT ${topic}, unnest(${added}::int[]) ON CONFLICT DO NOTHING`;
  }
  const outcome: RollOutcome = { facts: 0, more: false };
  // One transaction per group of partitions: its statements add all their facts at once, so a
  // cell that several partitions' facts fall in is written once (shard = the group's smallest
  // partition), not once per partition.
  const rollGroup = async (group: number[]) => {
    const rolled = await prisma.$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ partition: number; from: bigint; stored: bigint }[]>`
            SELECT w.partition, w.next_offset AS from, o.next_offset AS stored
            FROM fact_roll w JOIN consumer_offset o ON o.topic = w.topic AND o.partition = w.partition
            WHERE w.topic = ${topic} AND w.partition = ANY(${group}::int[]) AND o.next_offset > w.next_offset
            ORDER BY w.partition
            FOR UPDATE OF w ${wait ? Prisma.empty : Prisma.sql`SKIP LOCKED`}`;
        if (locked.length === 0) return { facts: 0, more: false };
        // Each partition's facts to roll: up to its share of maxFacts, below its stored offset.
        const share = Math.ceil(maxFacts / locked.length);
        const ranges = await tx.$queryRaw<{ partition: number; n: bigint; last: bigint | null }[]>`
            SELECT r.partition, count(f."offset") AS n, max(f."offset") AS last
            FROM unnest(${locked.map((l) => l.partition)}::int[], ${locked.map((l) => l.from)}::bigint[],
              ${locked.map((l) => l.stored)}::bigint[]) AS r(partition, lo, hi)
            LEFT JOIN LATERAL (
              SELECT "offset" FROM sale_fact
              WHERE topic = ${topic} AND partition = r.partition AND "offset" >= r.lo AND "offset" < r.hi
              ORDER BY "offset" LIMIT ${share}
            ) f ON TRUE
            GROUP BY r.partition`;
        const counts = new Map(ranges.map((r) => [r.partition, r]));
        let facts = 0;
        let more = false;
        const next = locked.map((l) => {
          const range = counts.get(l.partition);
          const n = Number(range?.n ?? 0n);
          facts += n;
          // Past the last fact rolled; or the whole range when the rest holds no facts (rejected
          // or duplicate messages only).
          const full = n === share;
          more ||= full;
          return { ...l, n, next: full ? (range?.last as bigint) + 1n : l.stored };
        });
        const withFacts = next.filter((p) => p.n > 0);
        if (withFacts.length > 0) {
          await rollFacts(tx, {
            topic,
            partitions: withFacts.map((p) => ({
              partition: p.partition,
              firstOffset: p.from,
              lastOffset: p.next - 1n,
            })),
            shard: Math.min(...locked.map((l) => l.partition)),
            exceptCopied,
          });
        }
        await tx.$executeRaw`
            UPDATE fact_roll w SET next_offset = n.next, updated_at = now()
            FROM unnest(${next.map((p) => p.partition)}::int[], ${next.map((p) => p.next)}::bigint[]) AS n(partition, next)
            WHERE w.topic = ${topic} AND w.partition = n.partition`;
        return { facts, more };
      },
      { maxWait: 10_000, timeout: 600_000 },
    );
    outcome.facts += rolled.facts;
    outcome.more ||= rolled.more;
  };
  // Groups roll at once on connections of their own; their partitions are disjoint, so are
  // the shards they write: concurrent rolls never wait on each other.
  const sorted = partitions.map((p) => p.partition).sort((a, b) => a - b);
  const groups = Array.from({ length: Math.min(concurrency, sorted.length) }, (_, g) =>
    sorted.filter((_, i) => i % concurrency === g),
  );
  await Promise.all(groups.map(rollGroup));
  return outcome;
}
