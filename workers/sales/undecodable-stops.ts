// Partitions stopped in front of a record batch no codec can decode, and how they resume once
// an operator skipped it (workers/skip.ts).
import os from 'node:os';
import type { KafkaMessage } from 'kafkajs';
import { type UndecodableBatch, undecodableBatch } from '@/lib/ingest/undecodable-batch';
import { clearBlockedPartition, recordBlockedPartition } from '@/lib/queries/ingest/blocked-partitions';
import { getStoredOffset } from '@/lib/queries/ingest/get-stored-offset';
import type { ConsumerContext } from './context';

/** How often a partition stopped at an undecodable batch looks whether an operator skipped it. */
const BLOCKED_POLL_MS = 2000;

/** A stopped partition as /readyz reports it. */
export interface StoppedPartition {
  partition: number;
  offset: string;
  batchOffsets: string;
  reason: string;
  sinceMs: number;
  skip: string;
}

function skipCommand(partition: number, batch: UndecodableBatch): string {
  return `npm run worker -- skip --partition ${partition} --to-offset ${batch.lastOffset + 1n}`;
}

export class UndecodableStops {
  /**
   * Partitions paused in front of a record batch that cannot be decoded, with the stored
   * position they stopped at. They stay paused until an operator's skip moves that position
   * (workers/skip.ts); the other partitions flow on.
   */
  private readonly blocked = new Map<number, { at: bigint; batch: UndecodableBatch; since: number }>();
  private readonly workerName = `${os.hostname()}:${process.pid}`;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ConsumerContext) {}

  has(partition: number): boolean {
    return this.blocked.has(partition);
  }

  stopped(): StoppedPartition[] {
    return [...this.blocked].map(([partition, b]) => ({
      partition,
      offset: b.at.toString(),
      batchOffsets: `${b.batch.firstOffset}–${b.batch.lastOffset}`,
      reason: b.batch.reason,
      sinceMs: Date.now() - b.since,
      skip: skipCommand(partition, b.batch),
    }));
  }

  /**
   * Paused partitions stay paused across rebalances in kafkajs: let go of them. Whoever owns
   * a partition now meets its undecodable batch again and stops there itself.
   */
  releaseAll(): void {
    const { consumer, topic, metrics } = this.ctx;
    if (this.blocked.size > 0) consumer.resume([{ topic, partitions: [...this.blocked.keys()] }]);
    this.blocked.clear();
    metrics.blockedPartitions.set({ topic }, 0);
  }

  /**
   * Pause a partition in front of a batch no codec can decode. Retrying cannot help (the same
   * bytes come back on every fetch) and passing it silently would lose sales: an operator
   * looks and decides (README "Undecodable batches").
   */
  async stop(partition: number, message: KafkaMessage): Promise<void> {
    const { consumer, topic, prisma, metrics, log } = this.ctx;
    const batch = undecodableBatch(message) as UndecodableBatch;
    const at = (await getStoredOffset(prisma, topic, partition))?.nextOffset ?? 0n;
    consumer.pause([{ topic, partitions: [partition] }]);
    this.blocked.set(partition, { at, batch, since: Date.now() });
    metrics.undecodableBatches.inc({ topic, partition: String(partition) });
    metrics.blockedPartitions.set({ topic }, this.blocked.size);
    log.error(
      {
        topic,
        partition,
        offset: at.toString(),
        batchOffsets: `${batch.firstOffset}–${batch.lastOffset}`,
        bytes: batch.bytes.length,
        reason: batch.reason,
        skip: skipCommand(partition, batch),
      },
      'undecodable record batch: partition stopped until an operator skips it; other partitions go on',
    );
    await recordBlockedPartition(prisma, topic, partition, at, batch, this.workerName).catch((err: unknown) =>
      log.warn({ err, partition }, 'recording the blocked partition failed (the skip command needs it)'),
    );
  }

  /** A skip moves the stored position of a stopped partition: read on from there. */
  watchForSkips(): void {
    this.timer = setInterval(() => this.resumeSkipped(), BLOCKED_POLL_MS);
    this.timer.unref();
  }

  unwatch(): void {
    clearInterval(this.timer);
  }

  private resumeSkipped(): void {
    const { consumer, topic, prisma, metrics, log } = this.ctx;
    for (const [partition, b] of this.blocked) {
      getStoredOffset(prisma, topic, partition)
        .then(async (stored) => {
          const next = stored?.nextOffset ?? 0n;
          if (next === b.at || this.blocked.get(partition) !== b) return;
          this.blocked.delete(partition);
          metrics.blockedPartitions.set({ topic }, this.blocked.size);
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
  }
}
