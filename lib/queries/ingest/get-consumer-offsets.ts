import { LIVE_SCHEMA, type Queryable, qualified } from '@/lib/queries/replay/replay-sql';

export interface ConsumerOffsetRow {
  nextOffset: bigint;
  clusterId: string | null;
  highWatermark: bigint;
}

/**
 * Where a consumer keeps its positions: the sales workers in consumer_offset (one group), the
 * inventory worker in its group's rows of inventory_offset (it reads the sales topic too, so its
 * positions cannot share the sales workers' rows).
 */
export type OffsetStore = { table: 'consumer_offset' } | { table: 'inventory_offset'; groupId: string };

export const SALES_OFFSETS: OffsetStore = { table: 'consumer_offset' };

/** The live consumer's stored position on every partition of `topic` that has one. */
export async function getConsumerOffsets(
  q: Queryable,
  topic: string,
  store: OffsetStore = SALES_OFFSETS,
): Promise<Map<number, ConsumerOffsetRow>> {
  const group = store.table === 'inventory_offset' ? store.groupId : null;
  const { rows } = await q.query<{ partition: number; next_offset: string; cluster_id: string | null; high: string }>(
    `SELECT partition, next_offset::text, cluster_id, high_watermark::text AS high
     FROM ${qualified(LIVE_SCHEMA, store.table)} WHERE topic = $1${group === null ? '' : ' AND group_id = $2'}`,
    group === null ? [topic] : [topic, group],
  );
  return new Map(
    rows.map((r) => [
      r.partition,
      { nextOffset: BigInt(r.next_offset), clusterId: r.cluster_id, highWatermark: BigInt(r.high) },
    ]),
  );
}
