// npm run demo — the whole product on one machine: Kafka broker, PostgreSQL (local or
// embedded), migrations, the sales, inventory and actions workers, the sales simulator and the dashboard. A worker, simulator or
// web server that exits is restarted (scripts/lib/supervise.ts); Ctrl-C stops it all.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Database, migrate, provideDatabase } from '@/scripts/db/database';
import { checkJavaAndMaven, type RunningBroker, startKafkaBroker } from '@/scripts/kafka/broker';
import { httpOk, type Managed, root, startNode, WORKER_NODE_OPTIONS, waitFor } from '@/scripts/lib/processes';
import { fail, step } from '@/scripts/lib/progress';
import { type Supervised, supervise } from '@/scripts/lib/supervise';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    workers: { type: 'string', default: '1' },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
  },
});
const logDir = path.join(root, '.pulse', 'logs');
/** Past sales the simulator seeds: 12 of the store rule's 5-minute windows, 4 of the category rule's 15-minute ones. */
const HISTORY_MINUTES = 60;
const started = Date.now();
const children: Supervised[] = [];
let broker: RunningBroker | null = null;
let database: Database | null = null;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  step('stopping…');
  await Promise.all(children.map((c) => c.stop()));
  await broker?.stop();
  await database?.stop();
  step('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function newestSourceMtime(dirs: string[]): Promise<number> {
  let newest = 0;
  for (const dir of dirs) {
    const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isFile()) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
    }
  }
  return newest;
}

