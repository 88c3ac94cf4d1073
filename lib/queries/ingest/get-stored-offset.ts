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
 *
 * The roll's position (fact_roll) comes back with it, to just past the partition's last fact:
 * a stored offset beyond the log's end (a recreated topic) may have let a roller mark offsets
 * up to it rolled, and the facts the partition now gets at those offsets would then be neither
 * rolled nor pending — missing from every hour and day cell. No fact is past that point, so
 * nothing rolled becomes pending again. One statement: atomic, and it waits for a roller
 * holding the row (then sees its result).
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
    WITH reset AS (
      UPDATE consumer_offset SET next_offset = ${nextOffset}, cluster_id = ${clusterId}, updated_at = now()
      WHERE topic = ${topic} AND partition = ${partition}
        AND next_offset = ${seen.nextOffset} AND cluster_id IS NOT DISTINCT FROM ${seen.clusterId}
      RETURNING topic, partition
    )
    UPDATE fact_roll w
    SET next_offset = LEAST(w.next_offset, coalesce((
      SELECT max(f."offset") + 1 FROM sale_fact f WHERE f.topic = w.topic AND f.partition = w.partition
    ), 0)), updated_at = now()
    FROM reset WHERE w.topic = reset.topic AND w.partition = reset.partition`;
}
