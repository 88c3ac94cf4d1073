// Reads the sales topic for a replay: every partition from a given offset, in order, in
// chunks, never at or past a per-partition limit that the caller raises as the live workers
// advance (the replay must not get ahead of them: at the swap it has to stand exactly where
// they stand). Uses a consumer group of its own that commits nothing.
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { leadingUndecodable, type UndecodableBatch, undecodableBatch } from '@/lib/ingest/undecodable-batch';
import type { Logger } from '@/lib/logger';

export interface TopicReaderOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  /** First offset to read per partition; other partitions are ignored. */
  starts: Map<number, bigint>;
  /** Exclusive upper bound for a partition at this moment; it may only rise. */
  limitOf(partition: number): bigint;
  /** Consecutive messages of one partition, all below its limit. A throw stops the reader. */
  onChunk(partition: number, messages: KafkaMessage[], highWatermark: bigint): Promise<void>;
  /**
   * The workers have passed `at`, inside a record batch no codec can decode: only an
   * operator's recorded skip lets them. Returns the offset to read on from; a throw stops the reader.
   */
  onUndecodable?(partition: number, batch: UndecodableBatch, at: bigint): Promise<bigint>;
  /** The partition's log start offset now (tells a gap left by retention from one Kafka leaves). */
  logStartOf(partition: number): Promise<bigint>;
  log: Logger;
  /** Messages per onChunk call at most (default 1,000: a heartbeat goes out between chunks). */
  chunkSize?: number;
}

/** How long a batch waits at its limit for the workers to move before letting go of the fetch. */
const LIMIT_WAIT_MS = 250;

export class TopicReader {
  /** Next offset to apply per partition: everything below is done. */
  readonly next: Map<number, bigint>;
  private readonly consumer: Consumer;
  private readonly waiters = new Set<() => void>();
  private failure: Error | null = null;
  private running = false;
  private joined = false;

