// The frame every worker process shares (sales, inventory, actions): the ops endpoint with its
// readiness, the Kafka client with its trouble tracking, the topics it needs, a producer, the
// shutdown with a grace timer, and the periodic stats and housekeeping timers. One copy, so that
// the behaviour the fault tests rely on (log lines, /readyz, shutdown) is the same in each.
import type { Server } from 'node:http';
import type { Kafka, Producer } from 'kafkajs';
import { db, disconnectDb } from '@/lib/db';
import { type Env, loadEnvOrExit } from '@/lib/env';
import { createKafka, createProducer, ensureSalesTopics, type KafkaTrouble, type TopicSpec } from '@/lib/ingest/kafka';
import { type Logger, logger } from '@/lib/logger';
import { type Check, type Checks, probeCheck, startOpsServer } from '@/lib/ops-http';
import { pingDatabase } from '@/lib/queries/ping-database';

const SHUTDOWN_GRACE_MS = 20_000;
const STATS_EVERY_MS = 10_000;
const DB_CHECK_TIMEOUT_MS = 2000;

/** What a worker's own part (its consumer, evaluator…) gives the frame. */
export interface WorkerBody {
  /** Readiness of its Kafka side. */
  kafkaCheck(): Check;
  /** Readiness of its processing (a stopped partition, a failing evaluation). */
  processingCheck(): Check;
  /** Finishes the work in flight and stops (called once, on shutdown). */
  stop(): Promise<void>;
  /** Counters logged with the stopped line. */
  stats(): Record<string, unknown>;
  /** The periodic stats line's fields, or null when there is nothing to say (nothing processed yet). */
  statsLine(): Record<string, unknown> | null;
}

/** What the frame gives the worker's part when it starts it. */
export interface FrameContext {
  config: Env;
  log: Logger;
  kafka: Kafka;
  clusterId: string;
  producer: Producer;
  kafkaTrouble(): KafkaTrouble | null;
  /** True once shutdown began (housekeeping loops stop early). */
  stopping(): boolean;
  /** Stops the process (e.g. a consumer kafkajs will not restart: exit 1, the supervisor restarts it). */
  shutdown(reason: string, code?: number): void;
  /** Runs `task` every `everyMs`, first after `firstAfterMs` (unref'd timers: they never hold the process). */
  every(everyMs: number, firstAfterMs: number, task: () => unknown): void;
}

export interface WorkerProcess {
  /** pino component of the process's log lines. */
  component: string;
  /** Appended to KAFKA_CLIENT_ID. */
  clientIdSuffix: string;
  /** Topics created if missing before anything starts. */
  topics(config: Env): TopicSpec[];
  /** The stopped line ('worker stopped', 'inventory worker stopped'). */
  stoppedMessage: string;
  /** The stats line, logged every 10 s (WorkerBody.statsLine). */
  statsMessage: string;
  /** Starts the worker's own part (after the ops endpoint, Kafka and the producer are up). */
  start(ctx: FrameContext): Promise<WorkerBody>;
}

export async function runWorkerProcess(spec: WorkerProcess): Promise<void> {
  const config = loadEnvOrExit();
  const log = logger.child({ component: spec.component });

  let body: WorkerBody | null = null;
  let stopping = false;
  const databaseCheck = probeCheck(() => pingDatabase(db(), DB_CHECK_TIMEOUT_MS));
  const readiness = async (): Promise<Checks> => {
    const shuttingDown: Checks = { shutdown: { ok: false, error: 'shutting down' } };
    // A worker told to stop answers at once, without waiting for the database probe.
    if (stopping) return shuttingDown;
    const database = await databaseCheck();
    // Told to stop while the probe ran: no answer after the signal says ready.
    if (stopping) return shuttingDown;
    return {
      shutdown: { ok: true },
      kafka: body?.kafkaCheck() ?? { ok: false, error: 'starting' },
      database,
      processing: body?.processingCheck() ?? { ok: true },
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
  const kafka = createKafka(`${config.KAFKA_CLIENT_ID}${spec.clientIdSuffix}`, config.KAFKA_BROKERS, (trouble) => {
    kafkaTrouble = trouble;
  });
  const clusterId = await ensureSalesTopics(kafka, spec.topics(config));
  const producer = createProducer(kafka, config.KAFKA_COMPRESSION);
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
    await body?.stop();
    await producer.disconnect();
    await disconnectDb();
    log.info(body?.stats() ?? {}, spec.stoppedMessage);
    opsServer?.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const every = (everyMs: number, firstAfterMs: number, task: () => unknown) => {
    setInterval(task, everyMs).unref();
    setTimeout(task, firstAfterMs).unref();
  };
  body = await spec.start({
    config,
    log,
    kafka,
    clusterId,
    producer,
    kafkaTrouble: () => kafkaTrouble,
    stopping: () => stopping,
    shutdown: (reason, code = 1) => void shutdown(reason, code),
    every,
  });
  const started = body;
  setInterval(() => {
    const line = started.statsLine();
    if (line) log.info(line, spec.statsMessage);
  }, STATS_EVERY_MS).unref();
}

export { STATS_EVERY_MS };
