// Real services for integration and e2e tests: the Kafka broker started by scripts/test.ts
// (KAFKA_BROKERS), a fresh PostgreSQL database per suite, and the project's own worker and
// web processes run as child processes — exactly as in production.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import pg from 'pg';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
// Test clients read what Pulse writes: dead letters are compressed with KAFKA_COMPRESSION.
import '@/lib/ingest/kafka-codecs';
import { hashPassword } from '@/lib/web/auth/password';
import { dropDatabase, ensureDatabase, migrate } from '@/scripts/db/database';
import { httpOk, type Managed, root, startNode, waitFor } from '@/scripts/lib/processes';
import { createTopics, topicEnd } from './topics';

export function testBrokers(): string {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error('KAFKA_BROKERS is not set: run integration tests through `npm test`, which starts a broker');
  return brokers;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** A sales topic of one test file's own, dotted like the real ones (retail.sales.v1). */
export const testTopic = (prefix: string) => uniqueName(prefix).replaceAll('_', '.');

/**
 * The environment of a web server over the test database at `databaseUrl` whose sales were
 * applied as read from `topic` (no worker: the web server only reads the broker's offsets).
 */
export const webEnv = (databaseUrl: string, topic: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  SALES_TOPIC: topic,
  KAFKA_BROKERS: testBrokers(),
  LOG_LEVEL: 'warn',
});

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

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return producer;
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

/** The inventory worker (`npm run worker -- inventory`) over a stack's env (createInventoryStack). */
export function startInventoryWorker(env: Record<string, string>, name = 'inventory-worker'): Managed {
  return startNode(
    `${name}-${process.pid}`,
    'workers/index.ts',
    ['inventory'],
    { LOG_LEVEL: 'info', WORKER_HTTP_PORT: '0', ...env },
    logDir,
  );
}

/** The actions worker (`npm run worker -- actions`) over a stack's env (with ACTIONS_TOPIC set). */
export function startActionsWorker(env: Record<string, string>, name = 'actions-worker'): Managed {
  return startNode(
    `${name}-${process.pid}`,
    'workers/index.ts',
    ['actions'],
    { LOG_LEVEL: 'info', WORKER_HTTP_PORT: '0', ...env },
    logDir,
  );
}

/** A user of another role, written straight into the test database (sign in with signIn). */
export async function createTestUser(
  db: TestDatabase,
  user: { email: string; password: string; role: 'admin' | 'merchandiser' | 'viewer'; stores?: string[] },
): Promise<void> {
  await db.query('INSERT INTO app_user (email, name, role, password_hash, scope_stores) VALUES ($1, $2, $3, $4, $5)', [
    user.email.toLowerCase(),
    user.role,
    user.role,
    await hashPassword(user.password),
    user.stores ?? [],
  ]);
}

/** TEST_ADMIN's session cookie per base URL: one sign-in per web server. */
const sessions = new Map<string, Promise<string>>();

/** The first admin of every test web server (created at start from PULSE_ADMIN_EMAIL/PASSWORD). */
export const TEST_ADMIN = { email: 'admin@pulse.test', password: 'test-admin-password-0123' } as const;

/** The base URL of a test web server on `port`. */
export const webUrl = (port: number) => `http://127.0.0.1:${port}`;

/**
 * The production web server (needs `next build`, which scripts/test.ts runs first), with
 * TEST_ADMIN as its first admin unless `env` names another.
 */
