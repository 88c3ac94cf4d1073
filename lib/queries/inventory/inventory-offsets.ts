import type { PrismaClient } from '@prisma/client';
import type { StoredOffset } from '@/lib/queries/ingest/get-stored-offset';

/** The inventory group's next offset for a partition according to Postgres (the source of truth). */
export async function getInventoryOffset(
  prisma: PrismaClient,
  groupId: string,
  topic: string,
  partition: number,
): Promise<StoredOffset | null> {
  const rows = await prisma.$queryRaw<{ next_offset: bigint; cluster_id: string | null }[]>`
    SELECT next_offset, cluster_id FROM inventory_offset
    WHERE group_id = ${groupId} AND topic = ${topic} AND partition = ${partition}`;
  const row = rows[0];
  return row ? { nextOffset: row.next_offset, clusterId: row.cluster_id } : null;
}

/**
 * Start a partition over at `nextOffset` on `clusterId`, if it is still where we saw it (another
 * log: a new cluster or a recreated topic). Nothing is applied twice: the ids stay claimed in
 * inventory_processed_event.
 */
export async function resetInventoryOffset(
  prisma: PrismaClient,
  groupId: string,
  topic: string,
  partition: number,
  seen: StoredOffset,
  nextOffset: bigint,
  clusterId: string,
): Promise<void> {
  await prisma.$executeRaw`
    UPDATE inventory_offset SET next_offset = ${nextOffset}, cluster_id = ${clusterId}, updated_at = now()
    WHERE group_id = ${groupId} AND topic = ${topic} AND partition = ${partition}
      AND next_offset = ${seen.nextOffset} AND cluster_id IS NOT DISTINCT FROM ${seen.clusterId}`;
}
