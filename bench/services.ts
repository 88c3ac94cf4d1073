// The real services a bench run uses: its own Kafka broker (unless KAFKA_BROKERS is set) and
// fresh PostgreSQL databases, all torn down again at the end — also on Ctrl-C or a failure.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dropDatabase, ensureDatabase, migrate } from '@/scripts/db/database';
import { type RunningBroker, startKafkaBroker } from '@/scripts/kafka/broker';
import { BENCH_APP_NAME } from './activity';
import { step } from './progress';

// BENCH_KAFKA_PORT moves the bench's broker (its controller takes the next port), e.g. to run
// beside another bench.
const BROKER_PORT = Number(process.env.BENCH_KAFKA_PORT ?? 19392);
const CONTROLLER_PORT = BROKER_PORT + 1;

/**
 * Teardown steps. Lower phases run first (worker processes before the databases they write
 * to); within a phase the newest step runs first. Each step runs once, even if cleanup is
 * triggered twice (Ctrl-C during a failure's cleanup).
 */
export class Cleanup {
  private readonly steps: { what: string; phase: number; run: () => Promise<unknown> }[] = [];
  private running: Promise<void> | null = null;

  add(what: string, run: () => Promise<unknown>, phase = 1): void {
    this.steps.push({ what, phase, run });
  }

  /** Run (and forget) one step now, e.g. a database no longer needed. */
  async runNow(what: string): Promise<void> {
    const index = this.steps.findLastIndex((s) => s.what === what);
    if (index < 0) return;
    const [entry] = this.steps.splice(index, 1);
    await entry?.run();
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      const ordered = this.steps
        .map((entry, index) => ({ entry, index }))
        .sort((a, b) => a.entry.phase - b.entry.phase || b.index - a.index)
        .map(({ entry }) => entry);
      this.steps.length = 0;
      for (const entry of ordered) {
        try {
          await entry.run();
        } catch (error) {
          console.error(`cleanup: ${entry.what} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.running;
  }
}

/**
 * Runs a bench's `body` (which returns the exit code) with `cleanup` run on failure and on
 * Ctrl-C or SIGTERM, saying what it stops (`stopping`).
 */
export async function runGuarded(cleanup: Cleanup, stopping: string, body: () => Promise<number>): Promise<number> {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    step(`${signal}: ${stopping}…`);
    void cleanup.run().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body();
  } catch (error) {
    if (interrupted) {
      // The signal handler's cleanup is under way (and this failure is probably its doing).
      await cleanup.run();
      return 130;
    }
    console.error(`\n✖ bench failed: ${(error as Error).stack ?? String(error)}`);
    await cleanup.run();
    return 1;
  }
}

export interface Brokers {
  brokers: string[];
  /** The broker's java pid when this run started it (for CPU figures). */
  pid: number | null;
  external: boolean;
}

export async function provideBroker(cleanup: Cleanup): Promise<Brokers> {
  const configured = process.env.KAFKA_BROKERS;
  if (configured) {
    step(`using the Kafka cluster at ${configured}`);
    return { brokers: configured.split(',').map((b) => b.trim()), pid: null, external: true };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-bench-kafka-'));
  cleanup.add('remove broker data', () => rm(dataDir, { recursive: true, force: true }));
  let broker: RunningBroker | null = null;
  cleanup.add('stop Kafka broker', async () => {
    await broker?.stop();
    step('Kafka broker stopped');
  });
  broker = await startKafkaBroker({
    dataDir,
    port: BROKER_PORT,
    controllerPort: CONTROLLER_PORT,
    onProgress: (m) => step(`kafka: ${m}`),
  });
  return { brokers: broker.brokers, pid: broker.pid, external: false };
}

export interface BenchDatabase {
  url: string;
  name: string;
  pool: pg.Pool;
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
}

const serverUrl = () => process.env.BENCH_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, migrated database, dropped by `cleanup` (or earlier with cleanup.runNow(`drop <name>`))
 * unless `keep` is set.
 */
export async function createBenchDatabase(name: string, cleanup: Cleanup, keep = false): Promise<BenchDatabase> {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: BENCH_APP_NAME });
  // Idle connections are terminated by DROP DATABASE … WITH (FORCE); that is expected.
  pool.on('error', () => undefined);
  cleanup.add(`drop ${name}`, async () => {
    await pool.end().catch(() => undefined);
    if (keep) return step(`database ${name} kept: ${databaseUrl}`);
    await dropDatabase(databaseUrl);
    step(`database ${name} dropped`);
  });
  await migrate(databaseUrl);
  return {
    url: databaseUrl,
    name,
    pool,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
  };
}
