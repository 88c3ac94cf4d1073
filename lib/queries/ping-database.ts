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
