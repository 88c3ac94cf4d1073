// Rolls the facts the consumer writes up into the hour and day rollups, in the background
// (lib/queries/facts/roll-pending.ts): checked every ROLL_EVERY_MS, rolled once enough facts
// wait or a while has passed, and at once again while a round leaves facts waiting. Every
// worker runs one; they skip the partitions another is rolling.
import type { PrismaClient } from '@prisma/client';
import type { Logger } from '@/lib/logger';
import { workerMetrics } from '@/lib/metrics';
import { rollPending } from '@/lib/queries/facts/roll-pending';

const ROLL_EVERY_MS = 250;
/**
 * A round rolls once this many facts wait, or once ROLL_MAX_WAIT_MS passed since the last
 * round whatever waits. A roll's cost per fact falls steeply with its size (each hour and day
 * cell is written once per roll that has sales in it): 100,000 facts of a 30-day backfill roll
 * at 5,200 facts/s in rolls of 1,000 and 12,000 in rolls of 40,000. Queries are exact either
 * way (they add the facts not rolled up yet), so waiting costs them only the extra facts read.
 */
const ROLL_MIN_FACTS = 20_000;
const ROLL_MAX_WAIT_MS = 2_000;

export interface Roller {
  /**
   * Whether the last round left facts waiting beyond what one round takes (a backfill, a
   * catch-up): background work that can wait (compaction) then does, leaving the machine to
   * the roll.
   */
  behind(): boolean;
  /** Stops the timer and waits for the round in flight. */
  stop(): Promise<void>;
}

/** `concurrency`: WORKER_ROLL_CONCURRENCY, transactions rolling at once (each its share of the tables). */
export function startRoller(prisma: PrismaClient, topic: string, log: Logger, concurrency: number): Roller {
  const metrics = workerMetrics();
  let stopping = false;
  let round: Promise<void> | null = null;
  let lastRound = performance.now();
  let behind = false;
  const roll = async () => {
    try {
      for (;;) {
        const started = performance.now();
        const minFacts = started - lastRound >= ROLL_MAX_WAIT_MS ? 0 : ROLL_MIN_FACTS;
        const { facts, more } = await rollPending(prisma, topic, { concurrency, minFacts });
        if (facts > 0 || minFacts === 0) lastRound = performance.now();
        behind = more;
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
    behind: () => behind,
    async stop() {
      stopping = true;
      clearInterval(timer);
      await round;
    },
  };
}
