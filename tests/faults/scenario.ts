// One fault scenario from start to finish: a fresh database and topic, worker processes, the
// seeded dataset produced at a steady pace while `faults` does its damage, then — once the
// workers have caught up — every figure the system reports compared with the independent
// expectation computed from the messages as they sit in the topic.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import type { Managed } from '@/scripts/lib/processes';
import { INCLUDE_REFUNDS, REJECT_FUTURE_EVENTS } from '@/tests/support/contract';
import type { Expected } from '@/tests/support/expected';
import { createTestDatabase, startWeb, type TestDatabase, uniqueName } from '@/tests/support/stack';
import { createTopics, waitUntilConsumed } from '@/tests/support/topics';
import { createRng, type Rng } from '@/workers/simulator/catalog';
import { buildDataset, type Dataset, type Outgoing } from './dataset';
import {
  compareApi,
  compareDlqTopic,
  compareTables,
  Differences,
  expectationOf,
  FAULT_LOG_DIR,
  kafkaClient,
  patientProducer,
  producePaced,
  readTopic,
  recordFigures,
  say,
  storedProgress,
  Workers,
} from './harness';

export const PARTITIONS = 6;
/** The shortest session the worker accepts: a killed worker's partitions move on after 6 s. */
const SESSION_TIMEOUT_MS = 6000;
const WORKER_APP_NAME = 'pulse-faults-worker';

export interface ScenarioOptions {
  name: string;
  seed: number;
  sales: number;
  workers: number;
  brokers: string;
  /** Web server port; workers' HTTP ports follow it. */
  port: number;
  /** How long production is spread over. */
  produceMs: number;
  /** Messages to produce instead of the seeded sales dataset (the fuzz test's payloads). */
  messages?: Outgoing[];
  /** Compare through the HTTP API too (needs every accepted event within 92 days). */
  api?: boolean;
}

export interface ScenarioContext {
  options: ScenarioOptions;
  rng: Rng;
  dataset: Dataset;
  db: TestDatabase;
  kafka: Kafka;
  topic: string;
  dlqTopic: string;
  workers: Workers;
  /** Stored offsets summed over partitions (Postgres). */
  progress: () => Promise<number>;
  /** Messages sent so far by the producer. */
  sent: () => number;
  log: (message: string) => void;
  /** The database name, for cutting the workers' connections. */
  databaseName: string;
  workerAppName: string;
}

export interface ScenarioResult {
  expected: Expected;
  differences: Differences;
  figures: Record<string, number | string>;
}

function seededDataset(options: ScenarioOptions, log: (m: string) => void): Dataset {
  log(`seed ${options.seed}; building the dataset (${options.sales.toLocaleString('en-US')} sales)`);
  return buildDataset({ seed: options.seed, sales: options.sales });
}

function customDataset(options: ScenarioOptions): Dataset {
  const messages = options.messages as Outgoing[];
  const figures = { sales: 0, refunds: 0, duplicates: 0, malformed: 0, late: 0, nearFuture: 0, farFuture: 0 };
  return { seed: options.seed, now: Date.now(), messages, intended: new Map(), figures };
}

export class Scenario {
  ctx!: ScenarioContext;
  private producer: Producer | null = null;
  private web: Managed | null = null;

  constructor(readonly options: ScenarioOptions) {}

  async setUp(): Promise<ScenarioContext> {
    const { options } = this;
    const log = (m: string) => say(options.name, m);
    // Worker logs are appended to; start this scenario's afresh.
    mkdirSync(FAULT_LOG_DIR, { recursive: true });
    for (const file of readdirSync(FAULT_LOG_DIR)) {
      if (file.startsWith(`${options.name}-w`)) rmSync(path.join(FAULT_LOG_DIR, file), { force: true });
    }
    const dataset = options.messages ? customDataset(options) : seededDataset(options, log);
    const f = dataset.figures;
    if (!options.messages)
      log(
        `dataset: ${dataset.messages.length.toLocaleString('en-US')} messages — ${f.sales} sales (${f.late} late, ` +
          `${f.nearFuture} up to 2 min ahead, ${f.farFuture} far in the future), ${f.refunds} refunds, ` +
          `${f.duplicates} exact duplicates, ${f.malformed} malformed`,
      );
    const db = await createTestDatabase('pulse_faults');
    const databaseName = new URL(db.url).pathname.slice(1);
    const kafka = kafkaClient(options.brokers);
    const topic = uniqueName(`faults.${options.name}`).replaceAll('_', '.');
    const dlqTopic = `${topic}.dlq`;
    await createTopics(kafka, [
      { topic, numPartitions: PARTITIONS },
      { topic: dlqTopic, numPartitions: 1 },
    ]);
    const url = new URL(db.url);
    url.searchParams.set('application_name', WORKER_APP_NAME);
    const env = {
      DATABASE_URL: url.toString(),
      KAFKA_BROKERS: options.brokers,
      SALES_TOPIC: topic,
      SALES_DLQ_TOPIC: dlqTopic,
      SALES_TOPIC_PARTITIONS: String(PARTITIONS),
      WORKER_GROUP_ID: uniqueName('faults-group'),
      WORKER_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    };
    const workers = new Workers(options.name, env, options.workers, options.port + 1);
    this.producer = await patientProducer(kafka);
    let sent = 0;
    this.ctx = {
      options,
      rng: createRng(options.seed ^ 0x5eed),
      dataset,
      db,
      kafka,
      topic,
      dlqTopic,
      workers,
      progress: () => storedProgress(db, topic).catch(() => 0),
      sent: () => sent,
      log,
      databaseName,
      workerAppName: WORKER_APP_NAME,
    };
    this.markSent = (n) => {
      sent = n;
    };
    return this.ctx;
  }

