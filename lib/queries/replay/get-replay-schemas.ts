import { type Queryable, REPLAY_SCHEMA_PREFIX } from './replay-sql';

/** Schemas left by replays: unfinished builds, and replaced tables kept with --keep-old. */
export async function getReplaySchemas(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY 1`,
    [REPLAY_SCHEMA_PREFIX],
  );
  return rows.map((r) => r.name);
}