  constructor(private readonly options: TopicReaderOptions) {
    this.next = new Map(options.starts);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      // The group has this one member: a long session costs nothing, and a slow database
      // (the replay competes with the workers) then does not get it thrown out.
      sessionTimeout: 120_000,
      heartbeatInterval: 3000,
      // Same fetch size as the workers: bounds the memory of a batch.
      maxBytesPerPartition: 1024 * 1024,
      maxWaitTimeInMs: 500,
    });
  }

  /** In the consumer group with its partitions: fetching has begun. */
  isJoined(): boolean {
    return this.joined;
  }

  /** The error that stopped the reader, if any. */
  failed(): Error | null {
    return this.failure;
  }

  /** Call after raising limits: batches waiting at their limit carry on at once. */
  limitsChanged(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  async start(): Promise<void> {
    const { consumer, options } = this;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    // A fetch of only transaction markers or aborted records never reaches eachBatch (kafkajs
    // moves past it itself); the workers' position moves past it, so must the replay's.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const { partition, batchSize, firstOffset, lastOffset } = payload;
      if (batchSize > 0 || firstOffset == null || this.next.get(partition) !== BigInt(firstOffset)) return;
      this.next.set(partition, BigInt(lastOffset) + 1n);
    });
    await consumer.connect();
    this.running = true;
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.min(4, Math.max(1, options.starts.size)),
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const partition = batch.partition;
        let next = this.next.get(partition);
        if (next === undefined || batch.isEmpty() || this.failure) return;
        // An undecodable batch arrives as one marker at its last offset; it starts at its first.
        const marker = leadingUndecodable(batch);
        const spansNext = marker !== null && marker.firstOffset <= next && next <= marker.lastOffset;
        const first = spansNext ? next : (marker?.firstOffset ?? BigInt(batch.firstOffset() as string));
        // The group commits nothing, so Kafka starts it at the log start — at first, and
        // again after a rejoin: go to where this replay stands.
        if (first < next) {
          consumer.seek({ topic: batch.topic, partition, offset: next.toString() });
          return;
        }
        if (first > next) {
          const low = await options.logStartOf(partition);
          if (low > next) {
            this.fail(
              new Error(
                `partition ${partition}: messages ${next}–${low - 1n} were deleted by retention before the replay read them`,
              ),
            );
            return;
          }
          // Offsets Kafka uses for itself (e.g. transaction markers) carry no message.
          next = first;
        }
        let pending = batch.messages.filter((m) => BigInt(m.offset) >= (next as bigint));
        const chunkSize = options.chunkSize ?? 1000;
        while (pending.length > 0) {
          if (!this.running || !isRunning() || isStale() || this.failure) return;
          const limit = options.limitOf(partition);
          const blocked = undecodableBatch(pending[0] as KafkaMessage);
          if (blocked && limit > next) {
            const to = await this.passUndecodable(partition, blocked, next);
            if (to === null) return;
            next = to;
            this.next.set(partition, next);
            consumer.seek({ topic: batch.topic, partition, offset: next.toString() });
            return;
          }
          let n = 0;
          while (
            n < pending.length &&
            n < chunkSize &&
            BigInt((pending[n] as KafkaMessage).offset) < limit &&
            !undecodableBatch(pending[n] as KafkaMessage)
          )
            n++;
          if (n === 0) {
            // Level with the workers on this partition: wait for them (or the fence) to move on.
            const moved = await this.waitForLimitAbove(partition, limit);
            await heartbeat();
            // Not moved: return, and the next fetch starts again at the first unresolved offset.
            if (!moved) return;
            continue;
          }
          const chunk = pending.slice(0, n);
          try {
            await options.onChunk(partition, chunk, BigInt(batch.highWatermark));
          } catch (err) {
            this.fail(err as Error);
            return;
          }
          // The batch's last chunk also passes what follows its last message in the fetch
          // (transaction markers, aborted records): the workers' position includes them too.
          const last = n === pending.length ? batch.lastOffset() : (chunk.at(-1) as KafkaMessage).offset;
          next = BigInt(last) + 1n;
          this.next.set(partition, next);
          resolveOffset(last);
          await heartbeat();
          pending = pending.slice(n);
        }
      },
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.limitsChanged();
    // disconnect() waits for the batch in progress, which returns at its next check.
    await this.consumer.disconnect();
  }

  /** The offset to read on from past an undecodable batch, or null when the reader failed. */
  private async passUndecodable(partition: number, batch: UndecodableBatch, at: bigint): Promise<bigint | null> {
    try {
      if (!this.options.onUndecodable) throw new Error(`offset ${at} is in an undecodable record batch`);
      return await this.options.onUndecodable(partition, batch, at);
    } catch (err) {
      this.fail(err as Error);
      return null;
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.options.log.error({ err }, 'replay reader stopped');
  }

  private waitForLimitAbove(partition: number, limit: bigint): Promise<boolean> {
    if (this.options.limitOf(partition) > limit) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(this.running && this.options.limitOf(partition) > limit);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(this.options.limitOf(partition) > limit);
      }, LIMIT_WAIT_MS);
      this.waiters.add(wake);
    });
  }
}

/**
 * Kafka timestamps of single messages (`offsets` per partition), e.g. the newest message
 * before a replay's read start. Partitions whose message is gone are left out.
 */
export async function readTimestamps(
  kafka: Kafka,
  topic: string,
  groupId: string,
  offsets: Map<number, bigint>,
  log: Logger,
  timeoutMs = 60_000,
): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (offsets.size === 0) return found;
  const reader = new TopicReader({
    kafka,
    topic,
    groupId,
    starts: offsets,
    limitOf: (partition) => (offsets.get(partition) ?? 0n) + 1n,
    onChunk: async (partition, messages) => {
      const message = messages[0];
      if (message && BigInt(message.offset) === offsets.get(partition)) found.set(partition, Number(message.timestamp));
    },
    logStartOf: async () => 0n,
    log,
  });
  await reader.start();
  const deadline = Date.now() + timeoutMs;
  while (found.size < offsets.size && Date.now() < deadline && !reader.failed()) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await reader.stop();
  if (found.size < offsets.size)
    throw new Error(`could not read the messages at ${[...offsets].map(([p, o]) => `${p}:${o}`).join(', ')}`);
  return found;
}
