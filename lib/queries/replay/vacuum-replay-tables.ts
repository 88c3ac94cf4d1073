import { type Queryable, qualified } from './replay-sql';

/**
 * VACUUM (ANALYZE) freshly built tables before they go live: without statistics the
 * dashboard's queries would be planned blind on them until autovacuum came by, and the
 * upserts that built them left dead row versions behind.
 */
export async function vacuumReplayTables(q: Queryable, schema: string, tables: readonly string[]): Promise<void> {
  for (const table of tables) await q.query(`VACUUM (ANALYZE) ${qualified(schema, table)}`);
}