/** Production build of the dashboard, redone only when sources changed since the last one. */
async function buildIfStale(): Promise<void> {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (builtAt > (await newestSourceMtime(['app', 'components', 'lib']))) {
    step('dashboard build is up to date');
    return;
  }
  step('building the dashboard (next build, ~30 s the first time)…');
  const result = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) fail(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

function startSupervised(name: string, start: () => Managed): void {
  children.push(supervise(name, start, { report: step, onGiveUp: () => void stopAll(1) }));
}

async function main(): Promise<void> {
  const port = Number(values.port);
  let brokers = process.env.KAFKA_BROKERS;
  if (brokers) {
    step(`using the Kafka cluster at ${brokers}`);
  } else {
    await checkJavaAndMaven();
    const dataDir = path.join(root, '.pulse', 'kafka', 'data');
    broker = await startKafkaBroker({ dataDir, onProgress: step });
    brokers = broker.brokers.join(',');
    // Not restarted: every child depends on it, and its own log says why it went.
    void broker.exited.then((code) => {
      if (stopping) return;
      step(
        `Kafka broker exited unexpectedly (code ${code}); see ${path.relative(root, path.join(dataDir, 'broker.log'))}`,
      );
      void stopAll(1);
    });
  }

  step('preparing PostgreSQL');
  database = await provideDatabase({ allowEmbedded: true, onProgress: step });
  step(
    `database: ${new URL(database.url).host}${new URL(database.url).pathname} (${database.kind}); applying migrations`,
  );
  await migrate(database.url);

  await buildIfStale();

  const admin = await demoAdmin();
  const env = { DATABASE_URL: database.url, KAFKA_BROKERS: brokers, PORT: String(port), LOG_LEVEL: 'info' };
  const workerCount = Math.max(1, Number(values.workers));
  // Each worker process serves /healthz, /readyz and /metrics on its own port: the sales workers
  // 9400, 9401, …, then the inventory worker (workers/inventory/main.ts) and the actions worker
  // (workers/actions/main.ts: alerts, suggestions, retail.actions.v1).
  const opsBase = Number(process.env.WORKER_HTTP_PORT ?? 9400);
  const workers = [
    ...Array.from({ length: workerCount }, (_, i) => ({ name: `worker-${i + 1}`, args: [] as string[] })),
    { name: 'inventory-worker', args: ['inventory'] },
    { name: 'actions-worker', args: ['actions'] },
  ];
  const opsPorts: number[] = [];
  workers.forEach(({ name, args }, i) => {
    const opsPort = opsBase > 0 ? opsBase + i : 0;
    if (opsPort > 0) opsPorts.push(opsPort);
    startSupervised(name, () =>
      startNode(
        name,
        'workers/index.ts',
        args,
        { ...env, WORKER_HTTP_PORT: String(opsPort), NODE_OPTIONS: WORKER_NODE_OPTIONS },
        logDir,
      ),
    );
  });
  step(
    `started ${workerCount} worker(s), the inventory worker and the actions worker${opsPorts.length > 0 ? `; health and metrics: ${opsPorts.map((p) => `http://localhost:${p}/metrics`).join(', ')}` : ''}`,
  );
  // The first start seeds an hour of past sales (the dashboard is full at once, and the anomaly
  // rules have their baseline windows); a restart after a crash must not seed a second one.
  let simulatorStarts = 0;
  startSupervised('simulator', () => {
    simulatorStarts += 1;
    const history = simulatorStarts === 1 ? ['--history', String(HISTORY_MINUTES)] : [];
    return startNode(
      'simulator',
      'workers/simulator/index.ts',
      ['--rate', String(values.rate), ...history],
      env,
      logDir,
    );
  });
  step(
    `simulator producing the last ${HISTORY_MINUTES} min of sales at once (unless Kafka holds sales already), then ~${values.rate} sales/s, inventory (counts, deliveries, shrinkage) and now and then a flash sale at one store (a sales anomaly, the first alerted within ~6 min)`,
  );
  const webEnv = {
    ...env,
    NODE_ENV: 'production',
    PULSE_ADMIN_EMAIL: admin.email,
    PULSE_ADMIN_PASSWORD: admin.password,
  };
  startSupervised('web', () => startNode('web', 'server.ts', [], webEnv, logDir));

  const base = `http://localhost:${port}`;
  await waitFor('the web server', () => httpOk(`${base}/readyz`), 60_000);
  step(`dashboard ready: \x1b[1m${base}\x1b[0m   (logs in ${path.relative(root, logDir)}/, Ctrl-C stops everything)`);
  step(`sign in as \x1b[1m${admin.email}\x1b[0m with password \x1b[1m${admin.password}\x1b[0m (${admin.source})`);
  step(`web health: ${base}/readyz; metrics (admins, or Bearer OPS_TOKEN): ${base}/metrics`);

  const signIn = await fetch(`${base}/api/v1/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  const cookie = /pulse_session=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) {
    fail(
      `could not sign in as ${admin.email} (HTTP ${signIn.status}): the user exists with another password; ` +
        'set PULSE_ADMIN_PASSWORD to it, or delete .pulse/ to start afresh',
    );
  }
  const first = await waitFor(
    'the first counted sale',
    async () => {
      const res = await fetch(`${base}/api/v1/overview?range=15m`, { headers: { cookie: cookie ?? '' } });
      const body = (await res.json()) as { totals?: { orders: number } };
      return (body.totals?.orders ?? 0) > 0 ? body.totals : null;
    },
    120_000,
    500,
  );
  step(
    `live: first sales counted ${((Date.now() - started) / 1000).toFixed(1)} s after start (${first?.orders} orders so far)`,
  );
}

/**
 * The demo's admin: PULSE_ADMIN_EMAIL / PULSE_ADMIN_PASSWORD when set, else admin@pulse.local with
 * a password made on the first run and kept in .pulse/demo-admin.json (the web server creates
 * the user on its first start; it never changes an existing one).
 */
async function demoAdmin(): Promise<{ email: string; password: string; source: string }> {
  const email = process.env.PULSE_ADMIN_EMAIL ?? 'admin@pulse.local';
  if (process.env.PULSE_ADMIN_PASSWORD)
    return { email, password: process.env.PULSE_ADMIN_PASSWORD, source: 'PULSE_ADMIN_PASSWORD' };
  const file = path.join(root, '.pulse', 'demo-admin.json');
  const kept = existsSync(file)
    ? (JSON.parse(await readFile(file, 'utf8')) as { email: string; password: string })
    : null;
  if (kept && kept.email === email) return { ...kept, source: `kept in ${path.relative(root, file)}` };
  const password = randomBytes(12).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ email, password })}\n`, { mode: 0o600 });
  return { email, password, source: `made now, kept in ${path.relative(root, file)}` };
}

main().catch(async (err: unknown) => {
  console.error(`\x1b[31m✖ ${(err as Error).message}\x1b[0m`);
  await stopAll(1);
});
