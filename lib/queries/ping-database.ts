import type { PrismaClient } from '@prisma/client';

/** `SELECT 1`, failing after `timeoutMs`: readiness must answer quickly even when Postgres does not. */
export async function pingDatabase(prisma: PrismaClient, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the worker and the web process log at start-up when jitIsOn. */
export const JIT_ON_WARNING =
  'PostgreSQL JIT is on for this database: queries and the roll-up run many times slower; have its owner run ALTER DATABASE … SET jit = off (npm run db:migrate does when it may)';

/**
 * Whether PostgreSQL's JIT compiler is on for this connection: `npm run db:migrate` turns it off
 * for Pulse's database (scripts/db/database.ts turnJitOff), as it made each dashboard query take
 * seconds; it stays on where the migrating role may not change the database's settings.
 */
export async function jitIsOn(prisma: PrismaClient): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ jit: string }[]>`SELECT current_setting('jit') AS jit`;
  return rows[0]?.jit === 'on';
}
