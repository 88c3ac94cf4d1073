// An idle shop is not a stale dashboard: after a fetch (at most every 5 s), record that the
// counted data is complete as of now for each partition whose stored position has reached
// its high watermark, so "as of" keeps moving while no sales happen and stops only when the
// pipeline does. (kafkajs reports numberOfBatches 0 on every fetch: the query decides.)
import { markCaughtUp } from '@/lib/queries/ingest/mark-caught-up';
import type { ConsumerContext } from './context';

const CAUGHT_UP_EVERY_MS = 5000;

export class CaughtUpMarker {
  private lastMarkedAt = 0;

  constructor(private readonly ctx: Pick<ConsumerContext, 'topic' | 'prisma' | 'log'>) {}

  /** After a fetch: `flowing` are the held partitions not stopped at an undecodable batch. */
  afterFetch(flowing: number[], now: number): void {
    // A stopped partition is not caught up: its "as of" must age on the dashboard.
    if (flowing.length === 0 || now - this.lastMarkedAt < CAUGHT_UP_EVERY_MS) return;
    this.lastMarkedAt = now;
    const { prisma, topic, log } = this.ctx;
    markCaughtUp(prisma, topic, flowing).catch((err: unknown) => log.warn({ err }, 'recording caught-up failed'));
  }
}