export async function startWeb(env: Record<string, string>, port: number): Promise<Managed> {
  sessions.delete(webUrl(port)); // a new process may hold another database: sign in again
  const web = startNode(
    `web-${port}`,
    'server.ts',
    [],
    {
      PULSE_ADMIN_EMAIL: TEST_ADMIN.email,
      PULSE_ADMIN_PASSWORD: TEST_ADMIN.password,
      ...env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    logDir,
  );
  // 120 s: on a loaded 2-core machine, next to other test files' stacks, a cold start once
  // took longer than 60 s. A server that never gets ready is stopped, not left running.
  try {
    await waitFor(`web server on :${port}`, () => httpOk(`${webUrl(port)}/readyz`), 120_000);
  } catch (err) {
    await web.stop();
    throw err;
  }
  return web;
}

/**
 * Signs in with email and password (POST /api/v1/auth/signin, JSON) and returns the Cookie
 * header value of the session (`pulse_session=…`); throws with the answer when refused.
 */
export async function signIn(
  baseUrl: string,
  email: string = TEST_ADMIN.email,
  password: string = TEST_ADMIN.password,
): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    redirect: 'manual',
  });
  if (res.status !== 200)
    throw new Error(`sign-in as ${email} at ${baseUrl} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  for (const header of res.headers.getSetCookie()) {
    const pair = header.split(';')[0] ?? '';
    if (pair.startsWith('pulse_session=') && pair.length > 'pulse_session='.length) return pair;
  }
  throw new Error(`sign-in at ${baseUrl} set no pulse_session cookie`);
}

/** The Cookie header value of TEST_ADMIN's session at `baseUrl` (signed in on first use). */
export function adminCookie(baseUrl: string): Promise<string> {
  const origin = new URL(baseUrl).origin;
  let cookie = sessions.get(origin);
  if (!cookie) {
    cookie = signIn(origin);
    cookie.catch(() => sessions.delete(origin)); // a failed sign-in is retried next time
    sessions.set(origin, cookie);
  }
  return cookie;
}

/** `fetch` as TEST_ADMIN: the session cookie of the URL's server added to the headers. */
export async function authedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', await adminCookie(url));
  return fetch(url, { ...init, headers });
}

/** A signed-in client of one web server: paths relative to its base URL. */
export interface WebClient {
  baseUrl: string;
  /** The Cookie header value of the session. */
  cookie(): Promise<string>;
  /** `fetch(baseUrl + path)` with the session. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Headers with the session cookie (plus `extra`), for raw requests and WebSockets. */
  headers(extra?: Record<string, string>): Promise<Record<string, string>>;
}

/** A client of the web server at `baseUrl` (e.g. webUrl(port)) signed in as TEST_ADMIN. */
export function webClient(baseUrl: string): WebClient {
  const base = new URL(baseUrl).origin;
  return {
    baseUrl: base,
    cookie: () => adminCookie(base),
    fetch: (path, init) => authedFetch(`${base}${path}`, init),
    headers: async (extra = {}) => ({ ...extra, cookie: await adminCookie(base) }),
  };
}

/**
 * socket.io-client options for Node that carry the session cookie at the handshake (a browser
 * sends its cookie by itself); `extraHeaders` are added to it.
 */
export async function socketOptions(
  baseUrl: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<Partial<ManagerOptions & SocketOptions>> {
  return { ...options, extraHeaders: { ...options.extraHeaders, cookie: await adminCookie(baseUrl) } };
}

export { createTopics, offsetsIn, topicEnd, waitUntilConsumed } from './topics';
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
  /** The workers' consumer group (WORKER_GROUP_ID in `env`). */
  groupId: string;
  /** What a worker, the web server or a replay of this stack needs. */
  env: Record<string, string>;
  /** Disconnects the producer and drops the database (stop the processes started on the stack first). */
  stop(): Promise<void>;
}

/** A fresh database, a sales topic with its dead-letter topic, a producer, and the env for the processes. */
export async function createSalesStack(prefix: string, partitions: number): Promise<SalesStack> {
  const kafka = testKafka();
  const db = await createTestDatabase(prefix);
  const topic = uniqueName(prefix);
  const dlqTopic = `${topic}_dlq`;
  const groupId = uniqueName(`${prefix}_group`);
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
    WORKER_GROUP_ID: groupId,
    WORKER_SESSION_TIMEOUT_MS: '6000',
  };
  const stop = async () => {
    await producer.disconnect();
    await db.drop();
  };
  return { kafka, db, producer, topic, dlqTopic, groupId, env, stop };
}

export interface InventoryStack extends SalesStack {
  inventoryTopic: string;
  inventoryDlqTopic: string;
  /** The inventory worker's consumer group (INVENTORY_GROUP_ID in `env`). */
  inventoryGroupId: string;
}

/** A sales stack plus an inventory topic with its dead-letter topic, and the inventory worker's env. */
export async function createInventoryStack(
  prefix: string,
  salesPartitions: number,
  inventoryPartitions: number,
): Promise<InventoryStack> {
  const stack = await createSalesStack(prefix, salesPartitions);
  const inventoryTopic = `${stack.topic}_inventory`;
  const inventoryDlqTopic = `${inventoryTopic}_dlq`;
  const inventoryGroupId = `${stack.groupId}_inventory`;
  await createTopics(stack.kafka, [
    { topic: inventoryTopic, numPartitions: inventoryPartitions },
    { topic: inventoryDlqTopic, numPartitions: 1 },
  ]);
  return {
    ...stack,
    inventoryTopic,
    inventoryDlqTopic,
    inventoryGroupId,
    env: {
      ...stack.env,
      INVENTORY_TOPIC: inventoryTopic,
      INVENTORY_DLQ_TOPIC: inventoryDlqTopic,
      INVENTORY_GROUP_ID: inventoryGroupId,
    },
  };
}

/** Wait until the inventory worker's stored offsets (Postgres) reach the end of every partition of `topics`. */
export async function waitUntilInventoryConsumed(
  stack: Pick<InventoryStack, 'kafka' | 'db' | 'topic' | 'inventoryTopic' | 'inventoryGroupId'>,
  timeoutMs = 120_000,
): Promise<void> {
  const topics = [stack.inventoryTopic, stack.topic];
  const ends = await Promise.all(topics.map((t) => topicEnd(stack.kafka, t)));
  await waitFor(
    `the inventory worker to consume ${topics.join(' and ')}`,
    async () => {
      const rows = await stack.db.query<{ topic: string; partition: number; next_offset: string }>(
        'SELECT topic, partition, next_offset::text FROM inventory_offset WHERE group_id = $1',
        [stack.inventoryGroupId],
      );
      const stored = new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
      return topics.every((topic, i) =>
        [...(ends[i] as Map<number, bigint>)].every(
          ([p, high]) => high === 0n || (stored.get(`${topic}/${p}`) ?? 0n) >= high,
        ),
      );
    },
    timeoutMs,
    200,
  );
}
