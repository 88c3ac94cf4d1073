// The webhook deliverer of the actions worker (README "Webhooks"): POSTs every pending delivery
// (one per hook and action, written by enqueueActions with the action) to its hook, signed, and
// retries failures with exponential backoff until WEBHOOK_MAX_ATTEMPTS; every try is logged in
// webhook_attempt. Any number of actions workers may run it: a delivery is claimed and leased
// by one of them (lib/queries/actions/webhook-deliveries.ts), so a delivered action is POSTed
// once; only a worker dying mid-POST makes another try again after the lease, which is why
// receivers dedupe on x-pulse-action-id.
//
// Up to `concurrency` POSTs are in flight; as one ends, the next due delivery is claimed, so a
// slow or dead hook holds one slot per delivery (at most its timeout), never the whole batch.
import type { PrismaClient } from '@prisma/client';
import { type BackoffSettings, nextStep } from '@/lib/domain/webhooks';
import type { Env } from '@/lib/env';
import type { Logger } from '@/lib/logger';
import { pruneOutbox } from '@/lib/queries/actions/outbox';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  failAbandonedDeliveries,
  pruneWebhookDeliveries,
  recordDelivered,
  recordFailed,
} from '@/lib/queries/actions/webhook-deliveries';
import { postWebhook } from '@/lib/webhook-post';

export interface WebhookSettings {
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** POSTs in flight at once (per process). */
  concurrency: number;
  /** How often due deliveries are looked for (besides wake()). */
  pollMs: number;
  /** Finished deliveries older than this are pruned from the delivery log (unset: never). */
  logRetentionMs?: number;
}

/** The settings from the environment (lib/env.ts, WEBHOOK_*). */
export function webhookSettings(config: Env): WebhookSettings {
  return {
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
    backoffMaxMs: config.WEBHOOK_BACKOFF_MAX_MS,
    concurrency: config.WEBHOOK_CONCURRENCY,
    pollMs: config.WEBHOOK_POLL_MS,
    logRetentionMs: config.WEBHOOK_LOG_RETENTION_DAYS * 86_400_000,
  };
}

/**
 * How long a claimed delivery stays with its process: twice the request's timeout plus a
 * margin for the database writes around it. Shorter would let a second process POST while the
 * first still waits for its answer.
 */
export const leaseMs = (settings: Pick<WebhookSettings, 'timeoutMs'>) => 2 * settings.timeoutMs + 10_000;

/** How often the delivery log is pruned (WEBHOOK_LOG_RETENTION_DAYS). */
const PRUNE_EVERY_MS = 10 * 60_000;

export interface WebhookStats {
  /** Tries started. */
  attempts: number;
  delivered: number;
  /** Failed tries that will be retried. */
  retries: number;
  /** Deliveries given up (attempts exhausted, or interrupted on the last one). */
  failed: number;
  /** Claims or writes that failed (database trouble); the lease brings the delivery back. */
  errors: number;
  inFlight: number;
}

export interface WebhookDeliverer {
  /** Look for due deliveries now (call on a new-action notice). */
  wake(): void;
  /** Stop claiming, wait for the POSTs in flight (each ends within its timeout). */
  stop(): Promise<void>;
  readonly stats: WebhookStats;
}

export interface WebhookDelivererOptions {
  prisma: PrismaClient;
  log: Logger;
  settings: WebhookSettings;
  /** For tests: the jitter's random source. */
  random?: () => number;
}

export function startWebhookDeliverer({
  prisma,
  log,
  settings,
  random = Math.random,
}: WebhookDelivererOptions): WebhookDeliverer {
  const stats: WebhookStats = { attempts: 0, delivered: 0, retries: 0, failed: 0, errors: 0, inFlight: 0 };
  const backoff: BackoffSettings = { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs };
  const lease = leaseMs(settings);
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let pumping = false;
  let again = false;

  async function deliver(d: ClaimedDelivery): Promise<void> {
    stats.attempts++;
    const { outcome, durationMs } = await postWebhook(
      { url: d.url, secret: d.secret, actionId: d.actionId, actionType: d.actionType, body: d.body },
      settings.timeoutMs,
    );
    const record = {
      deliveryId: d.id,
      attempt: d.attempt,
      status: outcome.status,
      error: outcome.ok ? null : outcome.error,
      durationMs,
    };
    try {
      if (outcome.ok) {
        await recordDelivered(prisma, record);
        stats.delivered++;
        return;
      }
      const step = nextStep(d.attempt, settings.maxAttempts, backoff, random);
      await recordFailed(prisma, record, step.giveUp ? null : step.delayMs);
      if (step.giveUp) {
        stats.failed++;
        log.warn(
          { webhookId: String(d.webhookId), actionId: d.actionId, attempts: d.attempt, error: outcome.error },
          'webhook delivery failed for good',
        );
      } else {
        stats.retries++;
        log.debug(
          { webhookId: String(d.webhookId), actionId: d.actionId, attempt: d.attempt, retryInMs: step.delayMs },
          'webhook delivery failed; retrying',
        );
      }
    } catch (err) {
      stats.errors++;
      log.warn({ err, deliveryId: String(d.id) }, 'could not record a webhook attempt; retried after the lease');
    }
  }

  function start(d: ClaimedDelivery): void {
    const running: Promise<void> = deliver(d).finally(() => {
      inFlight.delete(running);
      stats.inFlight = inFlight.size;
      void pump();
    });
    inFlight.add(running);
    stats.inFlight = inFlight.size;
  }

  /** Claims due deliveries while slots are free; one pump at a time (a call meanwhile runs it again). */
  async function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (!stopped && inFlight.size < settings.concurrency) {
          const claimed = await claimDueDeliveries(
            prisma,
            settings.concurrency - inFlight.size,
            lease,
            settings.maxAttempts,
          );
          for (const d of claimed) start(d);
          if (claimed.length === 0) break;
        }
      } while (again && !stopped);
    } catch (err) {
      stats.errors++;
      log.warn({ err }, 'claiming webhook deliveries failed; trying again on the next tick');
    } finally {
      pumping = false;
    }
  }

  async function tick(): Promise<void> {
    try {
      const abandoned = await failAbandonedDeliveries(prisma, settings.maxAttempts);
      if (abandoned > 0) {
        stats.failed += abandoned;
        log.warn({ abandoned }, 'webhook deliveries interrupted on their last attempt marked failed');
      }
    } catch (err) {
      stats.errors++;
      log.warn({ err }, 'checking for interrupted webhook deliveries failed');
    }
    await pump();
  }

  async function prune(retentionMs: number): Promise<void> {
    try {
      const pruned = await pruneWebhookDeliveries(prisma, retentionMs);
      if (pruned > 0) log.info({ pruned }, 'pruned finished webhook deliveries from the delivery log');
      // Then the published actions those deliveries were the last to need.
      const outbox = await pruneOutbox(prisma, retentionMs);
      if (outbox > 0) log.info({ outbox }, 'pruned published actions from the outbox');
    } catch (err) {
      log.warn({ err }, 'pruning the webhook delivery log failed');
    }
  }

  const timer = setInterval(() => void tick(), settings.pollMs);
  timer.unref();
  void tick();
  const retentionMs = settings.logRetentionMs;
  const pruneTimer = retentionMs === undefined ? null : setInterval(() => void prune(retentionMs), PRUNE_EVERY_MS);
  pruneTimer?.unref();

  return {
    stats,
    wake: () => {
      if (!stopped) void pump();
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      if (pruneTimer) clearInterval(pruneTimer);
      while (pumping || inFlight.size > 0) {
        await Promise.allSettled([...inFlight]);
        if (pumping) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}
