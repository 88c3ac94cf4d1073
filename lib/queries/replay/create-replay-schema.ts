import { getColumns, ident, LIVE_SCHEMA, type Queryable, qualified, type Session } from './replay-sql';

export interface ReplayTableSet {
  rebuild: readonly string[];
  scratch: readonly string[];
  /**
   * Rebuilt tables whose serial ids the replay writes as recorded (alert_episode: the ids are
   * in the actions topic): their sequence passes to the new table at the swap (swapReplayTables).
   */
  keptIds?: readonly string[];
}

/** Index name → its definition without name and table, so indexes of two tables can be paired. */
async function indexDefinitions(q: Queryable, schema: string, table: string): Promise<{ name: string; def: string }[]> {
  const { rows } = await q.query<{ name: string; def: string }>(
    `SELECT c.relname AS name,
            regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', 'CREATE \\1INDEX ON ') AS def
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = to_regclass($1) ORDER BY c.relname`,
    [qualified(schema, table)],
  );
  return rows;
}

/**
 * Fresh, empty copies of the tables the apply code writes, in a new schema: same columns,
 * defaults, constraints and indexes as the live ones today (`LIKE … INCLUDING ALL`), so the
 * replay follows schema changes without knowing any column. Rebuilt tables get the live
 * index names, so that migrations written against the live names still apply after the swap.
 * Scratch tables are UNLOGGED: they are thrown away, so they need not survive a crash.
 * The schema also holds a no-op pg_notify: replay batches must not wake the dashboards — their
 * numbers are not visible until the swap, which notifies once.
 * All in one transaction: on error nothing is left behind.
 */
export async function createReplaySchema(q: Session, schema: string, tables: ReplayTableSet): Promise<void> {
  await q.query('BEGIN');
  try {
    await q.query(`CREATE SCHEMA ${ident(schema)}`);
    for (const table of [...tables.rebuild, ...tables.scratch]) {
      const columns = await getColumns(q, LIVE_SCHEMA, table);
      if (columns.length === 0) {
        throw new Error(
          `table ${table} (listed in REPLAY_TABLES) does not exist in the database: run npm run db:migrate`,
        );
      }
      const rebuild = tables.rebuild.includes(table);
      // A serial column's sequence belongs to the live table and would be dropped with it,
      // unless the swap hands it over (the replay then writes the recorded ids, never its own).
      const serial = columns.find((c) => c.defaultExpr?.startsWith('nextval('));
      if (rebuild && serial && !tables.keptIds?.includes(table)) {
        throw new Error(`cannot rebuild ${table}: column ${serial.name} takes its default from a sequence`);
      }
      await q.query(
        `CREATE ${rebuild ? '' : 'UNLOGGED '}TABLE ${qualified(schema, table)} (LIKE ${qualified(LIVE_SCHEMA, table)} INCLUDING ALL)`,
      );
      if (!rebuild) continue;
      const live = await indexDefinitions(q, LIVE_SCHEMA, table);
      const fresh = await indexDefinitions(q, schema, table);
      for (const index of live) {
        const twin = fresh.findIndex((f) => f.def === index.def);
        if (twin < 0) throw new Error(`index ${index.name} of ${table} was not copied`);
        const [match] = fresh.splice(twin, 1);
        if (match && match.name !== index.name) {
          await q.query(`ALTER INDEX ${qualified(schema, match.name)} RENAME TO ${ident(index.name)}`);
        }
      }
    }
    await q.query(
      `CREATE FUNCTION ${qualified(schema, 'pg_notify')}(channel text, payload text) RETURNS void
       LANGUAGE plpgsql AS $$BEGIN END$$`,
    );
    await q.query('COMMIT');
  } catch (err) {
    await q.query('ROLLBACK');
    throw err;
  }
}
