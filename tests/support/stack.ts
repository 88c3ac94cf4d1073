// Real services for integration and e2e tests: the Kafka broker started by scripts/test.ts
// (KAFKA_BROKERS), a fresh PostgreSQL database per suite, and the project's own worker and
// web processes run as child processes — exactly as in production.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import pg from 'pg';
// Test clients read what Pulse writes: dead letters are compressed with KAFKA_COMPRESSION.
import '../../lib/kafka-codecs';
import { dropDatabase, ensureDatabase, migrate } from '../../scripts/db/database';
import { httpOk, type Managed, root, startNode, waitFor } from '../../scripts/lib/processes';

export function testBrokers(): string {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error('KAFKA_BROKERS is not set: run integration tests through `npm test`, which starts a broker');
  return brokers;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export const serverUrl = () => process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Connections of the tests themselves carry this name (fault tests cut everyone else's). */
export const TEST_APPLICATION_NAME = 'pulse-tests';

export interface TestDatabase {
  url: string;
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const url = new URL(serverUrl());
  url.pathname = `/${uniqueName(prefix)}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: TEST_APPLICATION_NAME });
  pool.on('error', () => undefined); // an idle connection cut by a fault test is simply replaced
  return {
    url: databaseUrl,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    drop: async () => {
      await pool.end();
      await dropDatabase(databaseUrl);
    },
  };
}

export function testKafka(clientId = 'pulse-tests'): Kafka {
  return new Kafka({ clientId, brokers: testBrokers().split(','), logLevel: logLevel.NOTHING });
}

export async function createTopics(kafka: Kafka, topics: { topic: string; numPartitions: number }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: topics.map((t) => ({ ...t, replicationFactor: 1 })) });
  await admin.disconnect();
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return producer;
}

/** Sum over partitions of the high watermark: every message the topic holds. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
}

/** Wait until the worker's stored offsets (Postgres) reach the end of every partition. */
export async function waitUntilConsumed(
  kafka: Kafka,
  db: TestDatabase,
  topic: string,
  timeoutMs = 120_000,
): Promise<void> {
  const end = await topicEnd(kafka, topic);
  await waitFor(
    `worker to consume ${topic} to its end`,
    async () => {
      const rows = await db.query<{ partition: number; next_offset: string }>(
        'SELECT partition, next_offset FROM consumer_offset WHERE topic = $1',
        [topic],
      );
      const stored = new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
      return [...end].every(([p, high]) => high === 0n || (stored.get(p) ?? 0n) >= high);
    },
    timeoutMs,
    200,
  );
}

const logDir = path.join(root, '.pulse', 'test-logs');

/** A worker process; its ops endpoint is off unless `env` sets WORKER_HTTP_PORT (tests run several). */
export function startWorker(env: Record<string, string>, name = 'worker'): Managed {
  return startNode(
    `${name}-${process.pid}`,
    'workers/index.ts',
    [],
    { LOG_LEVEL: 'info', WORKER_HTTP_PORT: '0', ...env },
    logDir,
  );
}

/** The production web server (needs `next build`, which scripts/test.ts runs first). */
export async function startWeb(env: Record<string, string>, port: number): Promise<Managed> {
  const web = startNode(
    `web-${port}`,
    'server.ts',
    [],
    { ...env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1' },
    logDir,
  );
  await waitFor(`web server on :${port}`, () => httpOk(`http://127.0.0.1:${port}/readyz`), 60_000);
  return web;
}

export { waitFor };

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command from the repository root (e.g. `npm run replay` as an operator runs it), `stdin` written to it. */
export function runCommand(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  stdin = '',
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // a child that exits early: its output says why
    child.stdin.end(stdin);
  });
}

export interface SalesStack {
  kafka: Kafka;
  db: TestDatabase;
  producer: Producer;
  topic: string;
  dlqTopic: string;
  /** What a worker, the web server or a replay of this stack needs. */
  env: Record<string, string>;
}

/** A fresh database, a sales topic with its dead-letter topic, a producer, and the env for the processes. */
export async function createSalesStack(prefix: string, partitions: number): Promise<SalesStack> {
  const kafka = testKafka();
  const db = await createTestDatabase(prefix);
  const topic = uniqueName(prefix);
  const dlqTopic = `${topic}_dlq`;
  await createTopics(kafka, [
    { topic, numPartitions: partitions },
    { topic: dlqTopic, numPartitions: 1 },
  ]);
  const producer = await connectProducer(kafka);
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testBrokers(),
    SALES_TOPIC: topic,
    SALES_DLQ_TOPIC: dlqTopic,
    WORKER_GROUP_ID: uniqueName(`${prefix}_group`),
    WORKER_SESSION_TIMEOUT_MS: '6000',
  };
  return { kafka, db, producer, topic, dlqTopic, env };
}
