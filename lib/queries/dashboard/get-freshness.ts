import type { PrismaClient } from '@prisma/client';
import type { Freshness } from '@/lib/contract/overview';

/**
 * Since when the counted data is known complete (the newest worker commit, or the newest
 * check by an idle worker that found nothing new), how long how long the newest committed message waited, how many
 * messages are still waiting, and how far (in time) the counted data is behind Kafka.
 */
export async function getFreshness(prisma: PrismaClient, topic: string, nowMs = Date.now()): Promise<Freshness> {
  const rows = await prisma.$queryRaw<
    { as_of: Date | null; lag_ms: number | null; backlog: bigint | null; behind_since: Date | null }[]
  >`
    SELECT max(GREATEST(updated_at, checked_at)) AS as_of,
           (array_agg(extract(epoch FROM updated_at - last_message_at) * 1000 ORDER BY updated_at DESC))[1]::float8 AS lag_ms,
           sum(GREATEST(high_watermark - next_offset, 0))::bigint AS backlog,
           min(last_message_at) FILTER (WHERE high_watermark > next_offset) AS behind_since
    FROM consumer_offset
    WHERE topic = ${topic} AND last_message_at IS NOT NULL`;
  const row = rows[0];
  if (!row?.as_of) return { as_of: null, lag_ms: null, backlog: 0, behind_ms: 0 };
  return {
    as_of: row.as_of.toISOString(),
    lag_ms: Math.max(0, Math.round(row.lag_ms ?? 0)),
    backlog: Number(row.backlog ?? 0),
    // With a backlog, the newest counted message of the most lagging partition dates how far behind we are.
    behind_ms: row.behind_since ? Math.max(0, nowMs - row.behind_since.getTime()) : 0,
  };
}
