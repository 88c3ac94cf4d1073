// Applying one chunk of a batch: decode, dead-letter the invalid, apply the rest to the Postgres
// rollups in one transaction (lib/queries/ingest/apply-sales-batch.ts), count it in the metrics,
// then resolve and commit its offsets.
import type { Batch, EachBatchPayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { decodeSaleEvent } from '@/lib/domain/sales-event';
import { type DeadLetterCopy, deadLetterBatches } from '@/lib/ingest/dead-letter-batches';
import {
  type AcceptedMessage,
  applySalesBatch,
  type BatchOutcome,
  KnownDimensions,
  type RejectedMessage,
} from '@/lib/queries/ingest/apply-sales-batch';
import { rejectionOf } from '@/lib/queries/ingest/record-dead-letters';
import type { ConsumerContext, OffsetRange } from './context';
import type { ProcessingState } from './processing';

export interface SalesConsumerStats {
  counted: number;
  duplicates: number;
  rejected: number;
  alreadyApplied: number;
  batches: number;
}

export interface ChunkSettings {
  /** Id of the cluster the consumer talks to; stored with every offset. */
  clusterId: string;
  /** Where rejected messages are copied. */
  dlqTopic: string;
  /** Currency the rollups are kept in (REPORTING_CURRENCY). */
  reportingCurrency: string;
  /** How often to heartbeat while a chunk is applied. */
  heartbeatInterval: number;
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

export class ChunkApplier {
  readonly stats: SalesConsumerStats = { counted: 0, duplicates: 0, rejected: 0, alreadyApplied: 0, batches: 0 };
  private readonly known = new KnownDimensions();
  /**
   * Highest offset per partition whose dead letter this process has published. A chunk that
   * failed after publishing is fetched again; its dead letters are not sent a second time.
   */
  private readonly dlqPublished = new Map<number, bigint>();

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly producer: Producer,
    private readonly processing: ProcessingState,
    private readonly settings: ChunkSettings,
  ) {}

  /** A (re)join: partitions may have moved, their dead letters are this process's no longer. */
  reset(): void {
    this.dlqPublished.clear();
  }

  /**
   * Apply `chunk` (the messages of `range`), then resolve and commit its offsets. False if it
   * failed: it is not resolved, and kafkajs fetches it again once the retry delay is over.
   */
  async applyAndCommit(
    batch: Batch,
    chunk: KafkaMessage[],
    range: OffsetRange,
    { resolveOffset, heartbeat, isRunning }: Pick<EachBatchPayload, 'resolveOffset' | 'heartbeat' | 'isRunning'>,
  ): Promise<boolean> {
    const { consumer, log, metrics } = this.ctx;
    const { topic, partition } = range;
    const started = performance.now();
    // Heartbeat while the chunk is applied: a slow transaction (a loaded machine, a big
    // backlog) must not cost the partitions; rebalance errors surface at the heartbeat below.
    const beating = setInterval(() => heartbeat().catch(() => undefined), this.settings.heartbeatInterval);
    let applied: Awaited<ReturnType<ChunkApplier['apply']>>;
    try {
      applied = await this.apply(batch, chunk, BigInt(range.lastOffset));
    } catch (err) {
      await this.processing.retryLater(range, err, heartbeat, isRunning);
      return false;
    } finally {
      clearInterval(beating);
    }
    const { outcome, rejected, commitSeconds } = applied;
    const seconds = (performance.now() - started) / 1000;
    this.processing.succeeded(range);
    this.record(batch, chunk, outcome, rejected);
    metrics.batchDuration.observe({ topic }, seconds);
    metrics.commitDuration.observe({ topic }, commitSeconds);
    metrics.lag.set(
      { topic, partition: String(partition) },
      Number(BigInt(batch.highWatermark) - BigInt(range.lastOffset) - 1n),
    );
    resolveOffset(range.lastOffset);
    // Informative only (monitoring tools read it); Postgres holds the real position.
    await consumer
      .commitOffsets([{ topic, partition, offset: String(BigInt(range.lastOffset) + 1n) }])
      .catch((err: unknown) => log.warn({ ...range, err }, 'informative Kafka offset commit failed'));
    log.debug(
      { ...range, ...outcome, ms: Math.round(seconds * 1000), commitMs: Math.round(commitSeconds * 1000) },
      'batch committed',
    );
    await heartbeat();
    return true;
  }

  /** `through`: the last offset the chunk accounts for (trailing transaction markers included). */
  private async apply(
    batch: Batch,
    messages: KafkaMessage[],
    through: bigint,
  ): Promise<{ outcome: BatchOutcome; rejected: RejectedMessage[]; commitSeconds: number }> {
    const { prisma, log } = this.ctx;
    const accepted: AcceptedMessage[] = [];
    const rejected: RejectedMessage[] = [];
    const dlq: DeadLetterCopy[] = [];
    let lastMessageAt = 0;
    for (const message of messages) {
      const offset = BigInt(message.offset);
      lastMessageAt = Math.max(lastMessageAt, Number(message.timestamp));
      const result = decodeSaleEvent(message.value, this.settings.reportingCurrency);
      if (result.ok) {
        accepted.push({ offset, event: result.event });
        continue;
      }
      const entry = rejectionOf(message, result.reason, result.detail);
      rejected.push(entry);
      if (offset <= (this.dlqPublished.get(batch.partition) ?? -1n)) continue; // published before a failed attempt
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
      // In order, in requests the broker accepts (lib/ingest/dead-letter-batches.ts).
      for (const messages of deadLetterBatches(dlq)) {
        await this.producer.send({ topic: this.settings.dlqTopic, messages });
      }
      this.dlqPublished.set(batch.partition, BigInt(last.offset));
    }

    const started = performance.now();
    const outcome = await applySalesBatch(
      prisma,
      {
        clusterId: this.settings.clusterId,
        topic: batch.topic,
        partition: batch.partition,
        lastOffset: through,
        lastMessageAt: new Date(lastMessageAt),
        highWatermark: BigInt(batch.highWatermark),
        accepted,
        rejected,
      },
      this.known,
    );
    return { outcome, rejected, commitSeconds: (performance.now() - started) / 1000 };
  }

  /** Counters of one committed chunk. Messages below the stored offset were counted before. */
  private record(batch: Batch, chunk: KafkaMessage[], outcome: BatchOutcome, rejected: RejectedMessage[]): void {
    const { metrics } = this.ctx;
    const { stats } = this;
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
}
