// Consumer group on the sales topic: decode → dead-letter the invalid → apply the rest to the
// Postgres rollups exactly once (see lib/queries/apply-sales-batch.ts).
import os from 'node:os';
import type { PrismaClient } from '@prisma/client';
import type { Batch, Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { type DeadLetterCopy, deadLetterBatches } from '../lib/dead-letter-batches';
import { env } from '../lib/env';
import type { KafkaTrouble } from '../lib/kafka';
import type { Logger } from '../lib/logger';
import { workerMetrics } from '../lib/metrics';
import { type Check, errorMessage } from '../lib/ops-http';
import { advancePastUnreadableOffsets } from '../lib/queries/advance-past-unreadable-offsets';
import {
  type AcceptedMessage,
  applySalesBatch,
  type BatchOutcome,
  KnownDimensions,
  type RejectedMessage,
} from '../lib/queries/apply-sales-batch';
import { clearBlockedPartition, recordBlockedPartition } from '../lib/queries/blocked-partitions';
import { getStoredOffset, resetStoredOffset } from '../lib/queries/get-stored-offset';
import { markCaughtUp } from '../lib/queries/mark-caught-up';
import { decodeSaleEvent } from '../lib/sales-event';
import {
  firstUndecodable,
  leadingUndecodable,
  type UndecodableBatch,
  undecodableBatch,
} from '../lib/undecodable-batch';

/** Messages per Postgres transaction: bounds transaction time and memory for huge backlogs. */
const MAX_CHUNK = 5000;
const CAUGHT_UP_EVERY_MS = 5000;
/** How often a partition stopped at an undecodable batch looks whether an operator skipped it. */
const BLOCKED_POLL_MS = 2000;

export interface SalesConsumerStats {
  counted: number;
  duplicates: number;
  rejected: number;
  alreadyApplied: number;
  batches: number;
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

interface Options {
  kafka: Kafka;
  /** Id of the cluster `kafka` talks to; stored with every offset. */
  clusterId: string;
  producer: Producer;
  prisma: PrismaClient;
  log: Logger;
  groupId?: string;
  /** The consumer stopped for good (a crash kafkajs does not restart): the process should exit. */
  onFatal?: (err: Error) => void;
  /** Latest broker error kafkajs is retrying (from createKafka's onTrouble), for readiness. */
  kafkaTrouble?: () => KafkaTrouble | null;
}

/** Retry a failed chunk after 0.5 s, 1 s, 2 s, … up to 30 s (±20 %). */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
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
  onFatal,
  kafkaTrouble,
}: Options): Promise<SalesConsumer> {
  const config = env();
  const topic = config.SALES_TOPIC;
  const heartbeatInterval = Math.floor(config.WORKER_SESSION_TIMEOUT_MS / 10);
  const consumer: Consumer = kafka.consumer({
    groupId: groupId ?? config.WORKER_GROUP_ID,
    sessionTimeout: config.WORKER_SESSION_TIMEOUT_MS,
    heartbeatInterval,
    // ~1,800 sales per fetch and partition: bounds the memory of a batch (every sale becomes up to
    // ~17 rollup rows across grains while catching up) and the time its transaction holds locks.
    maxBytesPerPartition: 1024 * 1024,
    // The broker answers as soon as data arrives; this only bounds an idle fetch, and with it
    // how long shutdown and rebalances wait for the in-flight fetch.
    maxWaitTimeInMs: 1000,
  });
  const known = new KnownDimensions();
  const metrics = workerMetrics();
  const stats: SalesConsumerStats = { counted: 0, duplicates: 0, rejected: 0, alreadyApplied: 0, batches: 0 };
  // A member that has not heard from the coordinator for a session timeout has lost its
  // partitions (or is about to): the broker is unreachable or the worker is stuck.
  const kafkaStaleMs = config.WORKER_SESSION_TIMEOUT_MS;
  let joined = false;
  let assigned: number[] = [];
  let lastKafkaContactAt = 0;
  /** Set while the latest attempt to apply a chunk failed; cleared by the next success. */
  let failing: { since: number; attempts: number; error: string } | null = null;
  /** Consecutive failures per partition, for the retry delay. */
  const attempts = new Map<number, number>();
  /**
   * Highest offset per partition whose dead letter this process has published. A chunk that
   * failed after publishing is fetched again; its dead letters are not sent a second time.
   */
  const dlqPublished = new Map<number, bigint>();
  /**
   * Partitions paused in front of a record batch that cannot be decoded, with the stored
   * position they stopped at. They stay paused until an operator's skip moves that position
   * (workers/skip.ts); the other partitions flow on.
   */
  const blocked = new Map<number, { at: bigint; batch: UndecodableBatch; since: number }>();
  const workerName = `${os.hostname()}:${process.pid}`;

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
    dlqPublished.clear();
    // Paused partitions stay paused across rebalances in kafkajs: let go of them. Whoever owns
    // a partition now meets its undecodable batch again and stops there itself.
    if (blocked.size > 0) consumer.resume([{ topic, partitions: [...blocked.keys()] }]);
    blocked.clear();
    metrics.blockedPartitions.set({ topic }, 0);
    // Failures were about partitions we may no longer hold; the next batch tells anew.
    failing = null;
    attempts.clear();
    joined = true;
    lastKafkaContactAt = Date.now();
    const previous = assigned;
    assigned = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    for (const partition of previous) {
      if (!assigned.includes(partition)) metrics.lag.remove({ topic, partition: String(partition) });
    }
    metrics.assignedPartitions.set({ topic }, assigned.length);
    metrics.rebalances.inc();
    log.info(
      { topic, memberId: payload.memberId, partitions: assigned, leader: payload.isLeader },
      assigned.length > 0
        ? 'joined consumer group'
        : 'joined consumer group without partitions (more workers than partitions): standing by',
    );
  });
  consumer.on(consumer.events.HEARTBEAT, () => {
    lastKafkaContactAt = Date.now();
  });
  // An idle shop is not a stale dashboard: when a fetch finds nothing new on any assigned
  // partition, record that the counted data is complete as of now (at most every 5 s), so
  // "as of" keeps moving while no sales happen and stops only when the pipeline does.
  let lastCaughtUpAt = 0;
  consumer.on(consumer.events.FETCH, ({ payload }) => {
    const now = Date.now();
    // A stopped partition is not caught up: its "as of" must age on the dashboard.
    const flowing = assigned.filter((p) => !blocked.has(p));
    if (payload.numberOfBatches > 0 || flowing.length === 0 || now - lastCaughtUpAt < CAUGHT_UP_EVERY_MS) return;
    lastCaughtUpAt = now;
    markCaughtUp(prisma, topic, flowing).catch((err: unknown) => log.warn({ err }, 'recording caught-up failed'));
  });
  // A fetch that held only transaction markers or aborted records never reaches eachBatch:
  // kafkajs moves past it itself. The stored position must move past it too.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const { partition, batchSize, firstOffset, lastOffset, highWatermark } = payload;
    if (batchSize > 0 || firstOffset == null || !checked.has(partition) || blocked.has(partition)) return;
    advancePastUnreadableOffsets(
      prisma,
      payload.topic,
      partition,
      BigInt(firstOffset),
      BigInt(lastOffset),
      BigInt(highWatermark),
    ).catch((err: unknown) => log.warn({ err, partition }, 'moving past transaction markers failed'));
  });
  consumer.on(consumer.events.REBALANCING, () => log.info({ topic }, 'consumer group rebalancing'));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    metrics.crashes.inc();
    metrics.assignedPartitions.set({ topic }, 0);
    if (payload.restart) {
      log.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
      return;
    }
    log.fatal({ err: payload.error }, 'consumer crashed and will not restart');
    onFatal?.(payload.error);
  });
  consumer.on(consumer.events.STOP, () => {
    joined = false;
  });

  function kafkaCheck(): Check {
    const sinceContactMs = lastKafkaContactAt === 0 ? null : Date.now() - lastKafkaContactAt;
    const fresh = sinceContactMs !== null && sinceContactMs <= kafkaStaleMs;
    // A broker error after the last good answer: kafkajs is retrying (broker down or moving).
    // It clears with the next heartbeat or fetch, well before the session would time out.
    const trouble = kafkaTrouble?.();
    const troubled = trouble != null && trouble.at > lastKafkaContactAt;
    let error: string | undefined;
    if (!joined) error = 'not a member of the consumer group (connecting or rejoining)';
    else if (troubled) error = `broker unreachable, retrying: ${trouble.message}`;
    else if (!fresh) error = `no answer from the group coordinator for ${kafkaStaleMs / 1000} s`;
    // A member with no partitions (more workers than partitions) is healthy: it takes
    // partitions over as soon as another member leaves, so it reports ready as a standby.
    return {
      ok: error === undefined,
      joined,
      partitions: assigned,
      ...(joined && assigned.length === 0 ? { standby: true } : {}),
      lastContactMsAgo: sinceContactMs,
      ...(error ? { error } : {}),
    };
  }

  function processingCheck(): Check {
    if (blocked.size > 0) {
      const stopped = [...blocked].map(([partition, b]) => ({
        partition,
        offset: b.at.toString(),
        batchOffsets: `${b.batch.firstOffset}–${b.batch.lastOffset}`,
        reason: b.batch.reason,
        sinceMs: Date.now() - b.since,
        skip: `npm run worker -- skip --partition ${partition} --to-offset ${b.batch.lastOffset + 1n}`,
      }));
      const first = stopped[0] as (typeof stopped)[number];
      return {
        ok: false,
        error: `partition ${first.partition} stopped at offset ${first.offset}: undecodable record batch (${first.reason})`,
        blocked: stopped,
        ...(failing ? { failingSinceMs: Date.now() - failing.since, lastError: failing.error } : {}),
      };
    }
    if (!failing) return { ok: true };
    return {
      ok: false,
      error: failing.error,
      failingSinceMs: Date.now() - failing.since,
      attempts: failing.attempts,
    };
  }

  /**
   * A chunk failed (typically: the database is unreachable). Wait, heartbeating so the group
   * keeps our partitions, then return without resolving: kafkajs fetches the same offsets
   * again. Nothing was committed, so nothing is lost or doubled.
   */
  async function retryLater(
    where: { topic: string; partition: number; firstOffset: string; lastOffset: string },
    err: unknown,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    const attempt = (attempts.get(where.partition) ?? 0) + 1;
    attempts.set(where.partition, attempt);
    failing = { since: failing?.since ?? Date.now(), attempts: (failing?.attempts ?? 0) + 1, error: errorMessage(err) };
    metrics.batchFailures.inc({ topic: where.topic });
    const delay = retryDelayMs(attempt);
    log.warn({ ...where, err, attempt, retryInMs: delay }, 'batch failed; retrying from the same offset');
    const until = Date.now() + delay;
    while (isRunning() && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, until - Date.now())));
      await heartbeat();
    }
  }

  async function positionedAtStoredOffset(batch: Batch): Promise<boolean> {
    if (checked.has(batch.partition)) return true;
    const where = { topic: batch.topic, partition: batch.partition };
    // An undecodable batch arrives as one marker at its last offset; it starts at its first.
    const marker = leadingUndecodable(batch);
    const first = marker?.firstOffset ?? BigInt(batch.firstOffset() ?? '0');
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
    // Readable where a worker once stopped (the damage was repaired, e.g. by a leader move):
    // the record of the stop is stale.
    if (!marker) await clearBlockedPartition(prisma, batch.topic, batch.partition);
    // Marked only now that the database has answered: if a query above failed, the next
    // delivery must be checked again, or a Kafka position ahead of Postgres would skip events.
    checked.add(batch.partition);
    metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(BigInt(batch.highWatermark) - target),
    );
    if (first === target || (marker && marker.firstOffset <= target && target <= marker.lastOffset)) return true;
    log.info({ ...where, from: first.toString(), to: target.toString() }, 'seeking to offset stored in Postgres');
    consumer.seek({ topic: batch.topic, partition: batch.partition, offset: target.toString() });
    return false;
  }

  /** `through`: the last offset the chunk accounts for (trailing transaction markers included). */
  async function applyChunk(
    batch: Batch,
    messages: KafkaMessage[],
    through: bigint,
  ): Promise<{ outcome: BatchOutcome; rejected: RejectedMessage[]; commitSeconds: number }> {
    const accepted: AcceptedMessage[] = [];
    const rejected: RejectedMessage[] = [];
    const dlq: DeadLetterCopy[] = [];
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
      if (offset <= (dlqPublished.get(batch.partition) ?? -1n)) continue; // published before a failed attempt
      dlq.push({ key: message.key, value: message.value, headers: dlqHeaders(message, batch, entry) });
      log.warn(
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          reason: result.reason,
          detail: result.detail,
        },
        'message rejected',
      );
    }
    const last = messages.at(-1) as KafkaMessage;
    // Dead letters go out before the transaction: if we crash in between, the redelivered
    // message is dead-lettered again (at-least-once in the DLQ topic, each copy carrying
    // its source partition/offset); the dead_letter table stays exact.
    if (dlq.length > 0) {
      // In order, in requests the broker accepts (lib/dead-letter-batches.ts).
      for (const messages of deadLetterBatches(dlq)) await producer.send({ topic: config.SALES_DLQ_TOPIC, messages });
      dlqPublished.set(batch.partition, BigInt(last.offset));
    }

    const started = performance.now();
    const outcome = await applySalesBatch(
      prisma,
      {
        clusterId,
        topic: batch.topic,
        partition: batch.partition,
        lastOffset: through,
        lastMessageAt: new Date(lastMessageAt),
        highWatermark: BigInt(batch.highWatermark),
        accepted,
        rejected,
      },
      known,
    );
    return { outcome, rejected, commitSeconds: (performance.now() - started) / 1000 };
  }

  /** Counters of one committed chunk. Messages below the stored offset were counted before. */
  function record(batch: Batch, chunk: KafkaMessage[], outcome: BatchOutcome, rejected: RejectedMessage[]): void {
    const t = { topic: batch.topic };
    stats.batches += 1;
    stats.counted += outcome.counted;
    stats.duplicates += outcome.duplicates;
    stats.rejected += outcome.rejected;
    stats.alreadyApplied += outcome.alreadyApplied;
    metrics.consumed.inc(t, chunk.length);
    metrics.accepted.inc(t, outcome.counted);
    metrics.duplicates.inc(t, outcome.duplicates);
    metrics.alreadyApplied.inc(t, outcome.alreadyApplied);
    // Offsets ascend within a chunk, so the already-applied messages are its first ones.
    const firstNew = chunk[outcome.alreadyApplied];
    if (firstNew) {
      const from = BigInt(firstNew.offset);
      for (const r of rejected) if (r.offset >= from) metrics.rejected.inc({ ...t, reason: r.reason });
    }
  }

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      lastKafkaContactAt = Date.now(); // a fetch with data just succeeded
      if (batch.isEmpty()) return;
      const { topic: batchTopic, partition } = batch;
      const lag = { topic: batchTopic, partition: String(partition) };
      let positioned: boolean;
      try {
        positioned = await positionedAtStoredOffset(batch);
      } catch (err) {
        const where = { topic: batchTopic, partition, firstOffset: batch.firstOffset() ?? '' };
        await retryLater({ ...where, lastOffset: batch.lastOffset() }, err, heartbeat, isRunning);
        return;
      }
      if (!positioned) return;
      // Behind by this whole batch until it is applied (stays visible while applying fails).
      metrics.lag.set(lag, Number(BigInt(batch.highWatermark) - BigInt(batch.firstOffset() ?? '0')));
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
        const started = performance.now();
        // Heartbeat while the chunk is applied: a slow transaction (a loaded machine, a big
        // backlog) must not cost the partitions; rebalance errors surface at the heartbeat below.
        const beating = setInterval(() => heartbeat().catch(() => undefined), heartbeatInterval);
        let applied: Awaited<ReturnType<typeof applyChunk>>;
        try {
          applied = await applyChunk(batch, chunk, BigInt(range.lastOffset));
        } catch (err) {
          // Not resolved: kafkajs fetches this chunk again once retryLater returns.
          await retryLater(range, err, heartbeat, isRunning);
          return;
        } finally {
          clearInterval(beating);
        }
        const { outcome, rejected, commitSeconds } = applied;
        const seconds = (performance.now() - started) / 1000;
        if (failing) log.info({ ...range, failedAttempts: failing.attempts }, 'batches are being applied again');
        failing = null;
        attempts.delete(partition);
        record(batch, chunk, outcome, rejected);
        metrics.batchDuration.observe({ topic: batchTopic }, seconds);
        metrics.commitDuration.observe({ topic: batchTopic }, commitSeconds);
        metrics.lag.set(lag, Number(BigInt(batch.highWatermark) - BigInt(range.lastOffset) - 1n));
        resolveOffset(range.lastOffset);
        // Informative only (monitoring tools read it); Postgres holds the real position.
        await consumer
          .commitOffsets([{ topic: batchTopic, partition, offset: String(BigInt(range.lastOffset) + 1n) }])
          .catch((err: unknown) => log.warn({ ...range, err }, 'informative Kafka offset commit failed'));
        log.debug(
          { ...range, ...outcome, ms: Math.round(seconds * 1000), commitMs: Math.round(commitSeconds * 1000) },
          'batch committed',
        );
        await heartbeat();
      }
      const marker = batch.messages[cut];
      if (marker && isRunning() && !isStale()) {
        try {
          await stopAtUndecodable(partition, marker);
        } catch (err) {
          const where = { topic: batchTopic, partition, firstOffset: marker.offset, lastOffset: marker.offset };
          await retryLater(where, err, heartbeat, isRunning);
        }
      }
    },
  });

  /**
   * Pause a partition in front of a batch no codec can decode. Retrying cannot help (the same
   * bytes come back on every fetch) and passing it silently would lose sales: an operator
   * looks and decides (README "Undecodable batches").
   */
  async function stopAtUndecodable(partition: number, message: KafkaMessage): Promise<void> {
    const batch = undecodableBatch(message) as UndecodableBatch;
    const at = (await getStoredOffset(prisma, topic, partition))?.nextOffset ?? 0n;
    consumer.pause([{ topic, partitions: [partition] }]);
    blocked.set(partition, { at, batch, since: Date.now() });
    metrics.undecodableBatches.inc({ topic, partition: String(partition) });
    metrics.blockedPartitions.set({ topic }, blocked.size);
    log.error(
      {
        topic,
        partition,
        offset: at.toString(),
        batchOffsets: `${batch.firstOffset}–${batch.lastOffset}`,
        bytes: batch.bytes.length,
        reason: batch.reason,
        skip: `npm run worker -- skip --partition ${partition} --to-offset ${batch.lastOffset + 1n}`,
      },
      'undecodable record batch: partition stopped until an operator skips it; other partitions go on',
    );
    await recordBlockedPartition(prisma, topic, partition, at, batch, workerName).catch((err: unknown) =>
      log.warn({ err, partition }, 'recording the blocked partition failed (the skip command needs it)'),
    );
  }

  // A skip moves the stored position of a stopped partition: read on from there.
  const blockedTimer = setInterval(() => {
    for (const [partition, b] of blocked) {
      getStoredOffset(prisma, topic, partition)
        .then(async (stored) => {
          const next = stored?.nextOffset ?? 0n;
          if (next === b.at || blocked.get(partition) !== b) return;
          blocked.delete(partition);
          metrics.blockedPartitions.set({ topic }, blocked.size);
          consumer.seek({ topic, partition, offset: next.toString() });
          consumer.resume([{ topic, partitions: [partition] }]);
          log.info(
            { topic, partition, from: b.at.toString(), to: next.toString() },
            'stopped partition moved on; reading',
          );
          await clearBlockedPartition(prisma, topic, partition);
        })
        .catch((err: unknown) => log.warn({ err, partition }, 'checking a stopped partition failed'));
    }
  }, BLOCKED_POLL_MS);
  blockedTimer.unref();

  return {
    stats,
    kafkaCheck,
    processingCheck,
    stop: async () => {
      clearInterval(blockedTimer);
      // disconnect() waits for the in-flight batch to finish before leaving the group.
      await consumer.disconnect();
    },
  };
}
