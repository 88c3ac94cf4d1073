// Rolls up the facts of a topic that are not rolled up yet, one partition per transaction.
//
// Exactness: a partition's facts are committed in offset order (each batch's transaction holds
// the partition's consumer_offset row lock until it commits, and a batch below the stored offset
// writes nothing), so every fact below the stored next offset is committed and no fact below it
// appears later. A roll adds the facts of [fact_roll.next_offset, stored offset) — at most
// `maxFacts` of them — to the rollups and advances fact_roll.next_offset in the same
// transaction, holding the fact_roll row lock: a second roller (another worker) skips the
// partition, so no fact is added twice, and queries, which add the facts at or past
// fact_roll.next_offset from sale_fact, see each fact in exactly one place in any snapshot.
import { Prisma, type PrismaClient } from '@prisma/client';
import { rollFacts } from './roll-facts';

export interface RollOutcome {
  /** Facts rolled up. */
  facts: number;
  /** Some partition had more than `maxFacts` waiting: call again. */
  more: boolean;
}

export interface RollOptions {
  maxFacts?: number;
  /** Partitions rolled at once (one connection each). */
  concurrency?: number;
  /** Wait for a partition another roller holds (a replay's fence) instead of skipping it. */
  wait?: boolean;
  /** A partial replay: its facts copied from the live tables, per partition (see FactRange). */
  exceptCopied?: { before: Date; below: Map<number, bigint> } | null;
}

export async function rollPending(
  prisma: PrismaClient,
  topic: string,
  { maxFacts = 20_000, concurrency = 1, wait = false, exceptCopied = null }: RollOptions = {},
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
  const rollOne = async (partition: number) => {
    const rolled = await prisma.$transaction(
      async (tx) => {
        const [roll] = await tx.$queryRaw<{ from: bigint; stored: bigint }[]>`
            SELECT w.next_offset AS from, o.next_offset AS stored
            FROM fact_roll w JOIN consumer_offset o ON o.topic = w.topic AND o.partition = w.partition
            WHERE w.topic = ${topic} AND w.partition = ${partition}
            FOR UPDATE OF w ${wait ? Prisma.empty : Prisma.sql`SKIP LOCKED`}`;
        if (!roll || roll.stored <= roll.from) return { facts: 0, more: false };
        // The facts to roll: up to maxFacts of them, below the stored offset.
        const [range] = await tx.$queryRaw<{ n: bigint; last: bigint | null }[]>`
            SELECT count(*) AS n, max("offset") AS last FROM (
              SELECT "offset" FROM sale_fact
              WHERE topic = ${topic} AND partition = ${partition} AND "offset" >= ${roll.from} AND "offset" < ${roll.stored}
              ORDER BY "offset" LIMIT ${maxFacts}
            ) f`;
        const facts = Number(range?.n ?? 0n);
        const more = facts === maxFacts;
        // Past the last fact rolled; or the whole range when the rest holds no facts (rejected
        // or duplicate messages only).
        const next = more ? (range?.last as bigint) + 1n : roll.stored;
        if (facts > 0) {
          const copied = exceptCopied && {
            before: exceptCopied.before,
            below: exceptCopied.below.get(partition) ?? 0n,
          };
          await rollFacts(tx, {
            topic,
            partition,
            firstOffset: roll.from,
            lastOffset: next - 1n,
            shard: partition,
            exceptCopied: copied,
          });
        }
        await tx.$executeRaw`
            UPDATE fact_roll SET next_offset = ${next}, updated_at = now() WHERE topic = ${topic} AND partition = ${partition}`;
        return { facts, more };
      },
      { maxWait: 10_000, timeout: 600_000 },
    );
    outcome.facts += rolled.facts;
    outcome.more ||= rolled.more;
  };
  // Partitions write rollup rows of their own shard: concurrent rolls never wait on each other.
  const queue = partitions.map((p) => p.partition).sort((a, b) => a - b);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) await rollOne(p);
    }),
  );
  return outcome;
}
