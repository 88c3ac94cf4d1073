// Actions worker process (`npm run worker -- actions`, README "Actions contract"): evaluates the
// alert rules and suggestions into condition episodes (workers/actions/evaluate.ts) and
// publishes the transactional outbox to ACTIONS_TOPIC (workers/actions/publisher.ts). A process
// of its own: its reads of stock, demand and sales windows never share the sales worker's event
// loop or connections. Any number may run: an advisory lock lets one evaluate (and one publish)
// at a time, the others skip that turn.
import type { PrismaClient } from '@prisma/client';
import pg from 'pg';
import { ALERTS_UPDATED_CHANNEL } from '@/lib/contract/actions';
import { INVENTORY_UPDATED_CHANNEL, SALES_UPDATED_CHANNEL } from '@/lib/contract/live-channel';
import { db } from '@/lib/db';
import type { Env } from '@/lib/env';
import { actionsTopics } from '@/lib/ingest/kafka';
import type { Logger } from '@/lib/logger';
import { errorMessage } from '@/lib/ops-http';
import { runWorkerProcess } from '../process-frame';
import { evaluateActions, evaluatorSettings } from './evaluate';
import { publishOutbox } from './publisher';
import { startWebhookDeliverer, webhookSettings } from './webhooks';

/** Re-read pairs changed this long before the previous pass started (database clock): transactions in flight then. */
const CHANGED_OVERLAP_MS = 5000;
/** The publisher also polls (a notice lost with a dropped LISTEN connection). */
const PUBLISH_POLL_MS = 2000;

interface ActionsStats {
  passes: number;
  fullPasses: number;
  skippedPasses: number;
  lastPassMs: number;
  lastPairs: number;
  opened: number;
  cleared: number;
  published: number;
}

/** A task run one at a time: asked for while running, it runs once more afterwards. */
function singleFlight(task: () => Promise<void>): { run: () => void; idle: () => Promise<void> } {
  let current: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      await task();
    } while (again);
  };
  return {
    run: () => {
      if (current) {
        again = true;
        return;
      }
      current = loop().finally(() => {
        current = null;
      });
    },
    idle: async () => {
      again = false;
      await current;
    },
  };
}

/** A signature of the rules (alert and inventory): a change makes the next pass a full sweep. */
async function rulesSignature(prisma: PrismaClient): Promise<string> {
  const [row] = await prisma.$queryRaw<{ sig: string }[]>`
    SELECT concat_ws('|', (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM alert_rule WHERE enabled),
      (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM inventory_rule)) AS sig`;
  return row?.sig ?? '';
}

/**
 * The evaluation schedule: the first pass and one every ACTIONS_FULL_SWEEP_MS, at each new hour
 * (demand figures move hourly) and after a rule change read every pair; the others read only
 * the pairs changed since the previous pass. An anomaly rule is evaluated when its closed window
 * moved on (or in a full sweep).
 */
function createEvaluator(config: Env, prisma: PrismaClient, log: Logger, stats: ActionsStats) {
  const settings = evaluatorSettings(config);
  let lastFullAt = 0;
  let lastFullHour = -1;
  let lastPassAt: number | null = null;
  let lastPassDbAt: Date | null = null;
  let lastRules = '';
  const windowEnds = new Map<bigint, number>();
  let failure: string | null = null;
  const pass = async () => {
    const now = Date.now();
    try {
      const rules = await rulesSignature(prisma);
      const hour = Math.floor(now / 3_600_000);
      const full =
        lastPassAt === null ||
        now - lastFullAt >= config.ACTIONS_FULL_SWEEP_MS ||
        hour !== lastFullHour ||
        rules !== lastRules;
      const r = await evaluateActions(prisma, settings, {
        now: new Date(now),
        changedSince: full || lastPassDbAt === null ? null : new Date(lastPassDbAt.getTime() - CHANGED_OVERLAP_MS),
        anomalyRule: (rule, windowEnd) => full || windowEnds.get(rule.id) !== windowEnd,
      });
      failure = null;
      if (!r.ran) {
        stats.skippedPasses += 1;
        return;
      }
      lastPassAt = now;
      lastPassDbAt = r.startedAt;
      if (full) {
        lastFullAt = now;
        lastFullHour = hour;
        lastRules = rules;
      }
      for (const a of r.anomalyRules) windowEnds.set(a.id, a.windowEnd);
      stats.passes += 1;
      if (full) stats.fullPasses += 1;
      stats.lastPassMs = r.ms;
      stats.lastPairs = r.pairs;
      stats.opened += r.opened;
      stats.cleared += r.cleared;
      if (full || r.opened + r.cleared > 0) {
        log.info(
          { full, pairs: r.pairs, anomalyRules: r.anomalyRules.length, opened: r.opened, cleared: r.cleared, ms: r.ms },
          'actions evaluated',
        );
      }
    } catch (err) {
      failure = errorMessage(err);
      log.warn({ err }, 'actions evaluation failed');
    }
  };
  return { ...singleFlight(pass), failure: () => failure };
}

