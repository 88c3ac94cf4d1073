import type { PrismaClient } from '@prisma/client';

export interface StoredOffset {
  nextOffset: bigint;
  clusterId: string | null;
}

/** Next offset to consume for a partition according to Postgres (the source of truth). */
export async function getStoredOffset(
  prisma: PrismaClient,
  topic: string,
  partition: number,
): Promise<StoredOffset | null> {
  const rows = await prisma.$queryRaw<{ next_offset: bigint; cluster_id: string | null }[]>`
    SELECT next_offset, cluster_id FROM consumer_offset WHERE topic = ${topic} AND partition = ${partition}`;
  const row = rows[0];
  return row ? { nextOffset: row.next_offset, clusterId: row.cluster_id } : null;
}

/**
 * Start a partition over at `nextOffset` on `clusterId`, if it is still where we saw it.
 * Safe against double counting: events already counted keep their ids in processed_event.
 */
export async function resetStoredOffset(
  prisma: PrismaClient,
  topic: string,
  partition: number,
  seen: StoredOffset,
  nextOffset: bigint,
  clusterId: string,
): Promise<void> {
  await prisma.$executeRaw`
    UPDATE consumer_offset SET next_offset = ${nextOffset}, cluster_id = ${clusterId}, updated_at = now()
    WHERE topic = ${topic} AND partition = ${partition}
      AND next_offset = ${seen.nextOffset} AND cluster_id IS NOT DISTINCT FROM ${seen.clusterId}`;
}
