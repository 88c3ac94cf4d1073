// Worker process: consumes the sales topic into the Postgres rollups. Run as many as you
// like with the same WORKER_GROUP_ID; Kafka spreads the partitions across them.
// `npm run worker -- inventory` runs the inventory worker instead (workers/inventory/main.ts),
// a process of its own so that stock keeping never slows sales ingest; `npm run worker -- actions`
// the actions worker (workers/actions/main.ts: alerts, suggestions, retail.actions.v1).
// The process frame (ops endpoint, shutdown, timers) is workers/process-frame.ts.
import { db } from '@/lib/db';
import { salesTopics } from '@/lib/ingest/kafka';
import { logger } from '@/lib/logger';
import { compactRollups } from '@/lib/queries/ingest/compact-rollups';
import { pruneProcessedEvents } from '@/lib/queries/ingest/prune-processed-events';
import { JIT_ON_WARNING, jitIsOn } from '@/lib/queries/ping-database';
import { actionsMain } from './actions/main';
import { inventoryMain } from './inventory/main';
import { runWorkerProcess } from './process-frame';
import { type SalesConsumer, startSalesConsumer } from './sales/consumer';
import { type Roller, startRoller } from './sales/roller';
import { skipMain } from './skip';

const STATS_EVERY_MS = 10_000;
const PRUNE_EVERY_MS = 5 * 60_000;
const COMPACT_EVERY_MS = 60_000;

function main(): Promise<void> {
  return runWorkerProcess({
    component: 'worker',
    clientIdSuffix: '-worker',
    topics: (config) => salesTopics(config),
    stoppedMessage: 'worker stopped',
    statsMessage: 'worker stats',
    start: async ({ config, log, kafka, clusterId, producer, kafkaTrouble, stopping, shutdown, every }) => {
      const consumer: SalesConsumer = await startSalesConsumer({
        kafka,
        clusterId,
        producer,
        prisma: db(),
        log,
        settings: {
          topic: config.SALES_TOPIC,
          dlqTopic: config.SALES_DLQ_TOPIC,
          groupId: config.WORKER_GROUP_ID,
          sessionTimeoutMs: config.WORKER_SESSION_TIMEOUT_MS,
          reportingCurrency: config.REPORTING_CURRENCY,
        },
        // A consumer kafkajs will not restart leaves a process that consumes nothing: exit and
        // let the supervisor start a fresh one (the batch in flight is redelivered, applied once).
        onFatal: () => shutdown('consumer crash', 1),
        kafkaTrouble,
      });
      const roller: Roller = startRoller(db(), config.SALES_TOPIC, log, config.WORKER_ROLL_CONCURRENCY);
      log.info({ topic: config.SALES_TOPIC, groupId: config.WORKER_GROUP_ID }, 'worker started');
      if (await jitIsOn(db()).catch(() => false)) log.warn(JIT_ON_WARNING);

      // Duplicate-filter retention: ids older than DEDUP_RETENTION_DAYS are forgotten in small
      // batches (every worker may prune; SKIP LOCKED keeps them out of each other's way).
      const pruneIds = () =>
        pruneProcessedEvents(db(), config.DEDUP_RETENTION_DAYS * 86_400_000, { shouldStop: stopping })
          .then((deleted) => deleted > 0 && log.info({ deleted }, 'pruned processed event ids past retention'))
          .catch((err: unknown) => log.warn({ err }, 'pruning processed event ids failed'));
      every(PRUNE_EVERY_MS, 30_000, pruneIds);

      // Fold the per-partition shards of closed rollup cells together (one worker at a time).
      let compacting = false;
      const compact = async () => {
        // Not while the roll is behind: compaction reads every closed cell the roll wrote.
        if (compacting || roller.behind()) return;
        compacting = true;
        try {
          for (;;) {
            const r = await compactRollups(db(), { shouldStop: stopping });
            if (r.chunks > 0) log.info(r, 'compacted rollup shards');
            if (!r.ran || r.chunks < 50 || stopping() || roller.behind()) break;
          }
        } catch (err) {
          log.warn({ err }, 'compacting rollups failed');
        } finally {
          compacting = false;
        }
      };
      every(COMPACT_EVERY_MS, 20_000, compact);

      let previous = 0;
      return {
        kafkaCheck: () => consumer.kafkaCheck(),
        processingCheck: () => consumer.processingCheck(),
        stop: async () => {
          await consumer.stop();
          await roller.stop();
        },
        stats: () => ({ ...consumer.stats }),
        statsLine: () => {
          const { counted, duplicates, rejected, batches } = consumer.stats;
          const rate = ((counted - previous) * 1000) / STATS_EVERY_MS;
          previous = counted;
          return batches > 0 ? { counted, duplicates, rejected, batches, eventsPerSec: rate } : null;
        },
      };
    },
  });
}

process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});

const mode = process.argv[2];
if (mode === 'inventory') {
  inventoryMain().catch((err: unknown) => {
    logger.fatal({ err }, 'inventory worker failed to start');
    process.exit(1);
  });
} else if (mode === 'actions') {
  actionsMain().catch((err: unknown) => {
    logger.fatal({ err }, 'actions worker failed to start');
    process.exit(1);
  });
} else if (mode === 'skip') {
  // npm run worker -- skip …: the operator's way past an undecodable batch (workers/skip.ts).
  void skipMain(process.argv.slice(3));
} else {
  main().catch((err: unknown) => {
    logger.fatal({ err }, 'worker failed to start');
    process.exit(1);
  });
}
