// Health, readiness and metrics of real worker and web processes, and what they report while
// their database refuses connections, while the Kafka broker is down, and when they are told
// to stop mid-stream: the counters must equal what was produced, readiness must say "not
// ready" during the fault, and after it every sale is counted exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '@/lib/db';
import { type RunningBroker, startKafkaBroker } from '@/scripts/kafka/broker';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, type SaleJson, sale } from '@/tests/support/events';
import { expectedOverview } from '@/tests/support/expected';
import { all, scrape, sum } from '@/tests/support/metrics';
import {
  connectProducer,
  createSalesStack,
  createTopics,
  type SalesStack,
  serverUrl,
  socketOptions,
  startWeb,
  startWorker,
  TEST_APPLICATION_NAME,
  uniqueName,
  waitFor,
  waitUntilConsumed,
  webClient,
  webUrl,
} from '@/tests/support/stack';

const WEB_PORT = 3500 + (process.pid % 40);
const OPS_TOKEN = 'operability-ops-token-0123456789';
const WORKER_PORT = 9500 + (process.pid % 40);
const WINDOW_FROM = '2026-02-01T10:00:00Z';
const WINDOW_TO = '2026-02-01T11:00:00Z';
// A broker of this test's own (stopped and restarted), beside the one `npm test` started.
const OWN_BROKER_PORT = Number(process.env.TEST_KAFKA_PORT ?? 19092) + 12;

interface Outgoing {
  key: string;
  value: Buffer | null;
}

const MALFORMED: { message: Outgoing; reason: string }[] = [
  { message: { key: 'm-1', value: Buffer.from('{"event_id": ') }, reason: 'invalid_json' },
  { message: { key: 'm-2', value: Buffer.from('not json at all') }, reason: 'invalid_json' },
  { message: { key: 'm-3', value: bytes(sale({ event_id: 'm-3', currency: 'EUR' })) }, reason: 'currency_mismatch' },
  { message: { key: 'm-4', value: bytes(sale({ event_id: 'm-4', currency: 'GBP' })) }, reason: 'currency_mismatch' },
  { message: { key: 'm-5', value: bytes(sale({ event_id: 'm-5', type: 'return' })) }, reason: 'unknown_type' },
  { message: { key: 'm-6', value: null }, reason: 'empty_message' },
  { message: { key: 'm-7', value: bytes(sale({ event_id: 'm-7', channel: 'fax' })) }, reason: 'invalid_field' },
];

const CHANNELS = ['web', 'app', 'store', 'marketplace'] as const;

/** `count` distinct valid sales inside the test window (ids prefixed, so phases never collide). */
function sales(prefix: string, count: number, at?: () => string): SaleJson[] {
  const start = Date.parse(WINDOW_FROM);
  return Array.from({ length: count }, (_, i) =>
    sale({
      event_id: `${prefix}-${i}`,
      order_id: `${prefix}-order-${i}`,
      occurred_at: at ? at() : new Date(start + ((i * 7919) % 3_540_000)).toISOString(),
      store_id: `S-${i % 7}`,
      channel: CHANNELS[i % 4] as SaleJson['channel'],
      lines: [
        {
          sku: `SKU-${i % 13}`,
          name: `Item ${i % 13}`,
          category: `Cat-${(i % 13) % 3}`,
          quantity: 1 + (i % 3),
          unit_price_cents: 100 + (i % 50) * 10,
          discount_cents: i % 5,
        },
      ],
    }),
  );
}

const asMessages = (events: SaleJson[]): Outgoing[] => events.map((e) => ({ key: e.order_id, value: bytes(e) }));

async function readyz(port: number): Promise<{ status: number; body: Record<string, unknown> | null }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return { status: 0, body: null };
  }
}

const checks = (body: Record<string, unknown> | null) =>
  (body?.checks ?? {}) as Record<string, { ok: boolean; [k: string]: unknown }>;

async function waitForReadyz(port: number, status: number, what: string, timeoutMs = 60_000) {
  return waitFor(
    what,
    async () => {
      const r = await readyz(port);
      return r.status === status ? r : null;
    },
    timeoutMs,
    100,
  );
}

