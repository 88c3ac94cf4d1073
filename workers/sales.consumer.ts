// Consumer group on the sales topic: decode → dead-letter the invalid → apply the rest to the
// Postgres rollups exactly once (see lib/queries/apply-sales-batch.ts).
import type { PrismaClient } from '@prisma/client';
import type { Batch, Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { env } from '../lib/env';
import type { Logger } from '../lib/logger';
import {
  type AcceptedMessage,
  applySalesBatch,
  type BatchOutcome,
  KnownDimensions,
  type RejectedMessage,
} from '../lib/queries/apply-sales-batch';
import { getStoredOffset, resetStoredOffset } from '../lib/queries/get-stored-offset';
import { decodeSaleEvent } from '../lib/sales-event';

/** Messages per Postgres transaction: bounds transaction time and memory for huge backlogs. */
const MAX_CHUNK = 5000;

export interface SalesConsumerStats {
  counted: number;
  duplicates: number;
  rejected: number;
  alreadyApplied: number;
  batches: number;
}

export interface SalesConsumer {
  stats: SalesConsumerStats;
  /** True while the consumer is in the group with partitions assigned (or idle but joined). */
  isReady(): boolean;
  stop(): Promise<void>;
}

interface Options {
  kafka: Kafka;
  /** Id of the cluster `kafka` talks to; stored with every offset. */
  clusterId: string;
  producer: Producer;
  prisma: PrismaClient;
  log: Logger;
  groupId?: string;
}

function dlqHeaders(message: KafkaMessage, batch: Batch, rejected: RejectedMessage): IHeaders {
  return {
    ...message.headers,
    'x-dlq-reason': rejected.reason,
    'x-dlq-detail': rejected.detail,
    'x-source-topic': batch.topic,
    'x-source-partition': String(batch.partition),
    'x-source-offset': message.offset,
    'x-dlq-at': new Date().toISOString(),
  };
}

export async function startSalesConsumer({
  kafka,
  clusterId,
  producer,
  prisma,
  log,
  groupId,
}: Options): Promise<SalesConsumer> {
  const config = env();
  const topic = config.SALES_TOPIC;
  const consumer: Consumer = kafka.consumer({
    groupId: groupId ?? config.WORKER_GROUP_ID,
    sessionTimeout: config.WORKER_SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.floor(config.WORKER_SESSION_TIMEOUT_MS / 10),
    // ~1,800 sales per fetch and partition: bounds the memory of a batch (every sale becomes up to
    // ~17 rollup rows across grains while catching up) and the time its transaction holds locks.
    maxBytesPerPartition: 1024 * 1024,
    // The broker answers as soon as data arrives; this only bounds an idle fetch, and with it
    // how long shutdown and rebalances wait for the in-flight fetch.
    maxWaitTimeInMs: 1000,
  });
  const known = new KnownDimensions();
  const stats: SalesConsumerStats = { counted: 0, duplicates: 0, rejected: 0, alreadyApplied: 0, batches: 0 };
  let joined = false;

  // Partitions whose position has been checked against Postgres since the last (re)join.
  // Why: Kafka's committed offset can lag Postgres (crash between the two commits) or be
  // ahead of it (database restored or recreated). Postgres is the truth, so the first batch
  // of every assignment is compared with the stored offset and, if it differs, the
  // partition is re-positioned before anything is applied. Only one seek per assignment:
  // if the stored offset has been deleted by retention, Kafka resets to the earliest
  // offset and that batch is then accepted.
  const checked = new Set<number>();
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    checked.clear();
    joined = true;
    log.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined consumer group');
  });
  consumer.on(consumer.events.REBALANCING, () => log.info('consumer group rebalancing'));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
  });
  consumer.on(consumer.events.STOP, () => {
    joined = false;
  });

  async function positionedAtStoredOffset(batch: Batch): Promise<boolean> {
    if (checked.has(batch.partition)) return true;
    checked.add(batch.partition);
    const where = { partition: batch.partition };
    const first = BigInt(batch.firstOffset() ?? '0');
    let stored = await getStoredOffset(prisma, batch.topic, batch.partition);
    // Offsets of another cluster (a new broker, a migrated cluster) or beyond the end of the
    // partition (topic recreated) describe another log: start this one from its beginning.
    // Nothing is counted twice — ids of events already counted are kept in processed_event.
    const foreign = stored !== null && stored.clusterId !== null && stored.clusterId !== clusterId;
    if (stored && (foreign || stored.nextOffset > BigInt(batch.highWatermark))) {
      log.warn(
        {
          ...where,
          stored: stored.nextOffset.toString(),
          storedCluster: stored.clusterId,
          clusterId,
          highWatermark: batch.highWatermark,
        },
        'stored offset belongs to another log (new cluster or recreated topic); restarting the partition from its beginning',
      );
      await resetStoredOffset(prisma, batch.topic, batch.partition, stored, 0n, clusterId);
      stored = { nextOffset: 0n, clusterId };
    }
    const target = stored?.nextOffset ?? 0n;
    if (first === target) return true;
    log.info({ ...where, from: first.toString(), to: target.toString() }, 'seeking to offset stored in Postgres');
    consumer.seek({ topic: batch.topic, partition: batch.partition, offset: target.toString() });
    return false;
  }

  async function applyChunk(batch: Batch, messages: KafkaMessage[]): Promise<BatchOutcome> {
    const accepted: AcceptedMessage[] = [];
    const rejected: RejectedMessage[] = [];
    const dlq: { key: Buffer | null; value: Buffer | null; headers: IHeaders }[] = [];
    let lastMessageAt = 0;
    for (const message of messages) {
      const offset = BigInt(message.offset);
      lastMessageAt = Math.max(lastMessageAt, Number(message.timestamp));
      const result = decodeSaleEvent(message.value, config.REPORTING_CURRENCY);
      if (result.ok) {
        accepted.push({ offset, event: result.event });
        continue;
      }
      const entry: RejectedMessage = {
        offset,
        reason: result.reason,
        detail: result.detail,
        key: message.key?.toString('utf8') ?? null,
        value: message.value ?? Buffer.alloc(0),
        // Set by the ops page's re-drive: a copy rejected again points at the dead letter it came from.
        redriveOf: message.headers?.['x-redrive-of']?.toString().slice(0, 512) ?? null,
      };
      rejected.push(entry);
      dlq.push({ key: message.key, value: message.value, headers: dlqHeaders(message, batch, entry) });
      log.warn(
        { partition: batch.partition, offset: message.offset, reason: result.reason, detail: result.detail },
        'message rejected',
      );
    }
    // Dead letters go out before the transaction: if we crash in between, the redelivered
    // message is dead-lettered again (at-least-once in the DLQ topic, each copy carrying
    // its source partition/offset); the dead_letter table stays exact.
    if (dlq.length > 0) await producer.send({ topic: config.SALES_DLQ_TOPIC, messages: dlq });

    const last = messages.at(-1) as KafkaMessage;
    return applySalesBatch(
      prisma,
      {
        clusterId,
        topic: batch.topic,
        partition: batch.partition,
        lastOffset: BigInt(last.offset),
        lastMessageAt: new Date(lastMessageAt),
        highWatermark: BigInt(batch.highWatermark),
        accepted,
        rejected,
      },
      known,
    );
  }

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (batch.isEmpty() || !(await positionedAtStoredOffset(batch))) return;
      for (let i = 0; i < batch.messages.length; i += MAX_CHUNK) {
        // Stop between transactions on shutdown or when the partition was taken from us.
        if (!isRunning() || isStale()) return;
        const chunk = batch.messages.slice(i, i + MAX_CHUNK);
        const started = performance.now();
        const outcome = await applyChunk(batch, chunk);
        const lastOffset = (chunk.at(-1) as KafkaMessage).offset;
        stats.batches += 1;
        stats.counted += outcome.counted;
        stats.duplicates += outcome.duplicates;
        stats.rejected += outcome.rejected;
        stats.alreadyApplied += outcome.alreadyApplied;
        resolveOffset(lastOffset);
        // Informative only (monitoring tools read it); Postgres holds the real position.
        await consumer
          .commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(BigInt(lastOffset) + 1n) }])
          .catch((err: unknown) =>
            log.warn({ err, partition: batch.partition }, 'informative Kafka offset commit failed'),
          );
        log.debug(
          { partition: batch.partition, offset: lastOffset, ...outcome, ms: Math.round(performance.now() - started) },
          'batch committed',
        );
        await heartbeat();
      }
    },
  });

  return {
    stats,
    isReady: () => joined,
    stop: async () => {
      // disconnect() waits for the in-flight batch to finish before leaving the group.
      await consumer.disconnect();
    },
  };
}
