// npm test — every test against real services: type check, lint, unit tests, then a real Kafka
// broker (started here unless KAFKA_BROKERS is set) with PostgreSQL for the integration
// tests, Playwright (Debian Chromium) for the end-to-end tests, and the fault suite (SIGKILLed
// and rebalanced workers, broker restarts, cut database connections, decoder fuzzing; its
// broker-restart scenario starts its own broker on TEST_KAFKA_PORT + 10). Prints one summary line.
//   npm test                           everything (~25 min on 2 cores, 9 of them the fault suite)
//   npm test -- quick                  everything but the fault suite
//   npm test -- unit                   only the type check and unit tests (no services)
//   npm test -- e2e                    only the browser tests
//   npm test -- faults [fuzz kills …]  only the fault suite (= npm run test:faults), or the
//                                      fault test files whose names contain these words
//   FAULTS_SEED=123 npm test -- faults replay a fault run's seeds (each run prints them)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { checkJavaAndMaven, type RunningBroker, startKafkaBroker } from '@/scripts/kafka/broker';
import { readFigures, summaryLine } from '@/scripts/lib/fault-figures';
import { root } from '@/scripts/lib/processes';
import { fail, step } from '@/scripts/lib/progress';
import { type Counts, playwrightCounts, vitestCounts } from '@/scripts/lib/vitest-report';

const PARTS = ['quick', 'unit', 'e2e', 'faults'] as const;
const only = process.argv[2] as (typeof PARTS)[number] | undefined;
const faultFilters = process.argv.slice(3);
if (only !== undefined && !PARTS.includes(only)) {
  fail(`unknown part ${JSON.stringify(only)}: use ${PARTS.join(', ')} (or nothing, for everything)`);
}
/** Whether this run includes a stage. */
const runs = (stage: 'unit' | 'integration' | 'e2e' | 'faults'): boolean =>
  only === undefined || only === stage || (only === 'quick' && stage !== 'faults');
const resultsDir = path.join(root, '.pulse', 'test-results');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** A runner that crashed before writing its report counts as one failure. */
async function counts(stage: string, read: () => Promise<Counts>): Promise<Counts> {
  try {
    return await read();
  } catch {
    return { passed: 0, failed: 1, skipped: 0, failures: [`${stage}: no report (the runner crashed)`] };
  }
}

/** Run one vitest project (its files filtered by `filters`) and count its results. */
async function vitestProject(
  project: string,
  env: Record<string, string> = {},
  filters: string[] = [],
): Promise<Counts> {
  const report = `${resultsDir}/${project}.json`;
  const args = ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${report}`];
  await run(bin('vitest'), [...args, ...filters], env);
  return counts(project, () => vitestCounts(report, project));
}

async function checkPostgres(): Promise<void> {
  const url = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    fail(
      `PostgreSQL is required for the integration, browser and fault tests and does not answer at ${url}: start it (e.g. pg_ctlcluster 15 main start) or set TEST_DATABASE_SERVER_URL`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const totals: Counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const add = (c: Counts) => {
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.skipped;
    totals.failures.push(...c.failures);
  };
  let broker: RunningBroker | null = null;
  let brokerDir: string | null = null;
  const cleanup = async () => {
    await broker?.stop();
    if (brokerDir) await rm(brokerDir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

  try {
    await rm(resultsDir, { recursive: true, force: true });
    if (runs('unit')) {
      step('type check (tsc --noEmit)');
      if ((await run(bin('tsc'), ['--noEmit'])) !== 0) {
        totals.failed += 1;
        fail('type check failed');
      }
      step('lint and format check (biome)');
      if ((await run(bin('biome'), ['check', '.'])) !== 0) {
        totals.failed += 1;
        fail('biome check failed: run `npx biome check --write .`');
      }
      step('unit tests');
      add(await vitestProject('unit'));
    }
    if (only !== 'unit') {
      if (runs('e2e') && !existsSync(chromium))
        fail(`Chromium is required for the browser tests: apt-get install -y chromium (or set CHROMIUM_PATH)`);
      await checkPostgres();
      let brokers = process.env.KAFKA_BROKERS;
      if (brokers) step(`using the Kafka cluster at ${brokers}`);
      else {
        await checkJavaAndMaven();
        brokerDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-test-kafka-'));
        const port = Number(process.env.TEST_KAFKA_PORT ?? 19092);
        broker = await startKafkaBroker({ dataDir: brokerDir, port, controllerPort: port + 1, onProgress: step });
        brokers = broker.brokers.join(',');
      }
      step('building the dashboard for the tests (next build)');
      if ((await run(bin('next'), ['build'], { NEXT_TELEMETRY_DISABLED: '1' })) !== 0) fail('next build failed');

      // The broker's log folder when this run started it: the undecodable-batch test corrupts a segment there.
      const env = {
        KAFKA_BROKERS: brokers,
        LOG_LEVEL: 'warn',
        ...(broker ? { TEST_KAFKA_LOG_DIR: broker.logDir } : {}),
      };
      if (runs('integration')) {
        step('integration tests (real Kafka + PostgreSQL)');
        add(await vitestProject('integration', env));
      }
      if (runs('e2e')) {
        step('end-to-end tests (Playwright + Chromium)');
        await run(bin('playwright'), ['test'], env);
        add(await counts('e2e', () => playwrightCounts(`${resultsDir}/e2e.json`)));
      }
      if (runs('faults')) {
        step('fault tests (worker and web processes under SIGKILLs, rebalances, outages; fuzzing)');
        add(await vitestProject('faults', env, faultFilters));
        const figures = await readFigures();
        if (figures.length > 0) console.log(`\n${summaryLine(figures)}`);
      }
    }
  } finally {
    await cleanup();
  }
  const summary = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
  if (totals.failures.length > 0) console.log(`\nFailed:\n${totals.failures.map((f) => `  ${f}`).join('\n')}`);
  console.log(`\nTests: ${summary}`);
  process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