describe('operability: health, readiness and metrics (real Kafka, Postgres, processes)', () => {
  let stack: SalesStack;
  let env: Record<string, string>;
  let worker: Managed | null = null;
  let web: Managed | null = null;
  /** Every distinct valid sale produced to `topic`. */
  const produced: SaleJson[] = [];
  const workerMetrics = () => scrape(`http://127.0.0.1:${WORKER_PORT}/metrics`);
  // As Prometheus scrapes the web process: with the ops token (no session, no database read).
  const webMetrics = () => scrape(`${webUrl(WEB_PORT)}/metrics`, { authorization: `Bearer ${OPS_TOKEN}` });
  const admin = webClient(webUrl(WEB_PORT));

  async function produce(messages: Outgoing[], to = stack.topic, via = stack.producer) {
    for (let i = 0; i < messages.length; i += 500) {
      await via.send({ topic: to, messages: messages.slice(i, i + 500) });
    }
  }

  async function processedCount(): Promise<number> {
    const rows = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM processed_event');
    return Number(rows[0]?.n);
  }

  async function onServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: serverUrl(), application_name: TEST_APPLICATION_NAME });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }

  const dbName = () => new URL(stack.db.url).pathname.slice(1);

  beforeAll(async () => {
    stack = await createSalesStack('pulse_it_ops', 3);
    env = { ...stack.env, WORKER_HTTP_PORT: String(WORKER_PORT), HOST: '127.0.0.1' };
  });

  afterAll(async () => {
    await onServer((c) => c.query(`ALTER DATABASE "${dbName()}" ALLOW_CONNECTIONS true`)).catch(() => undefined);
    await worker?.stop('SIGKILL');
    await web?.stop();
    await stack?.stop();
  });

  it('gives a pooled connection back when the connection of its transaction is cut', async () => {
    // Prisma closes a failed transaction with ROLLBACK before releasing its connection; on a
    // dead connection the ROLLBACK throws, and unpatched the pool slot stays taken forever.
    const prisma = createPrisma(stack.db.url, 2);
    try {
      for (let i = 0; i < 4; i++) {
        const cut = prisma.$transaction(async (tx) => {
          const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
          await onServer((c) => c.query('SELECT pg_terminate_backend($1)', [row?.pid]));
          await tx.$queryRaw`SELECT 1`;
        });
        await expect(cut).rejects.toThrow();
      }
      // Two slots, four cut transactions: only a pool that got its slots back answers (a
      // leaking one fails with "timeout exceeded when trying to connect" after 10 s).
      const started = performance.now();
      expect(await prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      // A leaking pool never finishes ending (it waits for the lost connections).
      await Promise.race([prisma.$disconnect(), new Promise((r) => setTimeout(r, 5000))]);
    }
  }, 90_000);

  it('counts accepted, duplicate and rejected-by-reason events exactly; lag ends at 0; sockets are counted', async () => {
    const valid = sales('a', 400);
    const duplicates = valid.filter((_, i) => i % 25 === 3); // producer retries: same bytes again
    const messages = [...asMessages(valid), ...asMessages(duplicates), ...MALFORMED.map((m) => m.message)];
    await produce(messages);
    produced.push(...valid);

    worker = startWorker(env, 'ops-worker-1');
    const webStarting = startWeb({ ...env, OPS_TOKEN }, WEB_PORT);
    const health = await waitFor(
      'worker /healthz',
      async () => (await fetch(`http://127.0.0.1:${WORKER_PORT}/healthz`).catch(() => null))?.status === 200,
      60_000,
      100,
    );
    expect(health).toBe(true);
    const ready = await waitForReadyz(WORKER_PORT, 200, 'worker ready');
    expect(ready.body?.status).toBe('ready');
    expect(checks(ready.body).kafka?.partitions).toEqual([0, 1, 2]);
    expect(checks(ready.body).database?.ok).toBe(true);
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);

    const m = await workerMetrics();
    const t = { topic: stack.topic };
    // Consumed counts redeliveries too (e.g. after a rejoin); those are the already-applied ones.
    expect(
      sum(m, 'pulse_worker_events_consumed_total', t) - sum(m, 'pulse_worker_events_already_applied_total', t),
    ).toBe(messages.length);
    expect(sum(m, 'pulse_worker_events_accepted_total', t)).toBe(valid.length);
    expect(sum(m, 'pulse_worker_events_duplicates_total', t)).toBe(duplicates.length);
    const byReason: Record<string, number> = {};
    for (const { reason } of MALFORMED) byReason[reason] = (byReason[reason] ?? 0) + 1;
    for (const [reason, count] of Object.entries(byReason)) {
      expect(sum(m, 'pulse_worker_events_rejected_total', { topic: stack.topic, reason }), reason).toBe(count);
    }
    expect(sum(m, 'pulse_worker_events_rejected_total', t)).toBe(MALFORMED.length);
    const lag = all(m, 'pulse_worker_consumer_lag');
    expect(lag.map((s) => s.labels.partition).sort()).toEqual(['0', '1', '2']);
    expect(lag.every((s) => s.value === 0)).toBe(true);
    expect(sum(m, 'pulse_worker_assigned_partitions', t)).toBe(3);
    expect(sum(m, 'pulse_worker_rebalances_total')).toBeGreaterThanOrEqual(1);
    expect(sum(m, 'pulse_worker_batch_duration_seconds_count', t)).toBeGreaterThanOrEqual(3);
    expect(sum(m, 'pulse_worker_commit_duration_seconds_count', t)).toBe(
      sum(m, 'pulse_worker_batch_duration_seconds_count', t),
    );
    expect(sum(m, 'pulse_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(await processedCount()).toBe(valid.length);

    // Web: readiness lists its checks; the socket gauges follow a real Socket.IO client.
    web = await webStarting;
    const webReady = await readyz(WEB_PORT);
    expect(webReady.status).toBe(200);
    expect(checks(webReady.body).database?.ok).toBe(true);
    expect(checks(webReady.body).live?.ok).toBe(true);
    const socket: Socket = io(webUrl(WEB_PORT), await socketOptions(webUrl(WEB_PORT), { transports: ['websocket'] }));
    try {
      const first = new Promise((resolve) => socket.once('overview', resolve));
      socket.emit('subscribe', { range: '15m' });
      await first;
      let w = await webMetrics();
      expect(sum(w, 'pulse_web_socket_clients')).toBe(1);
      expect(sum(w, 'pulse_web_live_rooms')).toBe(1);
      expect(sum(w, 'pulse_web_live_listening')).toBe(1);
      // The first overview may be a room update that overtook the (slower) initial answer.
      await waitFor(
        'the initial push',
        async () => sum(await webMetrics(), 'pulse_web_live_pushes_total', { kind: 'initial' }) === 1,
        15_000,
      );

      // A sale happening now reaches the room: a notification, then a pushed update.
      // (Idle refreshes push every 15 s too: wait for the push that holds the new sales.)
      const live = sales('live', 3, () => new Date().toISOString());
      const orders: number[] = [];
      socket.on('overview', (push: { data: { totals: { orders: number } } }) => orders.push(push.data.totals.orders));
      await produce(asMessages(live));
      produced.push(...live);
      await waitFor('the pushed update with the new sales', async () => orders.includes(live.length), 60_000, 50);
      w = await webMetrics();
      expect(sum(w, 'pulse_web_live_notifications_total')).toBeGreaterThanOrEqual(1);
      expect(sum(w, 'pulse_web_live_pushes_total', { kind: 'update' })).toBeGreaterThanOrEqual(1);
      expect(sum(w, 'pulse_web_overview_duration_seconds_count', { source: 'live' })).toBeGreaterThanOrEqual(2);
    } finally {
      socket.disconnect();
    }
    await waitFor(
      'socket gauge back to 0',
      async () => sum(await webMetrics(), 'pulse_web_socket_clients') === 0,
      10_000,
    );
    const api = await admin.fetch(`/api/v1/overview?from=${WINDOW_FROM}&to=${WINDOW_TO}`);
    expect((await api.json()).totals).toEqual(expectedOverview(valid).totals);
    expect(sum(await webMetrics(), 'pulse_web_overview_duration_seconds_count', { source: 'api' })).toBe(1);
  });

  it('reports not ready while the database refuses connections, retries, and loses or doubles nothing', async () => {
    const before = sum(await workerMetrics(), 'pulse_worker_events_accepted_total', { topic: stack.topic });
    const name = dbName();
    // Cut every connection of the worker and web (not the test's own) and refuse new ones.
    await onServer(async (c) => {
      await c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await c.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name <> $2',
        [name, TEST_APPLICATION_NAME],
      );
    });
    const during = sales('c', 300);
    try {
      await produce(asMessages(during));
      produced.push(...during);
      const down = await waitForReadyz(WORKER_PORT, 503, 'worker not ready while the database refuses', 30_000);
      expect(checks(down.body).database?.ok).toBe(false);
      const webDown = await waitForReadyz(WEB_PORT, 503, 'web not ready while the database refuses', 30_000);
      expect(checks(webDown.body).database?.ok).toBe(false);
      // The worker keeps trying (with backoff) and keeps its partitions meanwhile.
      await waitFor(
        'a failed batch',
        async () => sum(await workerMetrics(), 'pulse_worker_batch_failures_total', { topic: stack.topic }) > 0,
        30_000,
      );
      expect(worker?.child.exitCode).toBeNull();
    } finally {
      await onServer((c) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`));
    }

    const up = await waitForReadyz(WORKER_PORT, 200, 'worker ready again', 90_000);
    expect(checks(up.body).processing?.ok).toBe(true);
    await waitForReadyz(WEB_PORT, 200, 'web ready again', 60_000);
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    const m = await workerMetrics();
    expect(sum(m, 'pulse_worker_events_accepted_total', { topic: stack.topic }) - before).toBe(during.length);
    expect(all(m, 'pulse_worker_consumer_lag').every((s) => s.value === 0)).toBe(true);
    expect(sum(m, 'pulse_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(await processedCount()).toBe(produced.length);
  });

  it('on SIGTERM mid-stream turns not ready at once, finishes its batch, exits 0, and loses nothing', async () => {
    // The idle worker first: a clean stop.
    await worker?.stop('SIGTERM');
    expect(await worker?.exited).toBe(0);

    const backlog = sales('d', 10_000);
    await produce(asMessages(backlog));
    produced.push(...backlog);
    const before = await processedCount();
    worker = startWorker(env, 'ops-worker-2');
    await waitFor('the worker to be mid-stream', async () => (await processedCount()) >= before + 500, 90_000, 20);

    // Probe readiness every 5 ms without waiting for answers, around the signal. Answers are
    // judged in the order they arrive: requests sent 5 ms apart on separate connections can
    // reach a loaded worker in another order than they were sent.
    const probes: { afterSignal: boolean; status: Promise<number> }[] = [];
    const answers: { afterSignal: boolean; status: number }[] = [];
    let signalled = false;
    const probe = () => {
      const afterSignal = signalled;
      const status = readyz(WORKER_PORT).then((r) => r.status);
      probes.push({ afterSignal, status });
      void status.then((s) => answers.push({ afterSignal, status: s }));
    };
    const timer = setInterval(probe, 5);
    const exited = worker.exited;
    try {
      await waitFor('a ready answer before the signal', async () => (await probes.at(-20)?.status) === 200, 10_000, 20);
      // It really is mid-stream (it may still finish the backlog: each batch in flight is
      // completed, and a batch holds up to ~2,500 of these sales per partition).
      expect(await processedCount()).toBeLessThan(produced.length);
      signalled = true;
      worker.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      clearInterval(timer);
    }
    // After the signal: 503 while it finishes the batch, then no answer (0) — never ready again.
    await Promise.all(probes.map((p) => p.status));
    const after = answers.filter((a) => a.afterSignal).map((a) => a.status);
    const first503 = after.indexOf(503);
    expect(first503, JSON.stringify(after)).toBeGreaterThanOrEqual(0);
    expect(after.slice(first503), JSON.stringify(after)).not.toContain(200);

    worker = startWorker(env, 'ops-worker-3');
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    expect(await processedCount()).toBe(produced.length);
    const api = await admin.fetch(`/api/v1/overview?from=${WINDOW_FROM}&to=${WINDOW_TO}`);
    const inWindow = produced.filter(
      (e) => Date.parse(e.occurred_at) >= Date.parse(WINDOW_FROM) && Date.parse(e.occurred_at) < Date.parse(WINDOW_TO),
    );
    expect((await api.json()).totals).toEqual(expectedOverview(inWindow).totals);
  });

  it('reports not ready while its Kafka broker is down, catches up after the restart; a standby is ready', async () => {
    await worker?.stop('SIGTERM');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-it-ops-kafka-'));
    let broker: RunningBroker | null = null;
    let ownWorker: Managed | null = null;
    let standby: Managed | null = null;
    let ownProducer: Producer | null = null;
    try {
      const brokerOptions = { dataDir, port: OWN_BROKER_PORT, controllerPort: OWN_BROKER_PORT + 1 };
      broker = await startKafkaBroker(brokerOptions);
      const own = new Kafka({ clientId: 'pulse-ops-own', brokers: broker.brokers, logLevel: logLevel.NOTHING });
      const ownTopic = `${stack.topic}.own`;
      await createTopics(own, [
        { topic: ownTopic, numPartitions: 1 },
        { topic: `${ownTopic}.dlq`, numPartitions: 1 },
      ]);
      ownProducer = await connectProducer(own);
      const first = sales('e', 200);
      await produce(asMessages(first), ownTopic, ownProducer);
      const ownEnv = {
        ...env,
        KAFKA_BROKERS: broker.brokers.join(','),
        SALES_TOPIC: ownTopic,
        SALES_DLQ_TOPIC: `${ownTopic}.dlq`,
        WORKER_GROUP_ID: uniqueName('it-ops-own'),
      };
      ownWorker = startWorker(ownEnv, 'ops-worker-own-broker');
      await waitForReadyz(WORKER_PORT, 200, 'worker on the own broker ready', 90_000);
      await waitUntilConsumed(own, stack.db, ownTopic);
      await ownProducer.disconnect();
      ownProducer = null;

      await broker.stop();
      const down = await waitForReadyz(WORKER_PORT, 503, 'worker not ready while the broker is down', 30_000);
      expect(checks(down.body).kafka?.ok).toBe(false);
      await new Promise((r) => setTimeout(r, 5000)); // a real outage, not a blip
      expect(ownWorker.child.exitCode).toBeNull();

      broker = await startKafkaBroker(brokerOptions);
      await waitForReadyz(WORKER_PORT, 200, 'worker ready after the broker restart', 120_000);
      ownProducer = await connectProducer(own);
      const second = sales('f', 200);
      await produce(asMessages(second), ownTopic, ownProducer);
      await waitUntilConsumed(own, stack.db, ownTopic);
      produced.push(...first, ...second);
      expect(await processedCount()).toBe(produced.length);
      const m = await workerMetrics();
      expect(sum(m, 'pulse_worker_events_accepted_total', { topic: ownTopic })).toBe(first.length + second.length);

      // A second worker on a one-partition topic gets nothing to do: both are ready, one as standby.
      standby = startWorker({ ...ownEnv, WORKER_HTTP_PORT: String(WORKER_PORT + 1) }, 'ops-worker-standby');
      const [a, b] = await waitFor(
        'the group to settle with two members',
        async () => {
          const both = await Promise.all([readyz(WORKER_PORT), readyz(WORKER_PORT + 1)]);
          const partitions = both.map((r) => checks(r.body).kafka?.partitions as number[] | undefined);
          const settled = both.every((r) => r.status === 200) && partitions.flat().length === 1;
          return settled ? both : null;
        },
        90_000,
        250,
      );
      const idle = [a, b].find(
        (r) => (checks(r?.body ?? null).kafka?.partitions as number[] | undefined)?.length === 0,
      );
      expect(checks(idle?.body ?? null).kafka).toMatchObject({ ok: true, joined: true, standby: true });
    } finally {
      await ownProducer?.disconnect().catch(() => undefined);
      await ownWorker?.stop('SIGKILL');
      await standby?.stop('SIGKILL');
      await broker?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    // Two broker starts: ~10 s each on an idle machine, a minute or more on a loaded one.
  }, 300_000);
});
