import { LIVE_SCHEMA, type Queryable, qualified } from '@/lib/queries/replay/replay-sql';

export interface ConsumerOffsetRow {
  nextOffset: bigint;
  clusterId: string | null;
  highWatermark: bigint;
}

/** The live workers' stored position on every partition of `topic` that has one. */
export async function getConsumerOffsets(q: Queryable, topic: string): Promise<Map<number, ConsumerOffsetRow>> {
  const { rows } = await q.query<{ partition: number; next_offset: string; cluster_id: string | null; high: string }>(
    `SELECT partition, next_offset::text, cluster_id, high_watermark::text AS high
     FROM ${qualified(LIVE_SCHEMA, 'consumer_offset')} WHERE topic = $1`,
    [topic],
  );
  return new Map(
    rows.map((r) => [
      r.partition,
      { nextOffset: BigInt(r.next_offset), clusterId: r.cluster_id, highWatermark: BigInt(r.high) },
    ]),
  );
}
