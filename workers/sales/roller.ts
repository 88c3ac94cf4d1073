// Rolls the facts the consumer writes up into the hour and day rollups, in the background
// (lib/queries/facts/roll-pending.ts): every ROLL_EVERY_MS, and at once again while a round
// leaves facts waiting. Every worker runs one; they skip the partitions another is rolling.
import type { PrismaClient } from '@prisma/client';
import type { Logger } from '@/lib/logger';
import { workerMetrics } from '@/lib/metrics';
import { rollPending } from '@/lib/queries/facts/roll-pending';

const ROLL_EVERY_MS = 250;

export interface Roller {
  /** Stops the timer and waits for the round in flight. */
  stop(): Promise<void>;
}

/** `concurrency`: WORKER_ROLL_CONCURRENCY, partitions rolled at once. */
export function startRoller(prisma: PrismaClient, topic: string, log: Logger, concurrency: number): Roller {
  const metrics = workerMetrics();
  let stopping = false;
  let round: Promise<void> | null = null;
  const roll = async () => {
    try {
      for (;;) {
        const started = performance.now();
        const { facts, more } = await rollPending(prisma, topic, { concurrency });
        if (facts > 0) {
          metrics.factsRolled.inc({ topic }, facts);
          metrics.rollDuration.observe({ topic }, (performance.now() - started) / 1000);
          log.debug({ topic, facts, ms: Math.round(performance.now() - started) }, 'rolled up facts');
        }
        if (!more || stopping) return;
      }
    } catch (err) {
      // Nothing is lost: the facts stay pending (and counted by queries) until a round succeeds.
      log.warn({ err }, 'rolling up facts failed; retrying');
    }
  };
  const timer = setInterval(() => {
    if (round || stopping) return;
    round = roll().finally(() => {
      round = null;
    });
  }, ROLL_EVERY_MS);
  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      await round;
    },
  };
}
