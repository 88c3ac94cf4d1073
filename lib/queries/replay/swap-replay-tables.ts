import { getTableShape, ident, LIVE_SCHEMA, qualified, type Session } from './replay-sql';

/** What to tell the listeners of the swapped tables (web hub, actions worker) at the commit. */
export interface SwapNotice {
  channel: string;
  payload: string;
}

export interface SwapResult {
  /** From the first table lock to the commit: how long readers of these tables may have waited. */
  lockedMs: number;
  attempts: number;
}

const LOCK_TIMEOUT_MS = 1000;
const ATTEMPTS = 10;

/**
 * Put the replay's tables in place of the live ones in one transaction: readers see the old
 * tables or the new ones, never a mix. Renames only (SET SCHEMA), so the locks are held for
 * milliseconds, whatever the size of the tables; the old tables move to `oldSchema`. Each
 * move waits for the queries reading that table; a short lock_timeout with retries keeps
 * the swap from queueing readers behind it for long (and makes it, not a dashboard query,
 * the one that gives way if both ever wait on each other).
 */
export async function swapReplayTables(
  session: Session,
  {
    schema,
    oldSchema,
    tables,
    notice,
  }: { schema: string; oldSchema: string; tables: readonly string[]; notice: SwapNotice },
): Promise<SwapResult> {
  for (let attempt = 1; ; attempt++) {
    await session.query('BEGIN');
    try {
      await session.query(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`);
      for (const table of tables) {
        const [live, fresh] = [
          await getTableShape(session, LIVE_SCHEMA, table),
          await getTableShape(session, schema, table),
        ];
        if (live !== fresh) {
          throw new Error(
            `${table} changed while the replay ran (a migration?): live has (${live}), the replay built (${fresh}); replay again`,
          );
        }
      }
      await session.query(`CREATE SCHEMA ${ident(oldSchema)}`);
      const started = performance.now();
      for (const table of tables) {
        // A sequence the live table owns stays live and passes to the new table (its default
        // already takes from it): the new table's next id follows the ids it holds.
        const owned = await getOwnedSequences(session, table);
        for (const { sequence } of owned) await session.query(`ALTER SEQUENCE ${sequence} OWNED BY NONE`);
        await session.query(`ALTER TABLE ${qualified(LIVE_SCHEMA, table)} SET SCHEMA ${ident(oldSchema)}`);
        await session.query(`ALTER TABLE ${qualified(schema, table)} SET SCHEMA ${ident(LIVE_SCHEMA)}`);
        for (const { sequence, column } of owned) {
          await session.query(`ALTER SEQUENCE ${sequence} OWNED BY ${qualified(LIVE_SCHEMA, table)}.${ident(column)}`);
        }
      }
      // The background compaction (compact-rollups.ts) remembers per table how far it has merged
      // the shards of closed cells; the new tables are unmerged, so it starts over on them.
      const { rows } = await session.query<{ ok: boolean }>(
        `SELECT to_regclass('${LIVE_SCHEMA}.rollup_compaction') IS NOT NULL AS ok`,
      );
      if (rows[0]?.ok) {
        await session.query(`DELETE FROM ${qualified(LIVE_SCHEMA, 'rollup_compaction')} WHERE table_name = ANY ($1)`, [
          tables,
        ]);
      }
      await session.query('SELECT pg_notify($1, $2)', [notice.channel, notice.payload]);
      await session.query('COMMIT');
      return { lockedMs: performance.now() - started, attempts: attempt };
    } catch (err) {
      await session.query('ROLLBACK');
      const lockTimeout = (err as { code?: string }).code === '55P03';
      if (!lockTimeout || attempt >= ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** The sequences owned by a column of the live `table` (serial columns), as qualified names. */
async function getOwnedSequences(session: Session, table: string): Promise<{ sequence: string; column: string }[]> {
  const { rows } = await session.query<{ sequence: string; column: string }>(
    `SELECT d.objid::regclass::text AS sequence, a.attname AS column
     FROM pg_depend d
     JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
     JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.refobjid = to_regclass($1) AND d.deptype = 'a'`,
    [qualified(LIVE_SCHEMA, table)],
  );
  return rows;
}