/** LISTEN for sales, inventory and action commits; reconnects with backoff when the connection drops. */
function listen(
  databaseUrl: string,
  log: Logger,
  onChange: (channel: string) => void,
  closed: () => boolean,
  attempt = 0,
): void {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'pulse-actions-worker' });
  const retry = (err: unknown) => {
    if (closed()) return;
    const delay = Math.min(30_000, 500 * 2 ** attempt);
    log.warn({ err, delay }, 'actions: LISTEN connection lost, reconnecting');
    client.removeAllListeners();
    client.end().catch(() => undefined);
    setTimeout(() => listen(databaseUrl, log, onChange, closed, attempt + 1), delay).unref();
  };
  client.on('error', retry);
  client.on('notification', (msg) => onChange(msg.channel));
  client
    .connect()
    .then(async () => {
      for (const channel of [SALES_UPDATED_CHANNEL, INVENTORY_UPDATED_CHANNEL, ALERTS_UPDATED_CHANNEL]) {
        await client.query(`LISTEN ${channel}`);
      }
      log.info('actions: listening for sales, inventory and action commits');
      if (closed()) await client.end();
    })
    .catch(retry);
}

export function actionsMain(): Promise<void> {
  return runWorkerProcess({
    component: 'actions-worker',
    clientIdSuffix: '-actions',
    topics: (config) => actionsTopics(config),
    stoppedMessage: 'actions worker stopped',
    statsMessage: 'actions worker stats',
    start: async ({ config, log, producer, kafkaTrouble, stopping, every }) => {
      const prisma = db();
      const stats: ActionsStats = {
        passes: 0,
        fullPasses: 0,
        skippedPasses: 0,
        lastPassMs: 0,
        lastPairs: 0,
        opened: 0,
        cleared: 0,
        published: 0,
      };
      const evaluator = createEvaluator(config, prisma, log, stats);

      let publishFailure: string | null = null;
      const publisher = singleFlight(async () => {
        try {
          const r = await publishOutbox(prisma, producer, config.ACTIONS_TOPIC, config.ACTIONS_PUBLISH_BATCH, stopping);
          stats.published += r.published;
          publishFailure = null;
          if (r.published > 0) log.debug({ published: r.published }, 'actions published');
        } catch (err) {
          publishFailure = errorMessage(err);
          log.warn({ err }, 'publishing actions failed');
        }
      });

      // Webhooks (workers/actions/webhooks.ts): due webhook_delivery rows, claimed and POSTed
      // signed; it also looks every second, a new-action notice only wakes it sooner.
      const webhooks = startWebhookDeliverer({ prisma, log, settings: webhookSettings(config) });

      // Woken by commits (debounced: one pass per ACTIONS_DEBOUNCE_MS at most) and by a timer.
      let debounce: NodeJS.Timeout | null = null;
      const onChange = (channel: string) => {
        if (channel === ALERTS_UPDATED_CHANNEL) {
          publisher.run();
          webhooks.wake();
          return;
        }
        if (debounce) return;
        debounce = setTimeout(() => {
          debounce = null;
          if (!stopping()) evaluator.run();
        }, config.ACTIONS_DEBOUNCE_MS);
        debounce.unref();
      };
      listen(config.DATABASE_URL, log, onChange, stopping);
      every(config.ACTIONS_EVALUATE_MS, 0, () => stopping() || evaluator.run());
      every(PUBLISH_POLL_MS, 0, () => stopping() || publisher.run());
      log.info({ topic: config.ACTIONS_TOPIC }, 'actions worker started');

      return {
        kafkaCheck: () => {
          if (publishFailure === null) return { ok: true };
          const trouble = kafkaTrouble();
          return { ok: false, error: `publishing: ${publishFailure}`, ...(trouble ? { broker: trouble.message } : {}) };
        },
        processingCheck: () => {
          const failure = evaluator.failure();
          return failure === null ? { ok: true } : { ok: false, error: `evaluating: ${failure}` };
        },
        stop: async () => {
          if (debounce) clearTimeout(debounce);
          // The pass in flight commits or rolls back as a whole; the publish finishes its batch.
          await evaluator.idle();
          await publisher.idle();
          await webhooks.stop();
        },
        stats: () => ({ ...stats, webhooks: { ...webhooks.stats } }),
        statsLine: () =>
          stats.passes > 0 || webhooks.stats.attempts > 0 ? { ...stats, webhooks: { ...webhooks.stats } } : null,
      };
    },
  });
}
