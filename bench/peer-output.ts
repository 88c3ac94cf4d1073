// The Kafka Streams job's output topics, read back after it stopped: each is a changelog of
// its rollup (key = cell, value = the cell's sums as four big-endian int64), so the last value
// of every key is the rollup. Read with read_committed (kafkajs' default), summed per metric in
// the job's format, they must come to the dataset's totals like the job's own counters.
import type { Kafka } from 'kafkajs';
import type { PeerTotals, Sums } from './peer-expected';

const ROLLUPS = ['sales', 'skus', 'segments'] as const;
type Rollup = (typeof ROLLUPS)[number];
const TIMEOUT_MS = 180_000;

/** bench/peer/src/main/java/dev/pulse/peer/PeerJob.java outputTopic. */
export const outputTopic = (topic: string, rollup: Rollup) => `${topic}.peer.${rollup}`;

function metricOf(rollup: Rollup, key: string): string {
  if (rollup === 'sales') return key.endsWith('|*') ? 'sales.all' : 'sales.category';
  if (rollup === 'skus') return 'skus';
  return `segments.${key.split('|')[1]}`;
}

function decode(value: Buffer): Sums {
  const at = (i: number) => Number(value.readBigInt64BE(i * 8));
  return { revenueCents: at(0), orders: at(1), units: at(2), events: at(3) };
}

export interface OutputFigures {
  totals: PeerTotals;
  records: number;
  cells: number;
}

export async function readPeerOutput(kafka: Kafka, topic: string, groupId: string): Promise<OutputFigures> {
  const topics = new Map(ROLLUPS.map((r) => [outputTopic(topic, r), r]));
  // Where each partition ends now that the job has stopped: every transaction is complete.
  const pending = new Map<string, number>();
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const name of topics.keys()) {
      for (const { partition, high } of await admin.fetchTopicOffsets(name)) {
        if (Number(high) > 0) pending.set(`${name}:${partition}`, Number(high));
      }
    }
  } finally {
    await admin.disconnect();
  }

  const cells = new Map<string, { rollup: Rollup; key: string; sums: Sums }>();
  let records = 0;
  const consumer = kafka.consumer({ groupId });
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  // END_BATCH_PROCESS also comes for batches of control records only (transaction markers),
  // which eachBatch never sees: it tells when a partition has been read to its end.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const id = `${payload.topic}:${payload.partition}`;
    const end = pending.get(id);
    if (end !== undefined && Number(payload.lastOffset) + 1 >= end) pending.delete(id);
    if (pending.size === 0) finish();
  });
  if (pending.size === 0) finish();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics.keys()], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const rollup = topics.get(batch.topic) as Rollup;
        for (const message of batch.messages) {
          if (!message.key || !message.value) continue;
          records += 1;
          const key = message.key.toString('utf8');
          cells.set(`${rollup}\0${key}`, { rollup, key, sums: decode(message.value) });
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`output topics of ${topic} not read to their end in ${TIMEOUT_MS / 1000} s`)),
        TIMEOUT_MS,
      );
    });
    await Promise.race([done, timedOut]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }

  const totals: PeerTotals = {};
  for (const { rollup, key, sums } of cells.values()) {
    const metric = metricOf(rollup, key);
    const t = totals[metric] ?? { revenueCents: 0, orders: 0, units: 0, events: 0 };
    t.revenueCents += sums.revenueCents;
    t.orders += sums.orders;
    t.units += sums.units;
    t.events += sums.events;
    totals[metric] = t;
  }
  return { totals, records, cells: cells.size };
}
