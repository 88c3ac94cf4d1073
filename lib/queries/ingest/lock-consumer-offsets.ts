import { LIVE_SCHEMA, qualified, type Session } from '@/lib/queries/replay/replay-sql';
import { getConsumerOffsets, type OffsetStore, SALES_OFFSETS } from './get-consumer-offsets';

export interface OffsetFence {
  /**
   * Next offset per topic and partition, frozen while the fence stands (absent: nothing consumed).
   */
  offsets: Map<string, Map<number, bigint>>;
  /** Ends the transaction: the workers carry on. */
  release(): Promise<void>;
}

/**
 * Stop every worker of `store` from committing, and read where they stand on `topics`. Every
 * batch transaction begins by writing its partition's offset row (consumer_offset:
 * lib/queries/ingest/apply-sales-batch.ts, inventory_offset: lib/queries/inventory/apply-inventory-batch.ts),
 * so while this lock is held no batch can change any table it keeps; one that is already past
 * that point is waited for. A table lock in SHARE mode rather than FOR UPDATE on the rows:
 * it also stops a worker's first batch on a partition that has no row yet (an INSERT that
 * no row lock would block) and every other writer of offsets; readers are not blocked.
 */
export async function lockConsumerOffsets(
  session: Session,
  topics: readonly string[],
  store: OffsetStore = SALES_OFFSETS,
  lockTimeoutMs = 10_000,
): Promise<OffsetFence> {
  await session.query('BEGIN');
  try {
    await session.query(`SET LOCAL lock_timeout = ${Math.round(lockTimeoutMs)}`);
    await session.query(`LOCK TABLE ${qualified(LIVE_SCHEMA, store.table)} IN SHARE MODE`);
    const offsets = new Map<string, Map<number, bigint>>();
    for (const topic of topics) {
      const rows = await getConsumerOffsets(session, topic, store);
      offsets.set(topic, new Map([...rows].map(([partition, row]) => [partition, row.nextOffset])));
    }
    // Nothing was written: ending with ROLLBACK or COMMIT is the same; ROLLBACK is safe in any state.
    return { offsets, release: async () => void (await session.query('ROLLBACK')) };
  } catch (err) {
    await session.query('ROLLBACK');
    throw err;
  }
}
