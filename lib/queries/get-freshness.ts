import type { PrismaClient } from '@prisma/client';
import type { Freshness } from './overview.types';

/** When the workers last committed, and how long the newest committed message waited. */
export async function getFreshness(prisma: PrismaClient, topic: string): Promise<Freshness> {
  const rows = await prisma.$queryRaw<{ updated_at: Date; last_message_at: Date | null }[]>`
    SELECT updated_at, last_message_at FROM consumer_offset
    WHERE topic = ${topic} AND last_message_at IS NOT NULL
    ORDER BY updated_at DESC LIMIT 1`;
  const row = rows[0];
  if (!row?.last_message_at) return { as_of: null, lag_ms: null };
  return {
    as_of: row.updated_at.toISOString(),
    lag_ms: Math.max(0, row.updated_at.getTime() - row.last_message_at.getTime()),
  };
}
