// The inventory consumer: one consumer group (INVENTORY_GROUP_ID) on the inventory topic AND the
// sales topic, applying both to the stock exactly once (lib/queries/inventory/apply-inventory-batch.ts).
// It runs in a process of its own (`npm run worker -- inventory`), so the sales workers never
// wait for it. It reuses the sales consumer's parts that do not depend on the sales tables
// (group membership, retries, dead-letter batching, undecodable-batch detection); positions are
// its own (inventory_offset), as are its duplicate filter and its ledger.
//
// What each topic contributes:
// - inventory: decoded by lib/domain/inventory-event.ts; invalid events go to the inventory
//   dead-letter topic with `x-dlq-reason` / `x-dlq-detail`, like sales.
// - sales: decoded by the sales decoder; invalid sales are skipped silently (counted) — the
//   sales workers dead-letter them already.
import type { PrismaClient } from '@prisma/client';
import type { Batch, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { type DeadLetterCopy, deadLetterBatches } from '@/lib/ingest/dead-letter-batches';
import type { KafkaTrouble } from '@/lib/ingest/kafka';
import { firstUndecodable, leadingUndecodable } from '@/lib/ingest/undecodable-batch';
import type { Logger } from '@/lib/logger';
import { workerMetrics } from '@/lib/metrics';
import type { Check } from '@/lib/ops-http';
import { applyInventoryBatch, type InventoryStream } from '@/lib/queries/inventory/apply-inventory-batch';
import { getInventoryOffset, resetInventoryOffset } from '@/lib/queries/inventory/inventory-offsets';
import { brokerUnavailable } from '../sales/consumer';
import type { ConsumerContext, OffsetRange } from '../sales/context';
import { GroupMembership } from '../sales/membership';
import { ProcessingState } from '../sales/processing';
import { decodeInventoryChunk } from './decode';

/** Messages per transaction, as the sales consumer (workers/sales/consumer.ts MAX_CHUNK). */
const MAX_CHUNK = 5000;
const REJOIN_MS = 5000;

export interface InventoryConsumerSettings {
  /** INVENTORY_TOPIC */
  inventoryTopic: string;
  /** INVENTORY_DLQ_TOPIC */
  dlqTopic: string;
  /** SALES_TOPIC */
  salesTopic: string;
  /** INVENTORY_GROUP_ID */
  groupId: string;
  /** WORKER_SESSION_TIMEOUT_MS */
  sessionTimeoutMs: number;
  /** REPORTING_CURRENCY: the sales decoder's currency check (a sale the sales workers reject is skipped). */
  reportingCurrency: string;
  /** How far back stock_demand_hour keeps hours (INVENTORY_DEMAND_WINDOW_DAYS plus a margin). */
  demandKeepMs: number;
}

export interface InventoryConsumerStats {
  /** Events applied to the stock (first delivery of each id), per topic kind. */
  inventoryApplied: number;
  salesApplied: number;
  duplicates: number;
  /** Invalid inventory events dead-lettered. */
  rejected: number;
  /** Invalid sales skipped (the sales workers dead-letter them). */
  salesSkipped: number;
  alreadyApplied: number;
  batches: number;
}

export interface InventoryConsumer {
  stats: InventoryConsumerStats;
  kafkaCheck(): Check;
  processingCheck(): Check;
  stop(): Promise<void>;
}

interface Options {
  kafka: Kafka;
  clusterId: string;
  producer: Producer;
  prisma: PrismaClient;
  log: Logger;
  settings: InventoryConsumerSettings;
  onFatal?: (err: Error) => void;
  kafkaTrouble?: () => KafkaTrouble | null;
}

function dlqHeaders(message: KafkaMessage, batch: Batch, reason: string, detail: string): IHeaders {
  return {
    ...message.headers,
    'x-dlq-reason': reason,
    'x-dlq-detail': detail,
    'x-source-topic': batch.topic,
    'x-source-partition': String(batch.partition),
    'x-source-offset': message.offset,
    'x-dlq-at': new Date().toISOString(),
  };
}

export async function startInventoryConsumer({
  kafka,
  clusterId,
  producer,
  prisma,
  log,
  settings,
  onFatal,
  kafkaTrouble,
}: Options): Promise<InventoryConsumer> {
  const { inventoryTopic, salesTopic, groupId } = settings;
  const heartbeatInterval = Math.floor(settings.sessionTimeoutMs / 10);
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval,
    maxBytesPerPartition: 1024 * 1024,
    maxWaitTimeInMs: 1000,
  });
  const metrics = workerMetrics();
  const ctxOf = (topic: string): ConsumerContext => ({ consumer, topic, prisma, log, metrics });
  // Membership per topic (an assignment lists each topic's partitions); either one tells Kafka's side.
  const membership = new GroupMembership(ctxOf(inventoryTopic), settings.sessionTimeoutMs, kafkaTrouble);
  const salesMembership = new GroupMembership(ctxOf(salesTopic), settings.sessionTimeoutMs);
  // Retry state per topic: ProcessingState counts attempts per partition number.
  const processingOf = new Map([inventoryTopic, salesTopic].map((t) => [t, new ProcessingState(ctxOf(t))]));
  const processing = (topic: string) => processingOf.get(topic) as ProcessingState;
  const stats: InventoryConsumerStats = {
    inventoryApplied: 0,
    salesApplied: 0,
    duplicates: 0,
    rejected: 0,
    salesSkipped: 0,
    alreadyApplied: 0,
    batches: 0,
  };
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  /** Partitions whose position has been checked against Postgres since the last (re)join. */
  const checked = new Set<string>();
  /** Highest offset per partition whose dead letter this process has published (see ChunkApplier). */
  const dlqPublished = new Map<number, bigint>();
  /** Partitions paused at an undecodable record batch (no operator skip for this group yet). */
  const stopped = new Map<string, { topic: string; partition: number; offset: string; reason: string }>();

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    checked.clear();
    dlqPublished.clear();
    if (stopped.size > 0) {
      for (const s of stopped.values()) consumer.resume([{ topic: s.topic, partitions: [s.partition] }]);
      stopped.clear();
    }
    for (const p of processingOf.values()) p.reset();
    membership.join(payload);
    salesMembership.join(payload);
  });
  consumer.on(consumer.events.REQUEST, () => membership.contact());
  consumer.on(consumer.events.REBALANCING, () => log.info({ groupId }, 'inventory consumer group rebalancing'));
  let stopping = false;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    membership.leave();
    metrics.crashes.inc();
    if (payload.restart) {
      log.warn({ err: payload.error }, 'inventory consumer crashed; kafkajs restarts it');
      return;
    }
    if (brokerUnavailable(payload.error) && !stopping) {
      log.warn(
        { err: payload.error },
        `inventory consumer stopped: broker unavailable; starting again in ${REJOIN_MS / 1000} s`,
      );
      setTimeout(() => {
        if (stopping) return;
        consumer
          .connect()
          .then(() => consumer.run(runOptions))
          .catch((err: Error) => {
            log.fatal({ err }, 'inventory consumer could not start again');
            onFatal?.(err);
          });
      }, REJOIN_MS);
      return;
    }
    log.fatal({ err: payload.error }, 'inventory consumer crashed and will not restart');
    onFatal?.(payload.error);
  });
  consumer.on(consumer.events.STOP, () => membership.leave());

  /** True if the batch starts at the stored position; otherwise the partition was re-positioned. */
  async function positioned(batch: Batch): Promise<boolean> {
    const k = key(batch.topic, batch.partition);
    if (checked.has(k)) return true;
    const where = { topic: batch.topic, partition: batch.partition };
    const marker = leadingUndecodable(batch);
    const first = marker?.firstOffset ?? BigInt(batch.firstOffset() ?? '0');
    let stored = await getInventoryOffset(prisma, groupId, batch.topic, batch.partition);
    // Another cluster's offsets, or beyond the partition's end (topic recreated): another log.
    const foreign = stored !== null && stored.clusterId !== null && stored.clusterId !== clusterId;
    if (stored && (foreign || stored.nextOffset > BigInt(batch.highWatermark))) {
      log.warn(
        { ...where, stored: stored.nextOffset.toString(), storedCluster: stored.clusterId, clusterId },
        'stored inventory offset belongs to another log; restarting the partition from its beginning',
      );
      await resetInventoryOffset(prisma, groupId, batch.topic, batch.partition, stored, 0n, clusterId);
      stored = { nextOffset: 0n, clusterId };
    }
    const target = stored?.nextOffset ?? 0n;
    checked.add(k);
    if (first === target || (marker && marker.firstOffset <= target && target <= marker.lastOffset)) return true;
    log.info(
      { ...where, from: first.toString(), to: target.toString() },
      'seeking to inventory offset stored in Postgres',
    );
    consumer.seek({ topic: batch.topic, partition: batch.partition, offset: target.toString() });
    return false;
  }

  /** Decode a chunk (decodeInventoryChunk), and the dead letters to send for it. */
  function decode(batch: Batch, chunk: KafkaMessage[]) {
    const stream: InventoryStream = batch.topic === inventoryTopic ? 'inventory' : 'sales';
    const decoded = decodeInventoryChunk(stream, chunk, { reportingCurrency: settings.reportingCurrency });
    const dlq: DeadLetterCopy[] = [];
    for (const { message, rejection } of decoded.rejected) {
      if (rejection.offset <= (dlqPublished.get(batch.partition) ?? -1n)) continue; // published before a failed attempt
      dlq.push({
        key: message.key,
        value: message.value,
        headers: dlqHeaders(message, batch, rejection.reason, rejection.detail),
      });
      log.warn(
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          reason: rejection.reason,
          detail: rejection.detail,
        },
        'inventory message rejected',
      );
    }
    return { ...decoded, stream, rejected: decoded.rejected.map((r) => r.rejection), dlq };
  }

  async function applyChunk(batch: Batch, chunk: KafkaMessage[], range: OffsetRange, payload: EachBatchPayload) {
    const { resolveOffset, heartbeat, isRunning } = payload;
    const beating = setInterval(() => heartbeat().catch(() => undefined), heartbeatInterval);
    const started = performance.now();
    let outcome: Awaited<ReturnType<typeof applyInventoryBatch>>;
    let stream: InventoryStream;
    let skippedCount = 0;
    try {
      const decoded = decode(batch, chunk);
      stream = decoded.stream;
      skippedCount = decoded.skipped.length;
      // Dead letters before the transaction, as the sales consumer: at-least-once in the topic.
      if (decoded.dlq.length > 0) {
        for (const messages of deadLetterBatches(decoded.dlq))
          await producer.send({ topic: settings.dlqTopic, messages });
        dlqPublished.set(batch.partition, BigInt((chunk.at(-1) as KafkaMessage).offset));
      }
      outcome = await applyInventoryBatch(prisma, {
        groupId,
        clusterId,
        topic: batch.topic,
        stream,
        partition: batch.partition,
        lastOffset: BigInt(range.lastOffset),
        lastMessageAt: new Date(decoded.lastMessageAt),
        highWatermark: BigInt(batch.highWatermark),
        accepted: decoded.accepted,
        skipped: decoded.skipped,
        rejected: decoded.rejected,
        demandKeepMs: settings.demandKeepMs,
      });
    } catch (err) {
      await processing(batch.topic).retryLater(range, err, heartbeat, isRunning);
      return false;
    } finally {
      clearInterval(beating);
    }
    processing(batch.topic).succeeded(range);
    stats.batches += 1;
    if (stream === 'inventory') {
      stats.inventoryApplied += outcome.applied;
      stats.rejected += outcome.skipped;
    } else {
      stats.salesApplied += outcome.applied;
      stats.salesSkipped += outcome.skipped;
    }
    stats.duplicates += outcome.duplicates;
    stats.alreadyApplied += outcome.alreadyApplied;
    metrics.consumed.inc({ topic: batch.topic }, chunk.length);
    metrics.batchDuration.observe({ topic: batch.topic }, (performance.now() - started) / 1000);
    metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(BigInt(batch.highWatermark) - BigInt(range.lastOffset) - 1n),
    );
    resolveOffset(range.lastOffset);
    await consumer
      .commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: String(BigInt(range.lastOffset) + 1n) },
      ])
      .catch((err: unknown) => log.warn({ ...range, err }, 'informative Kafka offset commit failed'));
    log.debug({ ...range, ...outcome, skipped: skippedCount }, 'inventory batch committed');
    await heartbeat();
    return true;
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    if (batch.isEmpty()) return;
    const { topic, partition } = batch;
    try {
      if (!(await positioned(batch))) return;
    } catch (err) {
      const where = { topic, partition, firstOffset: batch.firstOffset() ?? '', lastOffset: batch.lastOffset() };
      await processing(topic).retryLater(where, err, heartbeat, isRunning);
      return;
    }
    const cut = firstUndecodable(batch.messages);
    const readable = cut < 0 ? batch.messages : batch.messages.slice(0, cut);
    for (let i = 0; i < readable.length; i += MAX_CHUNK) {
      if (!isRunning() || isStale()) return;
      const chunk = readable.slice(i, i + MAX_CHUNK);
      const whole = cut < 0 && i + MAX_CHUNK >= readable.length;
      const range = {
        topic,
        partition,
        firstOffset: (chunk[0] as KafkaMessage).offset,
        lastOffset: whole ? batch.lastOffset() : (chunk.at(-1) as KafkaMessage).offset,
      };
      if (!(await applyChunk(batch, chunk, range, payload))) return;
    }
    const marker = batch.messages[cut];
    if (marker && isRunning() && !isStale()) {
      // Retrying cannot help (the same bytes come back): stop the partition and say so in
      // /readyz. The sales workers' `skip` does not cover this group yet.
      consumer.pause([{ topic, partitions: [partition] }]);
      const reason = String(marker.headers?.['x-kafkajs-undecodable'] ?? 'undecodable');
      stopped.set(key(topic, partition), { topic, partition, offset: marker.offset, reason });
      log.error(
        { topic, partition, offset: marker.offset, reason },
        'undecodable record batch: inventory partition stopped',
      );
    }
  }

  const runOptions = {
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch,
  };
  await consumer.connect();
  await consumer.subscribe({ topics: [inventoryTopic, salesTopic], fromBeginning: true });
  await consumer.run(runOptions);

  return {
    stats,
    kafkaCheck: () => membership.kafkaCheck(),
    processingCheck: () => {
      const first = [...stopped.values()][0];
      if (first) {
        return {
          ok: false,
          error: `${first.topic} partition ${first.partition} stopped at offset ${first.offset}: undecodable record batch (${first.reason})`,
        };
      }
      const failing = [...processingOf.values()].map((p) => p.check([])).find((c) => !c.ok);
      return failing ?? { ok: true };
    },
    stop: async () => {
      stopping = true;
      await consumer.disconnect();
    },
  };
}
