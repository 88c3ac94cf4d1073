// Kafka topics as the tests and the bench see them: creating them, where they end, and waiting
// for the workers' stored offsets (Postgres) to get there. Kept apart from stack.ts so that the
// bench can use it without the test stack's database and web helpers.
//
// Not the product's code on purpose: the replay and `skip` read topic bounds inside their own
// admin sessions (workers/replay/, workers/skip.ts); these are a test's view from outside.
import type { Kafka } from 'kafkajs';
import { ROLL_PROGRESS_SQL } from '@/lib/queries/facts/roll-pending';
import { waitFor } from '@/scripts/lib/processes';
import type { TestDatabase } from './stack';

export async function createTopics(kafka: Kafka, topics: { topic: string; numPartitions: number }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((t) => ({ ...t, replicationFactor: 1 })) });
  } finally {
    await admin.disconnect();
  }
}

/** The high watermark of every partition: the offset the next message will get. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Sum over partitions of the high watermark: every offset the topic holds (messages and transaction markers). */
export function offsetsIn(end: Map<number, bigint>): bigint {
  return [...end.values()].reduce((n, high) => n + high, 0n);
}

/** Wait until the workers' stored offsets (Postgres) reach the end of every partition. */
export async function waitUntilConsumed(
  kafka: Kafka,
  db: TestDatabase,
  topic: string,
  timeoutMs = 120_000,
): Promise<void> {
  const end = await topicEnd(kafka, topic);
  await waitFor(
    `workers to consume all ${offsetsIn(end)} offsets of ${topic} and roll their facts up`,
    async () => {
      const rows = await db.query<{ partition: number; next_offset: string; rolled: string }>(ROLL_PROGRESS_SQL, [
        topic,
      ]);
      const stored = new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
      const rolled = new Map(rows.map((r) => [r.partition, BigInt(r.rolled)]));
      return [...end].every(
        ([p, high]) => high === 0n || ((stored.get(p) ?? 0n) >= high && (rolled.get(p) ?? 0n) >= (stored.get(p) ?? 0n)),
      );
    },
    timeoutMs,
    200,
  );
}
