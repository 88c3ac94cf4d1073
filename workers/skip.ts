// npm run worker -- skip --partition P [--to-offset O] [--topic T]
//
// The operator's way past a record batch no Kafka client can decode (corrupt bytes, CRC
// mismatch, unknown codec). The worker that met it stopped that partition there, reported it
// in /readyz and pulse_worker_blocked_partitions, and recorded it in blocked_partition; other
// partitions keep flowing. This moves the partition's stored position to O (default: just past
// the undecodable batch) in one transaction with a dead letter (reason undecodable_batch) that
// keeps the batch's raw bytes and the skipped range, so nothing disappears silently and a
// replay skips the same offsets. The owning worker notices within seconds and reads on from O.
import { parseArgs } from 'node:util';
import { db, disconnectDb } from '@/lib/db';
import { loadEnvOrExit } from '@/lib/env';
import { createKafka } from '@/lib/ingest/kafka';
import { getBlockedPartition } from '@/lib/queries/ingest/blocked-partitions';
import { getStoredOffset } from '@/lib/queries/ingest/get-stored-offset';
import { skipUndecodableBatch } from '@/lib/queries/ingest/skip-undecodable-batch';

const USAGE = 'usage: npm run worker -- skip --partition P [--to-offset O] [--topic T]';

function offsetArg(name: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,19}$/.test(value))
    throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return BigInt(value);
}

export async function runSkip(args: string[]): Promise<void> {
  const config = loadEnvOrExit();
  const { values } = parseArgs({
    args,
    options: {
      partition: { type: 'string' },
      'to-offset': { type: 'string' },
      topic: { type: 'string', default: config.SALES_TOPIC },
    },
  });
  const partitionArg = offsetArg('partition', values.partition);
  if (partitionArg === undefined) throw new Error(`--partition is required\n${USAGE}`);
  const partition = Number(partitionArg);
  const topic = values.topic;
  const prisma = db();

  const blocked = await getBlockedPartition(prisma, topic, partition);
  if (!blocked) {
    throw new Error(
      `partition ${partition} of ${topic} is not blocked: no worker has reported an undecodable batch there (see /readyz)`,
    );
  }
  const from = (await getStoredOffset(prisma, topic, partition))?.nextOffset ?? 0n;
  const to = offsetArg('to-offset', values['to-offset']) ?? blocked.lastOffset + 1n;

  const kafka = createKafka(`${config.KAFKA_CLIENT_ID}-skip`, config.KAFKA_BROKERS);
  const admin = kafka.admin();
  await admin.connect();
  let clusterId: string;
  let end: bigint;
  try {
    clusterId = (await admin.describeCluster()).clusterId;
    const offsets = await admin.fetchTopicOffsets(topic);
    const found = offsets.find((o) => o.partition === partition);
    if (!found) throw new Error(`topic ${topic} has no partition ${partition}`);
    end = BigInt(found.high);
  } finally {
    await admin.disconnect();
  }
  if (to <= from) throw new Error(`--to-offset ${to} must be above the partition's position ${from}`);
  if (to > end) throw new Error(`--to-offset ${to} is beyond the end of partition ${partition} (${end})`);

  const beyond = to - (blocked.lastOffset + 1n);
  const detail =
    `offsets ${from}–${to - 1n} skipped by an operator: ${blocked.reason} ` +
    `(batch header: offsets ${blocked.firstOffset}–${blocked.lastOffset}, ${blocked.payload.length} bytes, ` +
    `met by ${blocked.worker} at ${blocked.detectedAt.toISOString()})`;
  await skipUndecodableBatch(prisma, { clusterId, topic, partition, from, to, detail, payload: blocked.payload });
  console.log(`skipped ${topic}/${partition} offsets ${from}–${to - 1n} (${to - from} offsets): ${blocked.reason}`);
  if (beyond > 0n) console.log(`note: ${beyond} offsets after the undecodable batch were skipped too, as asked`);
  console.log(
    `recorded as dead letter ${topic}/${partition}/${from} (reason undecodable_batch); the worker reads on from ${to}`,
  );
}

export async function skipMain(args: string[]): Promise<void> {
  try {
    await runSkip(args);
  } catch (err) {
    console.error(`skip failed: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await disconnectDb();
  }
}
