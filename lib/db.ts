// The one Prisma client of a process. Prisma runs here with its JavaScript query compiler
// over node-postgres (driver adapter): no native engine binary is needed.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { env } from './env';

const cache = globalThis as unknown as { pulsePrisma?: PrismaClient };

export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
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
  cache.pulsePrisma ??= createPrisma(env().DATABASE_URL);
  return cache.pulsePrisma;
}

export async function disconnectDb(): Promise<void> {
  await cache.pulsePrisma?.$disconnect();
  cache.pulsePrisma = undefined;
}
