import { getColumns, ident, LIVE_SCHEMA, qualified, type Session, timeColumnOf } from './replay-sql';

export interface CopiedRows {
  /** Rows copied per table. */
  rows: Map<string, number>;
  /**
   * Per rollup table and partition of `topic`, the first offset whose facts the snapshot had not
   * rolled up into that table yet: copied facts from there on are not in its copied rows.
   */
  rolledUpTo: Map<string, Map<number, bigint>>;
}

/**
 * Copy the live rows of buckets (facts: events) before `cutoff` into the replay's tables, as they
 * were in the snapshot `snapshotId` (see openLiveSnapshot). Tables without a time column
 * (fact_roll) are rebuilt by the replay itself.
 */
export async function copyRowsBefore(
  session: Session,
  {
    snapshotId,
    schema,
    tables,
    cutoff,
    topic,
  }: { snapshotId: string; schema: string; tables: readonly string[]; cutoff: Date; topic: string },
): Promise<CopiedRows> {
  const copied = new Map<string, number>();
  const rolledUpTo = new Map<string, Map<number, bigint>>();
  await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    await session.query(`SET TRANSACTION SNAPSHOT '${snapshotId.replaceAll("'", "''")}'`);
    for (const table of tables) {
      const info = await getColumns(session, LIVE_SCHEMA, table);
      const time = timeColumnOf(info);
      if (!time) continue;
      const columns = info.map((c) => ident(c.name)).join(', ');
      const result = await session.query(
        `INSERT INTO ${qualified(schema, table)} (${columns})
         SELECT ${columns} FROM ${qualified(LIVE_SCHEMA, table)} WHERE ${ident(time)} < $1`,
        [cutoff],
      );
      copied.set(table, result.rowCount ?? 0);
    }
    const { rows } = await session.query<{ partition: number; rollup: string; next_offset: string }>(
      `SELECT partition, rollup, next_offset::text FROM ${qualified(LIVE_SCHEMA, 'fact_roll')} WHERE topic = $1`,
      [topic],
    );
    for (const r of rows) {
      const positions = rolledUpTo.get(r.rollup) ?? new Map<number, bigint>();
      rolledUpTo.set(r.rollup, positions.set(r.partition, BigInt(r.next_offset)));
    }
    await session.query('COMMIT');
  } catch (err) {
    await session.query('ROLLBACK');
    throw err;
  }
  return { rows: copied, rolledUpTo };
}
