// npm run test:faults — fault injection against real services: a Kafka broker started here
// (TEST_KAFKA_PORT, default 19092, and the next port; the broker-restart test starts its own on
// +10/+11) unless KAFKA_BROKERS is set, PostgreSQL, the production web server and worker
// processes. Workers are SIGKILLed, rebalanced, cut off from the broker and the database, and
// fed fuzzed payloads; every scenario then compares all figures with an independent
// computation. Ends with one line of figures and `Tests: N passed, N failed`.
//   npm run test:faults                 every scenario (~12 min on 2 cores)
//   npm run test:faults -- fuzz kills   only the test files whose names contain these words
//   FAULTS_SEED=123 npm run test:faults replay a run's seeds (each run prints them)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { checkJavaAndMaven, type RunningBroker, startKafkaBroker } from './kafka/broker';
import { root } from './lib/processes';
import { fail, step } from './lib/progress';

const filters = process.argv.slice(2);
const resultsDir = path.join(root, '.pulse', 'test-results');
const figuresDir = path.join(resultsDir, 'faults');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function checkPostgres(): Promise<void> {
  const url = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    fail(
      `PostgreSQL is required for the fault tests and does not answer at ${url}: start it (e.g. pg_ctlcluster 15 main start) or set TEST_DATABASE_SERVER_URL`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

type Figures = Record<string, number | string>;

async function readFigures(): Promise<Figures[]> {
  if (!existsSync(figuresDir)) return [];
  const files = (await readdir(figuresDir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(figuresDir, f), 'utf8')) as Figures));
}

/** The line quoted in release notes: what was done to the system and how many numbers differed. */
function summaryLine(all: Figures[]): string {
  const sum = (key: string) => all.reduce((n, f) => n + (typeof f[key] === 'number' ? (f[key] as number) : 0), 0);
  const n = (key: string) => sum(key).toLocaleString('en-US');
  const mode = (key: string) => all.find((f) => typeof f[key] === 'string')?.[key] ?? '?';
  return (
    `Fault tests: ${n('messagesProduced')} messages produced (${n('distinctEvents')} distinct events counted, ` +
    `${n('duplicates')} duplicates, ${n('refunds')} refunds ${mode('refundsAre')}, ${n('late')} late, ` +
    `${n('future')} far-future ${mode('futureEventsAre')}, ${n('malformed')} malformed), ` +
    `${n('kills')} worker SIGKILLs, ${n('brokerRestarts')} broker restarts, ` +
    `${n('pgConnectionCuts')} PostgreSQL connection cuts (${n('pgOutages')} of them refusing connections for 8 s), ` +
    `${n('fuzzPayloads')} fuzzed payloads; ${n('valuesCompared')} values compared, differences: ${n('differences')}`
  );
}

async function main(): Promise<void> {
  let broker: RunningBroker | null = null;
  let brokerDir: string | null = null;
  const cleanup = async () => {
    await broker?.stop();
    if (brokerDir) await rm(brokerDir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

  let passed = 0;
  let failed = 0;
  try {
    await checkPostgres();
    let brokers = process.env.KAFKA_BROKERS;
    if (brokers) step(`using the Kafka cluster at ${brokers}`);
    else {
      await checkJavaAndMaven();
      brokerDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-faults-kafka-'));
      const port = Number(process.env.TEST_KAFKA_PORT ?? 19092);
      broker = await startKafkaBroker({ dataDir: brokerDir, port, controllerPort: port + 1, onProgress: step });
      brokers = broker.brokers.join(',');
    }
    step('building the dashboard (next build): the scenarios read their figures through the HTTP API');
    if ((await run(bin('next'), ['build'], { NEXT_TELEMETRY_DISABLED: '1' })) !== 0) fail('next build failed');

    await rm(figuresDir, { recursive: true, force: true });
    step('fault tests (real Kafka + PostgreSQL + worker and web processes)');
    await run(
      bin('vitest'),
      [
        'run',
        '--project',
        'faults',
        '--reporter=default',
        '--reporter=json',
        `--outputFile=${resultsDir}/faults.json`,
        ...filters,
      ],
      { KAFKA_BROKERS: brokers, LOG_LEVEL: 'warn' },
    );
    try {
      const report = JSON.parse(await readFile(`${resultsDir}/faults.json`, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
      };
      passed = report.numPassedTests;
      failed = report.numFailedTests;
    } catch {
      failed += 1; // vitest crashed before writing its report
    }
  } finally {
    await cleanup();
  }
  const figures = await readFigures();
  if (figures.length > 0) console.log(`\n${summaryLine(figures)}`);
  console.log(`\nTests: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
