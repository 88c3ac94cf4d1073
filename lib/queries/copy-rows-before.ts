import { getColumns, ident, LIVE_SCHEMA, qualified, type Session } from './replay-sql';

/**
 * Copy the live rows of buckets before `cutoff` into the replay's tables, as they were in
 * the snapshot `snapshotId` (see openLiveSnapshot). Returns the rows copied per table.
 */
export async function copyRowsBefore(
  session: Session,
  {
    snapshotId,
    schema,
    tables,
    cutoff,
  }: { snapshotId: string; schema: string; tables: readonly string[]; cutoff: Date },
): Promise<Map<string, number>> {
  const copied = new Map<string, number>();
  await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    await session.query(`SET TRANSACTION SNAPSHOT '${snapshotId.replaceAll("'", "''")}'`);
    for (const table of tables) {
      const columns = (await getColumns(session, LIVE_SCHEMA, table)).map((c) => ident(c.name)).join(', ');
      const result = await session.query(
        `INSERT INTO ${qualified(schema, table)} (${columns})
         SELECT ${columns} FROM ${qualified(LIVE_SCHEMA, table)} WHERE bucket < $1`,
        [cutoff],
      );
      copied.set(table, result.rowCount ?? 0);
    }
    await session.query('COMMIT');
  } catch (err) {
    await session.query('ROLLBACK');
    throw err;
  }
  return copied;
}
