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
