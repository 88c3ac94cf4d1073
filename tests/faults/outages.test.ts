// The broker and the database go away under running workers: the Kafka broker is stopped and
// started again on the same data directory (twice: while producing and while catching up),
// the workers' PostgreSQL connections are cut with pg_terminate_backend again and again, and
// once the database refuses connections for a while. The worker processes must ride it all out
// (no restarts by us), report not-ready while the broker is down (when they expose /readyz on
// WORKER_HTTP_PORT), and in the end every figure must equal the independent computation.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startKafkaBroker } from '@/scripts/kafka/broker';
import { waitFor } from '@/scripts/lib/processes';
import { KAFKA_PORT, PORT_BASE, sleep } from './harness';
import { Scenario, type ScenarioContext, seedFor } from './scenario';

const BROKER_PORT = KAFKA_PORT + 10;
const BROKER_DOWN_MS = 8000;
const DB_OUTAGE_MS = 8000;
const serverUrl = () => process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

describe('broker restarts and cut database connections under running workers', () => {
  let broker: RunningBroker | null = null;
  let dataDir = '';
  const scenario = new Scenario({
    name: 'outages',
    seed: seedFor(3),
    sales: 40_000,
    workers: 2,
    brokers: `127.0.0.1:${BROKER_PORT}`,
    port: PORT_BASE + 30,
    produceMs: 40_000,
  });
  const counts = { brokerRestarts: 0, pgConnectionCuts: 0, pgBackendsTerminated: 0, pgOutages: 0, notReadySeen: 0 };
  let readinessEndpoint = false;
  let pgReadiness = 'not observed';

  const startBroker = async () => {
    broker = await startKafkaBroker({ dataDir, port: BROKER_PORT, controllerPort: BROKER_PORT + 1 });
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-faults-outages-'));
    await startBroker();
    await scenario.setUp();
  });

  afterAll(async () => {
    await scenario.tearDown();
    await broker?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /**
   * Wait for `amount` more stored progress (the database may be unreachable meanwhile), or for
   * the workers to have stored everything once the producer is done: fast workers keep up.
   */
  async function progressBy(ctx: ScenarioContext, amount: number, what: string): Promise<void> {
    const from = await waitFor('the database to answer', ctx.progress, 120_000);
    const total = ctx.dataset.messages.length;
    await waitFor(
      what,
      async () => {
        const now = await ctx.progress();
        return now >= from + amount || (ctx.sent() >= total && now >= total);
      },
      300_000,
      100,
    );
  }

  async function allWorkers(ctx: ScenarioContext, predicate: (status: number | null) => boolean): Promise<boolean> {
    const statuses = await Promise.all(ctx.workers.slots.map((s) => ctx.workers.readiness(s.index)));
    return statuses.every(predicate);
  }

  async function restartBroker(ctx: ScenarioContext): Promise<void> {
    const when = ctx.sent() < ctx.dataset.messages.length ? 'while producing' : 'while catching up';
    const stoppedAt = Date.now();
    await broker?.stop();
    ctx.log(`broker stopped (SIGTERM) ${when}; ${ctx.sent().toLocaleString('en-US')} messages sent so far`);
    if (readinessEndpoint) {
      await waitFor(
        'every worker to report not-ready while the broker is down',
        () => allWorkers(ctx, (s) => s !== null && s !== 200),
        BROKER_DOWN_MS + 20_000,
        200,
      );
      counts.notReadySeen += 1;
      ctx.log(`workers report not-ready after ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`);
    }
    await sleep(Math.max(0, stoppedAt + BROKER_DOWN_MS - Date.now()));
    await startBroker();
    counts.brokerRestarts += 1;
    const back = Date.now();
    ctx.log(`broker started again on the same data directory after ${((back - stoppedAt) / 1000).toFixed(1)} s`);
    await progressBy(ctx, 1, 'the workers to make progress after the broker restart');
    ctx.log(`workers committing again ${((Date.now() - back) / 1000).toFixed(1)} s after the broker came back`);
    if (readinessEndpoint) {
      await waitFor('every worker to report ready again', () => allWorkers(ctx, (s) => s === 200), 120_000, 250);
    }
  }

  async function cutConnections(ctx: ScenarioContext): Promise<number> {
    const rows = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2
       ) t`,
      [ctx.databaseName, ctx.workerAppName],
    );
    return rows[0]?.n ?? 0;
  }

  async function cutRepeatedly(ctx: ScenarioContext, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      const terminated = await cutConnections(ctx);
      if (terminated > 0) {
        counts.pgConnectionCuts += 1;
        counts.pgBackendsTerminated += terminated;
      }
      ctx.log(`PostgreSQL: terminated ${terminated} worker connection(s) (cut ${counts.pgConnectionCuts})`);
      await progressBy(ctx, 300 + Math.floor(ctx.rng() * 1200), 'progress after cutting connections');
    }
  }

  /** The database refuses the workers for a while: connections cut and new ones not allowed. */
  async function databaseOutage(ctx: ScenarioContext): Promise<void> {
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${ctx.databaseName}" ALLOW_CONNECTIONS false`);
      const terminated = await cutConnections(ctx);
      counts.pgOutages += 1;
      counts.pgConnectionCuts += 1;
      counts.pgBackendsTerminated += terminated;
      ctx.log(`PostgreSQL: database closed to new connections, ${terminated} worker connection(s) terminated`);
      const began = Date.now();
      const seen = new Set<string>();
      while (Date.now() - began < DB_OUTAGE_MS) {
        if (readinessEndpoint) {
          for (const slot of ctx.workers.slots) seen.add(String(await ctx.workers.readiness(slot.index)));
        }
        await sleep(250);
      }
      pgReadiness = readinessEndpoint ? `/readyz answered ${[...seen].join(', ')}` : 'no /readyz';
    } finally {
      await admin.query(`ALTER DATABASE "${ctx.databaseName}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    ctx.log(`PostgreSQL: connections allowed again after ${DB_OUTAGE_MS / 1000} s (${pgReadiness})`);
    await progressBy(ctx, 1, 'progress after the database outage');
  }

  it('rides out two broker restarts, repeated connection cuts and a database outage without losing or doubling anything', async () => {
    await scenario.run(async (ctx) => {
      // Does the worker expose /readyz (WORKER_HTTP_PORT)? Any HTTP answer says yes.
      readinessEndpoint = await waitFor(
        'a worker /readyz answer',
        async () => (await ctx.workers.readiness(0)) !== null,
        20_000,
        500,
      ).then(
        () => true,
        () => false,
      );
      ctx.log(
        readinessEndpoint
          ? 'workers expose /readyz: readiness is checked during the outages'
          : 'workers expose no /readyz on WORKER_HTTP_PORT: readiness checks skipped',
      );
      // The first restart while the producer is still sending (it must wait and carry on).
      await waitFor(
        'a third of the dataset to be sent',
        async () => ctx.sent() >= ctx.dataset.messages.length / 3,
        300_000,
      );
      await restartBroker(ctx);
      await cutRepeatedly(ctx, 4);
      await databaseOutage(ctx);
      await cutRepeatedly(ctx, 2);
      await restartBroker(ctx);
      await cutRepeatedly(ctx, 2);
    });
    const { differences, figures } = await scenario.verify({ ...counts, readinessChecked: String(readinessEndpoint) });
    expect(counts.brokerRestarts).toBe(2);
    expect(counts.pgConnectionCuts).toBeGreaterThanOrEqual(8);
    if (readinessEndpoint) expect(counts.notReadySeen).toBe(2);
    expect(figures.kills).toBe(0);
    expect(differences.count, differences.summary()).toBe(0);
  });
});
