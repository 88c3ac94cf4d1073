import { ident, type Queryable, REPLAY_SCHEMA_PREFIX } from './replay-sql';

/** Drop one of the replay's schemas with everything in it (never anything else). */
export async function dropReplaySchema(q: Queryable, schema: string): Promise<void> {
  if (!schema.startsWith(REPLAY_SCHEMA_PREFIX)) throw new Error(`not a replay schema: ${schema}`);
  await q.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
}
