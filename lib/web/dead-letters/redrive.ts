// Re-drive: dead letters go back to the topic they were read from (sales or inventory) with
// their original key and bytes, once the contract or the configuration that rejected them has
// changed. Safe to repeat: the
// workers count an event id once, and a message still invalid becomes a new dead letter.
import 'server-only';
import { type Message, Partitioners, type PartitionMetadata } from 'kafkajs';
import {
  type KafkaPosition,
  type RedriveResponse,
  type RedriveResult,
  redriveTopic,
} from '@/lib/contract/dead-letters';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { chunkBySize } from '@/lib/ingest/dead-letter-batches';
import { logger } from '@/lib/logger';
import {
  type DeadLetterToRedrive,
  getDeadLettersToRedrive,
} from '@/lib/queries/dead-letters/get-dead-letters-to-redrive';
import { recordRedrives } from '@/lib/queries/dead-letters/record-redrive';
import { HttpError } from '@/lib/web/api-errors';
import { type Clients, connectedClients, redriveQueue } from './redrive-clients';

/** How long a request waits for the broker connection, then for the acknowledgement. */
const CONNECT_TIMEOUT_MS = 10_000;
const REQUEST_DEADLINE_MS = 20_000;

const log = logger.child({ component: 'redrive' });

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const defaultPartitioner = Partitioners.DefaultPartitioner();

/**
 * Each copy goes to the partition its original was read from, so it stays in line with the
 * other events of its key (the sales topic is keyed by order). A dead letter from a topic of
 * another name, or from a partition that no longer exists, is placed by its key as a producer
 * would. Partitions are chosen here rather than by the producer so that the acknowledgement
 * tells every copy's offset.
 */
function copies(rows: DeadLetterToRedrive[], topic: string, partitions: PartitionMetadata[]) {
  const redrivenAt = new Date().toISOString();
  return rows.map((row) => {
    const message: Message = {
      key: row.key,
      value: Buffer.from(row.payload),
      headers: { 'x-redrive-of': `${row.topic}/${row.partition}/${row.offset}`, 'x-redriven-at': redrivenAt },
    };
    const sameLog = row.topic === topic && partitions.some((p) => p.partitionId === row.partition);
    const partition = sameLog ? row.partition : defaultPartitioner({ topic, partitionMetadata: partitions, message });
    return { id: row.id, message: { ...message, partition } };
  });
}

/** Re-drives in produce requests the broker accepts (a topic's record batches are limited to ~1 MB). */
async function produceAndRecord(clients: Clients, topic: string, rows: DeadLetterToRedrive[]) {
  const { topics } = await clients.admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics[0]?.partitions ?? [];
  if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions`);
  const placed: Awaited<ReturnType<typeof produceChunk>> = [];
  const size = (row: DeadLetterToRedrive) => row.payload.length + Buffer.byteLength(row.key ?? '') + 256;
  for (const chunk of chunkBySize(rows, size)) placed.push(...(await produceChunk(clients, topic, partitions, chunk)));
  return placed;
}

async function produceChunk(
  clients: Clients,
  topic: string,
  partitions: PartitionMetadata[],
  rows: DeadLetterToRedrive[],
) {
  const batch = copies(rows, topic, partitions);
  // One produce request for all: the broker appends each partition's copies as one record
  // batch, in order, from the acknowledged base offset.
  const acks = await clients.producer.send({ topic, messages: batch.map((c) => c.message) });
  const next = new Map(acks.map((a) => [a.partition, BigInt(a.baseOffset ?? '-1')]));
  const placed = batch.map(({ id, message }) => {
    const partition = message.partition as number;
    const offset = next.get(partition);
    if (offset === undefined || offset < 0n) throw new Error(`no acknowledgement for partition ${partition}`);
    next.set(partition, offset + 1n);
    return { id, to: { topic, partition, offset: Number(offset) } satisfies KafkaPosition };
  });
  // Recorded only now: the table never claims a re-drive Kafka does not have.
  const recorded = await recordRedrives(db(), placed).then(
    () => null,
    (err: unknown) => {
      const positions = placed.map((c) => ({ id: String(c.id), ...c.to }));
      log.error({ err, positions }, 're-driven copies acknowledged but not recorded');
      return `acknowledged by Kafka but not recorded: ${errorText(err)}`;
    },
  );
  return placed.map((p) => ({ ...p, error: recorded ?? undefined }));
}

/** Produce the dead letters back to their topics and record them once acknowledged. */
export async function redriveDeadLetters(ids: bigint[]): Promise<RedriveResponse> {
  const config = env();
  const topics = { sales: config.SALES_TOPIC, inventory: config.INVENTORY_TOPIC };
  const topic = topics.sales;
  const found = await getDeadLettersToRedrive(db(), ids);
  const results = new Map<bigint, RedriveResult>(
    ids.map((id) => [id, { id: Number(id), status: 'not_found' as const }]),
  );
  if (found.length === 0) return { topic, results: [...results.values()] };

  let clients: Clients | 'timeout';
  try {
    clients = await within(connectedClients(), CONNECT_TIMEOUT_MS);
  } catch (err) {
    log.warn({ err }, 'cannot connect to Kafka for re-drive');
    throw new HttpError(503, 'kafka_unavailable', `Kafka is not reachable: ${errorText(err)}`);
  }
  if (clients === 'timeout') {
    throw new HttpError(503, 'kafka_unavailable', `Kafka did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
  }
  const connected = clients;
  for (const row of found) results.set(row.id, { id: Number(row.id), status: 'pending' });
  const s = redriveQueue();
  const work = s.queue.then(async () => {
    const started = performance.now();
    const byTopic = new Map<string, DeadLetterToRedrive[]>();
    for (const row of found) {
      const target = redriveTopic(row.topic, topics);
      const rows = byTopic.get(target);
      if (rows) rows.push(row);
      else byTopic.set(target, [row]);
    }
    for (const [target, rows] of byTopic) {
      try {
        const placed = await produceAndRecord(connected, target, rows);
        for (const { id, to, error } of placed) results.set(id, { id: Number(id), status: 'redriven', to, error });
        log.info(
          { topic: target, count: placed.length, ms: Math.round(performance.now() - started) },
          'dead letters re-driven',
        );
      } catch (err) {
        for (const row of rows) results.set(row.id, { id: Number(row.id), status: 'failed', error: errorText(err) });
        log.warn({ err, ids: rows.map((r) => String(r.id)) }, 're-drive failed');
      }
    }
  });
  s.queue = work;
  // A broker outage makes the idempotent producer retry for as long as it lasts; the request
  // answers anyway, and copies acknowledged later are still recorded.
  await within(work, REQUEST_DEADLINE_MS);
  return { topic, results: [...results.values()] };
}
