// SQL helpers shared by the replay's queries (npm run replay). The replay works on tables by
// name, generically — whatever columns the schema has today — so identifiers are quoted here
// and column lists come from the catalog, never from a hard-coded list.
import type pg from 'pg';

/** Anything that runs a query: a pool, a client, a client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** One connection: what transactions and session state need (a pool would spread them). */
export type Session = pg.ClientBase;

/** Schema that holds the live tables. */
export const LIVE_SCHEMA = 'public';

/** Prefix of every schema the replay creates (build schema, and `<build>_old` for replaced tables). */
export const REPLAY_SCHEMA_PREFIX = 'pulse_replay_';

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

export interface ColumnInfo {
  name: string;
  /** As format_type prints it, e.g. `bigint`, `timestamp(0) with time zone`. */
  type: string;
  numeric: boolean;
  inPrimaryKey: boolean;
  notNull: boolean;
  /** Default expression, e.g. `nextval('dead_letter_id_seq'::regclass)`. */
  defaultExpr: string | null;
}

/**
 * The column that places a rebuilt table's rows in time (`bucket` of the rollups, `occurred_at`
 * of the facts), or null for a table that has none.
 */
export function timeColumnOf(columns: readonly Pick<ColumnInfo, 'name'>[]): string | null {
  return columns.find((c) => c.name === 'bucket' || c.name === 'occurred_at')?.name ?? null;
}

export async function getColumns(q: Queryable, schema: string, table: string): Promise<ColumnInfo[]> {
  const { rows } = await q.query<{
    name: string;
    type: string;
    numeric: boolean;
    in_pk: boolean;
    not_null: boolean;
    default_expr: string | null;
  }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory = 'N' AS numeric,
            coalesce(a.attnum = ANY (i.indkey::int2[]), false) AS in_pk, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default_expr
     FROM pg_attribute a
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [qualified(schema, table)],
  );
  return rows.map((r) => ({
    name: r.name,
    type: r.type,
    numeric: r.numeric,
    inPrimaryKey: r.in_pk,
    notNull: r.not_null,
    defaultExpr: r.default_expr,
  }));
}

/** Name, type and nullability of every column, as one comparable string. */
export async function getTableShape(q: Queryable, schema: string, table: string): Promise<string> {
  const { rows } = await q.query<{ shape: string | null }>(
    `SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                       ', ' ORDER BY a.attnum) AS shape
     FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [qualified(schema, table)],
  );
  return rows[0]?.shape ?? '';
}
