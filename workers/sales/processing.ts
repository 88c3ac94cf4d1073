// Per-partition processing state: whether the latest attempt to apply a chunk failed, and the
// back-off before the same offsets are fetched again.
import { type Check, errorMessage } from '@/lib/ops-http';
import type { ConsumerContext, OffsetRange } from './context';
import type { StoppedPartition } from './undecodable-stops';

/** Retry a failed chunk after 0.5 s, 1 s, 2 s, … up to 30 s (±20 %). */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export class ProcessingState {
  /** Set while the latest attempt to apply a chunk failed; cleared by the next success. */
  private failing: { since: number; attempts: number; error: string } | null = null;
  /** Consecutive failures per partition, for the retry delay. */
  private readonly attempts = new Map<number, number>();

  constructor(private readonly ctx: Pick<ConsumerContext, 'log' | 'metrics'>) {}

  /** Failures were about partitions we may no longer hold; the next batch tells anew. */
  reset(): void {
    this.failing = null;
    this.attempts.clear();
  }

  /**
   * A chunk failed (typically: the database is unreachable). Wait, heartbeating so the group
   * keeps our partitions, then return without resolving: kafkajs fetches the same offsets
   * again. Nothing was committed, so nothing is lost or doubled.
   */
  async retryLater(
    where: OffsetRange,
    err: unknown,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    const { failing } = this;
    const attempt = (this.attempts.get(where.partition) ?? 0) + 1;
    this.attempts.set(where.partition, attempt);
    this.failing = {
      since: failing?.since ?? Date.now(),
      attempts: (failing?.attempts ?? 0) + 1,
      error: errorMessage(err),
    };
    this.ctx.metrics.batchFailures.inc({ topic: where.topic });
    const delay = retryDelayMs(attempt);
    this.ctx.log.warn({ ...where, err, attempt, retryInMs: delay }, 'batch failed; retrying from the same offset');
    const until = Date.now() + delay;
    while (isRunning() && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, until - Date.now())));
      await heartbeat();
    }
  }

  /** A chunk of `range` was applied: the partition (and, if it was failing, the worker) recovered. */
  succeeded(range: OffsetRange): void {
    if (this.failing)
      this.ctx.log.info({ ...range, failedAttempts: this.failing.attempts }, 'batches are being applied again');
    this.failing = null;
    this.attempts.delete(range.partition);
  }

  /**
   * Ok unless the latest attempt to apply a chunk failed (it is being retried) or a partition is
   * stopped at an undecodable batch (`stopped`).
   */
  check(stopped: StoppedPartition[]): Check {
    const { failing } = this;
    const first = stopped[0];
    if (first) {
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
}
