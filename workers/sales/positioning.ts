// Positioning at the offset stored in Postgres. Why: Kafka's committed offset can lag Postgres
// (crash between the two commits) or be ahead of it (database restored or recreated). Postgres
// is the truth, so the first batch of every assignment is compared with the stored offset and,
// if it differs, the partition is re-positioned before anything is applied. Only one seek per
// assignment: if the stored offset has been deleted by retention, Kafka resets to the earliest
// offset and that batch is then accepted.
import type { Batch } from 'kafkajs';
import { leadingUndecodable } from '@/lib/ingest/undecodable-batch';
import { advancePastUnreadableOffsets } from '@/lib/queries/ingest/advance-past-unreadable-offsets';
import { clearBlockedPartition } from '@/lib/queries/ingest/blocked-partitions';
import { getStoredOffset, resetStoredOffset } from '@/lib/queries/ingest/get-stored-offset';
import type { ConsumerContext } from './context';

/** kafkajs' END_BATCH_PROCESS payload, the parts read here. */
interface EndOfBatch {
  topic: string;
  partition: number;
  batchSize: number;
  firstOffset: string | null;
  lastOffset: string;
  highWatermark: string;
}

export class StoredPositions {
  /** Partitions whose position has been checked against Postgres since the last (re)join. */
  private readonly checked = new Set<number>();

  constructor(
    private readonly ctx: ConsumerContext,
    /** Id of the cluster the consumer talks to; stored with every offset. */
    private readonly clusterId: string,
  ) {}

  /** A (re)join: every partition is checked again. */
  reset(): void {
    this.checked.clear();
  }

  /** True if the batch starts at the stored position; otherwise the partition was re-positioned. */
  async positioned(batch: Batch): Promise<boolean> {
    if (this.checked.has(batch.partition)) return true;
    const { consumer, prisma, log, metrics } = this.ctx;
    const { clusterId } = this;
    const where = { topic: batch.topic, partition: batch.partition };
    // An undecodable batch arrives as one marker at its last offset; it starts at its first.
    const marker = leadingUndecodable(batch);
    const first = marker?.firstOffset ?? BigInt(batch.firstOffset() ?? '0');
    let stored = await getStoredOffset(prisma, batch.topic, batch.partition);
    // Offsets of another cluster (a new broker, a migrated cluster) or beyond the end of the
    // partition (topic recreated) describe another log: start this one from its beginning.
    // Nothing is counted twice — ids of events already counted are kept in processed_event.
    const foreign = stored !== null && stored.clusterId !== null && stored.clusterId !== clusterId;
    if (stored && (foreign || stored.nextOffset > BigInt(batch.highWatermark))) {
      log.warn(
        {
          ...where,
          stored: stored.nextOffset.toString(),
          storedCluster: stored.clusterId,
          clusterId,
          highWatermark: batch.highWatermark,
        },
        'stored offset belongs to another log (new cluster or recreated topic); restarting the partition from its beginning',
      );
      await resetStoredOffset(prisma, batch.topic, batch.partition, stored, 0n, clusterId);
      stored = { nextOffset: 0n, clusterId };
    }
    const target = stored?.nextOffset ?? 0n;
    // Readable where a worker once stopped (the damage was repaired, e.g. by a leader move):
    // the record of the stop is stale.
    if (!marker) await clearBlockedPartition(prisma, batch.topic, batch.partition);
    // Marked only now that the database has answered: if a query above failed, the next
    // delivery must be checked again, or a Kafka position ahead of Postgres would skip events.
    this.checked.add(batch.partition);
    metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(BigInt(batch.highWatermark) - target),
    );
    if (first === target || (marker && marker.firstOffset <= target && target <= marker.lastOffset)) return true;
    log.info({ ...where, from: first.toString(), to: target.toString() }, 'seeking to offset stored in Postgres');
    consumer.seek({ topic: batch.topic, partition: batch.partition, offset: target.toString() });
    return false;
  }

  /**
   * A fetch that held only transaction markers or aborted records never reaches eachBatch:
   * kafkajs moves past it itself. The stored position must move past it too (`stopped`: the
   * partition waits at an undecodable batch and stays where it is).
   */
  afterBatch(end: EndOfBatch, stopped: boolean): void {
    const { partition, batchSize, firstOffset, lastOffset, highWatermark } = end;
    if (batchSize > 0 || firstOffset == null || !this.checked.has(partition) || stopped) return;
    const { prisma, log } = this.ctx;
    advancePastUnreadableOffsets(
      prisma,
      end.topic,
      partition,
      BigInt(firstOffset),
      BigInt(lastOffset),
      BigInt(highWatermark),
    ).catch((err: unknown) => log.warn({ err, partition }, 'moving past transaction markers failed'));
  }
}
