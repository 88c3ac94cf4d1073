// The one Prisma client of a process. Prisma runs here with its JavaScript query compiler
// over node-postgres (driver adapter): no native engine binary is needed.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import type pg from 'pg';
import { env } from './env';
import { registerPoolGauges } from './metrics';

const cache = globalThis as unknown as { pulsePrisma?: PrismaClient };

/**
 * Waiting for a pooled connection fails after this long instead of hanging: a worker whose
 * database is gone must get an error it can retry and report, not a batch that never ends.
 */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * PrismaPg that gives a transaction's connection back when COMMIT or ROLLBACK fails.
 *
 * Why: Prisma 6.19 closes a transaction with `executeRaw('ROLLBACK')` and only then calls the
 * adapter's `rollback()`, which is what releases the pg client to the pool. When the
 * connection died mid-transaction (database restarted, pg_terminate_backend) the ROLLBACK
 * throws, the client is never released, and the pool loses one slot for good; after `max`
 * such failures every later query waits forever (seen: a worker stuck with 10 leaked
 * clients after its connections were cut). Releasing it here lets pg-pool drop the dead
 * client (it is no longer queryable) and open a fresh one when the database is back.
 */
class ReleasingPrismaPg extends PrismaPg {
  constructor(
    config: pg.PoolConfig,
    private readonly onPool?: (pool: pg.Pool) => void,
  ) {
    super(config, {
      // Idle pooled connections that die (database restart) are dropped by pg-pool; without
      // this handler nothing would be logged, but nothing crashes either.
      onPoolError: () => undefined,
    });
  }

  override async connect() {
    const adapter = await super.connect();
    const pool: pg.Pool = adapter.underlyingDriver();
    // pg-pool listens for errors of idle clients only. A client checked out for a transaction
    // whose connection the server ends between two statements (pg_terminate_backend, a
    // restart) emitted 'error' with no listener, and that crashed the process (a worker in the
    // fault suite's database outage). The failure reaches the caller through its next query;
    // the client is no longer queryable, so pg-pool drops it on release.
    pool.on('connect', (client) => client.on('error', () => undefined));
    this.onPool?.(pool);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const tx = await startTransaction(isolationLevel);
      const executeRaw = tx.executeRaw.bind(tx);
      tx.executeRaw = async (query) => {
        try {
          return await executeRaw(query);
        } catch (error) {
          if (query.sql === 'COMMIT' || query.sql === 'ROLLBACK') await tx.rollback().catch(() => undefined);
          throw error;
        }
      };
      return tx;
    };
    return adapter;
  }
}

export function createPrisma(databaseUrl: string, poolSize = 10, onPool?: (pool: pg.Pool) => void): PrismaClient {
  const adapter = new ReleasingPrismaPg(
    { connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
    onPool,
  );
  return new PrismaClient({ adapter });
}

/**
 * A client whose unqualified table names resolve in `schema` only (the replay runs the
 * worker's own apply code against fresh tables this way). pg_catalog is listed last, so
 * functions defined in `schema` shadow built-ins of the same name; a table missing from
 * `schema` is an error, never a silent write to the live one. Model queries (which Prisma
 * qualifies itself) go to `schema` too.
 */
export function createPrismaInSchema(databaseUrl: string, schema: string, poolSize = 4): PrismaClient {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a plain schema name: ${schema}`);
  const adapter = new PrismaPg(
    { connectionString: databaseUrl, max: poolSize, options: `-c search_path=${schema},pg_catalog` },
    { schema },
  );
  return new PrismaClient({ adapter });
}

/**
 * Shared client. Cached on globalThis so that Next's dev-mode module reloading and the
 * custom server (which loads this file outside Next's bundle) reuse one pool per process.
 */
export function db(): PrismaClient {
  cache.pulsePrisma ??= createPrisma(env().DATABASE_URL, 10, registerPoolGauges);
  return cache.pulsePrisma;
}

export async function disconnectDb(): Promise<void> {
  await cache.pulsePrisma?.$disconnect();
  cache.pulsePrisma = undefined;
}
