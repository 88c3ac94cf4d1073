// Consumer group on the sales topic: decode → dead-letter the invalid → apply the rest to the
// Postgres rollups exactly once (see lib/queries/ingest/apply-sales-batch.ts). This composes the
// parts: group membership (membership.ts), processing state and retries (processing.ts),
// positioning at the stored offset (positioning.ts), applying a chunk (apply-chunk.ts),
// undecodable batches (undecodable-stops.ts) and the caught-up marker (caught-up.ts).
import type { PrismaClient } from '@prisma/client';
import type { EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { KafkaTrouble } from '@/lib/ingest/kafka';
import { firstUndecodable } from '@/lib/ingest/undecodable-batch';
import type { Logger } from '@/lib/logger';
import { workerMetrics } from '@/lib/metrics';
import type { Check } from '@/lib/ops-http';
import { ChunkApplier, type SalesConsumerStats } from './apply-chunk';
import { CaughtUpMarker } from './caught-up';
import type { ConsumerContext } from './context';
import { GroupMembership } from './membership';
import { StoredPositions } from './positioning';
import { ProcessingState } from './processing';
import { UndecodableStops } from './undecodable-stops';

export type { SalesConsumerStats } from './apply-chunk';
export { retryDelayMs } from './processing';

/**
 * Messages per Postgres transaction: bounds transaction time and memory for huge backlogs. It also
 * keeps the chunk's rollup sums (JavaScript numbers) exact: 5,000 events of at most 10^12 each
 * (lib/domain/sales-event.ts BOUNDS) stay below 2^53.
 */
const MAX_CHUNK = 5000;

/** Wait before starting a consumer again that kafkajs gave up on (broker unavailable). */
const REJOIN_MS = 5000;

const UNAVAILABLE = /coordinator|ECONNREFUSED|ECONNRESET|ETIMEDOUT|connection|broker not found|leader/i;

/** Whether a crash comes from brokers being away (the error or any of its causes says so). */
export function brokerUnavailable(error: unknown): boolean {
  for (let e = error as { name?: string; message?: string; type?: string; cause?: unknown } | undefined; e; ) {
    if (UNAVAILABLE.test(`${e.name ?? ''} ${e.message ?? ''} ${e.type ?? ''}`)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export interface SalesConsumer {
  stats: SalesConsumerStats;
  /** Kafka side: joined the group and heard from the coordinator recently. */
  kafkaCheck(): Check;
  /**
   * Batches: ok unless the latest attempt to apply one failed (it is being retried) or a
   * partition is stopped at an undecodable batch.
   */
  processingCheck(): Check;
  stop(): Promise<void>;
}

/** The consumer's configuration, read once by its caller (workers/index.ts). */
export interface SalesConsumerSettings {
  /** SALES_TOPIC */
  topic: string;
  /** SALES_DLQ_TOPIC */
  dlqTopic: string;
  /** WORKER_GROUP_ID */
  groupId: string;
  /** WORKER_SESSION_TIMEOUT_MS */
  sessionTimeoutMs: number;
  /** REPORTING_CURRENCY */
  reportingCurrency: string;
}

interface Options {
  kafka: Kafka;
  /** Id of the cluster `kafka` talks to; stored with every offset. */
  clusterId: string;
  producer: Producer;
  prisma: PrismaClient;
  log: Logger;
  settings: SalesConsumerSettings;
  /** The consumer stopped for good (a crash kafkajs does not restart): the process should exit. */
  onFatal?: (err: Error) => void;
  /** Latest broker error kafkajs is retrying (from createKafka's onTrouble), for readiness. */
  kafkaTrouble?: () => KafkaTrouble | null;
}

export async function startSalesConsumer({
  kafka,
  clusterId,
  producer,
  prisma,
  log,
  settings,
  onFatal,
  kafkaTrouble,
}: Options): Promise<SalesConsumer> {
  const { topic } = settings;
  const heartbeatInterval = Math.floor(settings.sessionTimeoutMs / 10);
  const consumer = kafka.consumer({
    groupId: settings.groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval,
    // ~1,800 sales per fetch and partition: bounds the memory of a batch (every sale becomes up to
    // ~17 rollup rows across grains while catching up) and the time its transaction holds locks.
    maxBytesPerPartition: 1024 * 1024,
    // The broker answers as soon as data arrives; this only bounds an idle fetch, and with it
    // how long shutdown and rebalances wait for the in-flight fetch.
    maxWaitTimeInMs: 1000,
  });
  const metrics = workerMetrics();
  const ctx: ConsumerContext = { consumer, topic, prisma, log, metrics };
  const membership = new GroupMembership(ctx, settings.sessionTimeoutMs, kafkaTrouble);
  const processing = new ProcessingState(ctx);
  const positions = new StoredPositions(ctx, clusterId);
  const stops = new UndecodableStops(ctx);
  const chunks = new ChunkApplier(ctx, producer, processing, {
    clusterId,
    dlqTopic: settings.dlqTopic,
    reportingCurrency: settings.reportingCurrency,
    heartbeatInterval,
  });
  const caughtUp = new CaughtUpMarker(ctx);

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    positions.reset();
    chunks.reset();
    stops.releaseAll();
    processing.reset();
    membership.join(payload);
  });
  // Contact is a response read from a broker (any request: fetch, heartbeat, metadata). Not a
  // FETCH event: kafkajs emits it for fetches that failed (a closed connection is swallowed and
  // reported as an empty fetch), and not eachBatch: a batch may come from a fetch made long before.
  let fetchAnsweredAt = 0;
  consumer.on(consumer.events.REQUEST, ({ payload }) => {
    membership.contact();
    if (payload.apiName === 'Fetch') fetchAnsweredAt = Date.now();
  });
  consumer.on(consumer.events.FETCH, ({ payload }) => {
    // Only a fetch the broker answered says the partitions are caught up.
    if (fetchAnsweredAt < Date.now() - payload.duration) return;
    caughtUp.afterFetch(
      membership.assigned.filter((p) => !stops.has(p)),
      Date.now(),
    );
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
    positions.afterBatch(payload, stops.has(payload.partition)),
  );
  consumer.on(consumer.events.REBALANCING, () => log.info({ topic }, 'consumer group rebalancing'));
  let stopped = false;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    membership.leave();
    metrics.crashes.inc();
    metrics.assignedPartitions.set({ topic }, 0);
    if (payload.restart) {
      log.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
      return;
    }
    // kafkajs gives up on a broker that stays away longer than its retries (or a coordinator
    // still loading after a restart): start over in this process rather than exit.
    if (brokerUnavailable(payload.error) && !stopped) {
      log.warn(
        { err: payload.error },
        `consumer stopped: broker unavailable; starting it again in ${REJOIN_MS / 1000} s`,
      );
      setTimeout(() => {
        if (stopped) return;
        consumer
          .connect()
          .then(() => consumer.run(runOptions))
          .catch((err: Error) => {
            log.fatal({ err }, 'consumer could not start again');
            onFatal?.(err);
          });
      }, REJOIN_MS);
      return;
    }
    log.fatal({ err: payload.error }, 'consumer crashed and will not restart');
    onFatal?.(payload.error);
  });
  consumer.on(consumer.events.STOP, () => membership.leave());

  /** One fetched batch: position, apply what is readable chunk by chunk, stop at an undecodable batch. */
  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    if (batch.isEmpty()) return;
    const { topic: batchTopic, partition } = batch;
    let positioned: boolean;
    try {
      positioned = await positions.positioned(batch);
    } catch (err) {
      const where = { topic: batchTopic, partition, firstOffset: batch.firstOffset() ?? '' };
      await processing.retryLater({ ...where, lastOffset: batch.lastOffset() }, err, heartbeat, isRunning);
      return;
    }
    if (!positioned) return;
    // Behind by this whole batch until it is applied (stays visible while applying fails).
    metrics.lag.set(
      { topic: batchTopic, partition: String(partition) },
      Number(BigInt(batch.highWatermark) - BigInt(batch.firstOffset() ?? '0')),
    );
    // Everything before an undecodable batch is applied; the partition stops at it.
    const cut = firstUndecodable(batch.messages);
    const readable = cut < 0 ? batch.messages : batch.messages.slice(0, cut);
    for (let i = 0; i < readable.length; i += MAX_CHUNK) {
      // Stop between transactions on shutdown or when the partition was taken from us.
      if (!isRunning() || isStale()) return;
      const chunk = readable.slice(i, i + MAX_CHUNK);
      // The whole batch's last chunk also accounts for what follows its last message in the
      // fetch: transaction markers and aborted records, filtered out by kafkajs.
      const whole = cut < 0 && i + MAX_CHUNK >= readable.length;
      const range = {
        topic: batchTopic,
        partition,
        firstOffset: (chunk[0] as KafkaMessage).offset,
        lastOffset: whole ? batch.lastOffset() : (chunk.at(-1) as KafkaMessage).offset,
      };
      // Not applied: kafkajs fetches this chunk again once the retry delay is over.
      if (!(await chunks.applyAndCommit(batch, chunk, range, payload))) return;
    }
    const marker = batch.messages[cut];
    if (marker && isRunning() && !isStale()) {
      try {
        await stops.stop(partition, marker);
      } catch (err) {
        const where = { topic: batchTopic, partition, firstOffset: marker.offset, lastOffset: marker.offset };
        await processing.retryLater(where, err, heartbeat, isRunning);
      }
    }
  }

  const runOptions = {
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch,
  };
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run(runOptions);
  stops.watchForSkips();

  return {
    stats: chunks.stats,
    kafkaCheck: () => membership.kafkaCheck(),
    processingCheck: () => processing.check(stops.stopped()),
    stop: async () => {
      stopped = true;
      stops.unwatch();
      // disconnect() waits for the in-flight batch to finish before leaving the group.
      await consumer.disconnect();
    },
  };
}
