// Worker process: consumes the sales topic into the Postgres rollups. Run as many as you
// like with the same WORKER_GROUP_ID; Kafka spreads the partitions across them.
import type { Server } from 'node:http';
import { db, disconnectDb } from '../lib/db';
import { loadEnvOrExit } from '../lib/env';
import { createKafka, createProducer, ensureSalesTopics, type KafkaTrouble } from '../lib/kafka';
import { logger } from '../lib/logger';
import { type Checks, probeCheck, startOpsServer } from '../lib/ops-http';
import { compactRollups } from '../lib/queries/compact-rollups';
import { pruneRecentOrders } from '../lib/queries/get-recent-orders';
import { pingDatabase } from '../lib/queries/ping-database';
import { pruneProcessedEvents } from '../lib/queries/prune-processed-events';
import { type SalesConsumer, startSalesConsumer } from './sales.consumer';
import { skipMain } from './skip';

const SHUTDOWN_GRACE_MS = 20_000;
const STATS_EVERY_MS = 10_000;
const PRUNE_EVERY_MS = 5 * 60_000;
const COMPACT_EVERY_MS = 60_000;
const DB_CHECK_TIMEOUT_MS = 2000;

async function main(): Promise<void> {
  const config = loadEnvOrExit();
  const log = logger.child({ component: 'worker' });

  let consumer: SalesConsumer | null = null;
  let stopping = false;
  const databaseCheck = probeCheck(() => pingDatabase(db(), DB_CHECK_TIMEOUT_MS));
  const readiness = async (): Promise<Checks> => {
    // A worker told to stop answers at once, without waiting for the database probe.
    if (stopping) return { shutdown: { ok: false, error: 'shutting down' } };
    return {
      shutdown: { ok: true },
      kafka: consumer?.kafkaCheck() ?? { ok: false, error: 'starting' },
      database: await databaseCheck(),
      processing: consumer?.processingCheck() ?? { ok: true },
    };
  };
  // Up before Kafka: probes get answers (not ready yet) while the worker connects.
  let opsServer: Server | null = null;
  if (config.WORKER_HTTP_PORT > 0) {
    opsServer = await startOpsServer(config.WORKER_HTTP_PORT, config.HOST, { readiness }).catch((err: Error) => {
      throw new Error(`WORKER_HTTP_PORT: ${err.message}`);
    });
    log.info({ port: config.WORKER_HTTP_PORT, paths: ['/healthz', '/readyz', '/metrics'] }, 'ops endpoint listening');
  }

  let kafkaTrouble: KafkaTrouble | null = null;
  const kafka = createKafka(`${config.KAFKA_CLIENT_ID}-worker`, undefined, (trouble) => {
    kafkaTrouble = trouble;
  });
  const clusterId = await ensureSalesTopics(kafka);
  const producer = createProducer(kafka);
  await producer.connect();

  const shutdown = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true; // /readyz answers 503 from now on
    log.info({ signal }, 'shutting down: finishing the in-flight batch');
    // Why a timer: a hung broker or database must not keep a stopped worker alive forever.
    // Exiting without committing is safe — the batch is redelivered and applied once.
    setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    await consumer?.stop();
    await producer.disconnect();
    await disconnectDb();
    log.info(consumer?.stats ?? {}, 'worker stopped');
    opsServer?.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  consumer = await startSalesConsumer({
    kafka,
    clusterId,
    producer,
    prisma: db(),
    log,
    // A consumer kafkajs will not restart leaves a process that consumes nothing: exit and
    // let the supervisor start a fresh one (the batch in flight is redelivered, applied once).
    onFatal: () => void shutdown('consumer crash', 1),
    kafkaTrouble: () => kafkaTrouble,
  });
  log.info({ topic: config.SALES_TOPIC, groupId: config.WORKER_GROUP_ID }, 'worker started');

  let previous = 0;
  const statsTimer = setInterval(() => {
    const { counted, duplicates, rejected, batches } = (consumer as SalesConsumer).stats;
    const rate = ((counted - previous) * 1000) / STATS_EVERY_MS;
    previous = counted;
    if (batches > 0) log.info({ counted, duplicates, rejected, batches, eventsPerSec: rate }, 'worker stats');
  }, STATS_EVERY_MS);
  statsTimer.unref();

  // The ticker table only needs the last day; pruning is idempotent, so every worker may do it.
  const pruneTimer = setInterval(() => {
    pruneRecentOrders(db())
      .then((deleted) => deleted > 0 && log.info({ deleted }, 'pruned recent orders'))
      .catch((err: unknown) => log.warn({ err }, 'pruning recent orders failed'));
  }, PRUNE_EVERY_MS);
  pruneTimer.unref();

  // Duplicate-filter retention: ids older than DEDUP_RETENTION_DAYS are forgotten in small
  // batches (every worker may prune; SKIP LOCKED keeps them out of each other's way).
  const pruneIds = () =>
    pruneProcessedEvents(db(), config.DEDUP_RETENTION_DAYS * 86_400_000, { shouldStop: () => stopping })
      .then((deleted) => deleted > 0 && log.info({ deleted }, 'pruned processed event ids past retention'))
      .catch((err: unknown) => log.warn({ err }, 'pruning processed event ids failed'));
  const pruneIdsTimer = setInterval(pruneIds, PRUNE_EVERY_MS);
  pruneIdsTimer.unref();
  setTimeout(pruneIds, 30_000).unref();

  // Fold the per-partition shards of closed rollup cells together (one worker at a time).
  let compacting = false;
  const compact = async () => {
    if (compacting) return;
    compacting = true;
    try {
      for (;;) {
        const r = await compactRollups(db(), { shouldStop: () => stopping });
        if (r.chunks > 0) log.info(r, 'compacted rollup shards');
        if (!r.ran || r.chunks < 50 || stopping) break;
      }
    } catch (err) {
      log.warn({ err }, 'compacting rollups failed');
    } finally {
      compacting = false;
    }
  };
  const compactTimer = setInterval(compact, COMPACT_EVERY_MS);
  compactTimer.unref();
  setTimeout(compact, 20_000).unref();
}

process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});

if (process.argv[2] === 'skip') {
  // npm run worker -- skip …: the operator's way past an undecodable batch (workers/skip.ts).
  void skipMain(process.argv.slice(3));
} else {
  main().catch((err: unknown) => {
    logger.fatal({ err }, 'worker failed to start');
    process.exit(1);
  });
}