  private markSent: (n: number) => void = () => undefined;

  /** Start the workers, produce the dataset while `faults` runs, wait until all is consumed. */
  async run(faults: (ctx: ScenarioContext) => Promise<void>): Promise<void> {
    const { ctx } = this;
    const started = Date.now();
    ctx.workers.startAll();
    ctx.log(`${ctx.options.workers} worker(s) started; producing over ~${Math.round(ctx.options.produceMs / 1000)} s`);
    const production = producePaced(
      this.producer as Producer,
      ctx.topic,
      ctx.dataset.messages,
      ctx.options.produceMs,
      ctx.log,
      (n) => this.markSent(n),
    ).then(() => ctx.log('production finished'));
    await Promise.all([production, faults(ctx)]);
    ctx.log(`faults done; waiting for the workers to catch up (stored offsets ${await ctx.progress()})`);
    await waitUntilConsumed(ctx.kafka, ctx.db, ctx.topic, 360_000);
    ctx.log(`caught up after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await ctx.workers.stopAll();
    if (ctx.workers.unexpectedExits.length > 0) {
      throw new Error(`workers ended without being killed:\n${ctx.workers.unexpectedExits.join('\n')}`);
    }
  }

  /** Compare everything; returns the differences (the caller asserts there are none). */
  async verify(extra: Record<string, number | string>): Promise<ScenarioResult> {
    const { ctx } = this;
    const stored = await readTopic(ctx.kafka, ctx.topic, uniqueName('faults-reader'));
    ctx.log(`read back ${stored.length.toLocaleString('en-US')} messages from the topic`);
    const { expected, rejectedAt } = expectationOf(stored, ctx.dataset.now);
    const d = new Differences();
    d.same('messages in the topic = messages produced', stored.length, ctx.dataset.messages.length);

    const webEnv = {
      DATABASE_URL: ctx.db.url,
      KAFKA_BROKERS: ctx.options.brokers,
      SALES_TOPIC: ctx.topic,
      SALES_DLQ_TOPIC: ctx.dlqTopic,
      LOG_LEVEL: 'warn',
    };
    if (ctx.options.api !== false) {
      this.web = await startWeb(webEnv, ctx.options.port);
      await compareApi(`http://127.0.0.1:${ctx.options.port}`, expected, ctx.rng, d);
    }
    await compareTables(ctx.db, ctx.topic, expected, rejectedAt, d);
    const dlq = await compareDlqTopic(ctx.kafka, ctx.topic, ctx.dlqTopic, rejectedAt, d);

    const f = ctx.dataset.figures;
    const figures: Record<string, number | string> = {
      scenario: ctx.options.name,
      seed: ctx.options.seed,
      workers: ctx.options.workers,
      messagesProduced: stored.length,
      distinctEvents: expected.accepted,
      sales: f.sales,
      refunds: f.refunds,
      duplicates: expected.duplicates,
      malformed: f.malformed,
      late: f.late,
      future: f.farFuture,
      rejected: expected.rejectedTotal,
      dlqCopiesAfterCrashes: dlq.copies,
      kills: ctx.workers.kills,
      refundsAre: INCLUDE_REFUNDS ? 'counted' : 'dead-lettered (unknown_type)',
      futureEventsAre: REJECT_FUTURE_EVENTS ? 'dead-lettered (future_event)' : 'counted',
      ...extra,
      valuesCompared: d.checked,
      valuesBeyond2pow53: d.approximate,
      differences: d.count,
    };
    ctx.log(
      `compared ${d.checked.toLocaleString('en-US')} values (API, rollups, dead letters, offsets` +
        `${d.approximate ? `; ${d.approximate} sums beyond 2^53 to 1e-12` : ''}): ` +
        `${d.count} differences; ${expected.accepted} events counted, ${expected.duplicates} duplicates dropped, ` +
        `${expected.rejectedTotal} dead-lettered (${[...expected.rejected].map(([r, n]) => `${r} ${n}`).join(', ')})`,
    );
    recordFigures(ctx.options.name, figures);
    return { expected, differences: d, figures };
  }

  async tearDown(): Promise<void> {
    const ctx = this.ctx;
    await Promise.allSettled([ctx?.workers.stopAll(), this.web?.stop(), this.producer?.disconnect()]);
    await ctx?.db.drop().catch((err: unknown) => ctx.log(`could not drop ${ctx.databaseName}: ${String(err)}`));
  }
}

/** Seed of a run: FAULTS_SEED to replay one, else time-based (printed, so a failure can be replayed). */
export function seedFor(offset: number): number {
  const fixed = process.env.FAULTS_SEED;
  return ((fixed ? Number(fixed) : Date.now() % 1_000_000_007) + offset) >>> 0;
}
