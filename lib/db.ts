// The one Prisma client of a process. Prisma runs here with its JavaScript query compiler
// over node-postgres (driver adapter): no native engine binary is needed.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import pg from 'pg';
import { env } from './env';

const cache = globalThis as unknown as { pulsePrisma?: PrismaClient };

/** How long a query waits for a free connection before it fails (Prisma's maxWait does not bound it). */
const CONNECTION_TIMEOUT_MS = 10_000;

/**
 * A node-postgres pool that takes back a connection as soon as the server drops it.
 *
 * Why: Prisma 6.19 hands a transaction's connection back to the pool only after its COMMIT or
 * ROLLBACK statement succeeds. When PostgreSQL terminates the connection mid-transaction
 * (restart, failover, pg_terminate_backend) that statement fails, the connection stays checked
 * out forever, and once `max` connections are lost like this every later transaction waits
 * forever for one: a worker stopped for good after a few database blips (found by the fault
 * tests, tests/faults/outages.test.ts).
 */
function recoveringPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: CONNECTION_TIMEOUT_MS });
  const onEnd = new WeakMap<pg.PoolClient, () => void>();
  pool.on('acquire', (client) => {
    const lost = () => {
      const release = client.release;
      // The late release by Prisma must find nothing left to do.
      client.release = () => undefined;
      release(new Error('connection closed by the server'));
    };
    onEnd.set(client, lost);
    client.once('end', lost);
  });
  pool.on('release', (_err, client) => {
    const lost = onEnd.get(client as pg.PoolClient);
    if (lost) client.removeListener('end', lost);
  });
  return pool;
}

export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg(recoveringPool(databaseUrl, poolSize), { disposeExternalPool: true });
  return new PrismaClient({ adapter });
}

/**
 * Shared client. Cached on globalThis so that Next's dev-mode module reloading and the
 * custom server (which loads this file outside Next's bundle) reuse one pool per process.
 */
export function db(): PrismaClient {
  cache.pulsePrisma ??= createPrisma(env().DATABASE_URL);
  return cache.pulsePrisma;
}

export async function disconnectDb(): Promise<void> {
  await cache.pulsePrisma?.$disconnect();
  cache.pulsePrisma = undefined;
}
