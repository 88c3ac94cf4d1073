import { getConsumerOffsets, type OffsetStore, SALES_OFFSETS } from '@/lib/queries/ingest/get-consumer-offsets';
import { LIVE_SCHEMA, qualified, type Session } from '@/lib/queries/replay/replay-sql';

export interface LiveSnapshot {
  /** For SET TRANSACTION SNAPSHOT in other sessions: they then see exactly this state. */
  id: string;
  /** The workers' position in this state: every aggregate in it counts the messages below. */
  offsets: Map<number, bigint>;
  /** Of `ids`, those the workers had counted (and not yet forgotten) in this state. */
  countedEventIds(ids: string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

/**
 * A consistent, frozen view of the database, held open on `session` until closed: every
 * query on `session` meanwhile sees it. The workers commit aggregates, counted ids and
 * offsets together, so the offsets read here are exactly the messages the aggregates in this
 * view contain. Holding a snapshot keeps VACUUM from removing row versions newer than it,
 * so it is closed as soon as possible.
 */
export async function openLiveSnapshot(
  session: Session,
  topic: string,
  store: OffsetStore | null = SALES_OFFSETS,
): Promise<LiveSnapshot> {
  await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const { rows } = await session.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const rowsByPartition = store ? await getConsumerOffsets(session, topic, store) : new Map();
    // One connection runs one query at a time: callers from several partitions take turns.
    let turn: Promise<unknown> = Promise.resolve();
    const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
      const result = turn.then(work, work);
      turn = result.catch(() => undefined);
      return result;
    };
    return {
      id: rows[0]?.id as string,
      offsets: new Map([...rowsByPartition].map(([partition, row]) => [partition, row.nextOffset])),
      countedEventIds: async (ids) => {
        if (ids.length === 0) return new Set();
        const found = await inTurn(() =>
          session.query<{ event_id: string }>(
            `SELECT event_id FROM ${qualified(LIVE_SCHEMA, 'processed_event')} WHERE event_id = ANY ($1::text[])`,
            [ids],
          ),
        );
        return new Set(found.rows.map((r) => r.event_id));
      },
      close: () => inTurn(async () => void (await session.query('ROLLBACK'))),
    };
  } catch (err) {
    await session.query('ROLLBACK');
    throw err;
  }
}
