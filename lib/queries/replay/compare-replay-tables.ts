import { type ColumnInfo, getColumns, ident, type Queryable, qualified } from './replay-sql';

export interface MetricTotal {
  /** Rollup grain (`m`, `h`, `d`), or `*` for a table without a grain column. */
  grain: string;
  metric: string;
  /** Sums as decimal strings (exact, whatever their size). */
  live: string;
  replay: string;
}

export interface TableComparison {
  table: string;
  /** Rows once the shards of a cell are added up. */
  liveRows: number;
  replayRows: number;
  /** Cells whose figures differ (or that exist on one side only), counted on each side. */
  onlyLive: number;
  onlyReplay: number;
  totals: MetricTotal[];
}

/**
 * The longest value of each array column over both copies of the table, and whether every value
 * of it has that length (no NULL, no shorter array: the slots can be compared as they are).
 */
async function arrayLengths(
  q: Queryable,
  schemas: string[],
  table: string,
  arrays: string[],
): Promise<Map<string, { length: number; uniform: boolean }>> {
  const lengths = new Map<string, { length: number; uniform: boolean }>();
  if (arrays.length === 0) return lengths;
  const sides: Record<string, number | boolean | null>[] = [];
  for (const schema of schemas) {
    const { rows } = await q.query<Record<string, number | boolean | null>>(
      `SELECT ${arrays
        .map(
          (a, i) =>
            `max(cardinality(${ident(a)})) AS l${i}, min(cardinality(${ident(a)})) AS m${i}, bool_and(${ident(a)} IS NOT NULL) AS n${i}`,
        )
        .join(', ')} FROM ${qualified(schema, table)}`,
    );
    sides.push(rows[0] ?? {});
  }
  for (const [i, a] of arrays.entries()) {
    const length = Math.max(0, ...sides.map((side) => Number(side[`l${i}`] ?? 0)));
    // An empty side (NULL min) has nothing to pad.
    const uniform = sides.every((side) => side[`n${i}`] !== false && (side[`m${i}`] ?? length) === length);
    lengths.set(a, { length, uniform });
  }
  return lengths;
}

/**
 * Whether each row of `schema`.`table` is a cell of its own: its primary key, apart from a
 * `shard` column all of whose rows hold the same value, is among the cell's keys. Then no cell
 * has two rows to add up (a lone roller writes one shard; compaction folds the others into one).
 */
async function oneRowPerCell(
  q: Queryable,
  schema: string,
  table: string,
  columns: readonly ColumnInfo[],
  keys: ReadonlySet<string>,
): Promise<boolean> {
  const pk = columns.filter((c) => c.inPrimaryKey);
  if (pk.length === 0 || pk.some((c) => c.name !== 'shard' && !keys.has(c.name))) return false;
  if (!pk.some((c) => c.name === 'shard')) return true;
  const { rows } = await q.query<{ one: boolean }>(
    `SELECT count(DISTINCT shard) <= 1 AS one FROM ${qualified(schema, table)}`,
  );
  return rows[0]?.one === true;
}

/**
 * Memory for the check's hashes: a table of a million cells is grouped and joined once per
 * side, which spilled to disk at the default 4 MB.
 */
const CHECK_WORK_MEM = '128MB';

/**
 * Compare two copies of each table cell by cell, with the shards of a cell added up (which
 * partition's shard counted an event that was delivered on two partitions depends on timing;
 * the cell's figures do not; for the same reason facts are compared without their partition
 * and offset). Cells are keyed by the primary key without `shard` plus any other non-numeric
 * column; numeric columns are the figures, numeric arrays figures slot by slot (a missing slot
 * counts as 0). A side whose rows are cells already (oneRowPerCell) is not grouped, and sides
 * keyed by NOT NULL columns are matched by a join on the keys; otherwise by EXCEPT ALL. Run it
 * inside a REPEATABLE READ transaction for a consistent answer; several `sessions` (each in a
 * transaction of the same snapshot, SET TRANSACTION SNAPSHOT) compare tables side by side.
 */
export async function compareReplayTables(
  sessions: Queryable | readonly Queryable[],
  {
    liveSchema,
    replaySchema,
    tables,
    ignore = {},
  }: {
    liveSchema: string;
    replaySchema: string;
    tables: readonly string[];
    /** Columns left out per table besides `shard` (the facts' partition and offset: see above). */
    ignore?: Readonly<Record<string, readonly string[]>>;
  },
): Promise<TableComparison[]> {
  // Each session takes the next table, largest first, until none is left.
  const lanes: readonly Queryable[] = 'query' in sessions ? [sessions] : sessions;
  const [first] = lanes;
  if (!first) throw new Error('compareReplayTables needs a session');
  const { rows: sizes } = await first.query<{ name: string }>(
    `SELECT name FROM unnest($1::text[]) AS name ORDER BY pg_total_relation_size(to_regclass(quote_ident($2) || '.' || quote_ident(name))) DESC NULLS LAST, name`,
    [tables, liveSchema],
  );
  const queue = sizes.map((r) => r.name);
  const results = new Map<string, TableComparison>();
  await Promise.all(
    lanes.map(async (q) => {
      await q.query(`SET LOCAL work_mem = '${CHECK_WORK_MEM}'`);
      for (let table = queue.shift(); table !== undefined; table = queue.shift()) {
        results.set(table, await compareTable(q, table, { liveSchema, replaySchema, ignore }));
      }
    }),
  );
  return tables.map((table) => results.get(table) as TableComparison);
}

/** One table's comparison (see compareReplayTables). */
async function compareTable(
  q: Queryable,
  table: string,
  {
    liveSchema,
    replaySchema,
    ignore,
  }: { liveSchema: string; replaySchema: string; ignore: Readonly<Record<string, readonly string[]>> },
): Promise<TableComparison> {
  const ignored = new Set(['shard', ...(ignore[table] ?? [])]);
  const all = await getColumns(q, liveSchema, table);
  const columns = all.filter((c) => !ignored.has(c.name));
  // Numeric arrays (per-segment slots) are summed slot by slot, as one array per cell: the
  // sum of a slot position over the cell's shard rows (a missing slot counts as 0). Other
  // arrays (the categories of a fact) identify the cell like any other text.
  const isArray = (c: { type: string }) => /^(bigint|integer|smallint|numeric)\[\]$/.test(c.type);
  const arrays = columns.filter((c) => !c.inPrimaryKey && isArray(c)).map((c) => c.name);
  const keyColumns = columns.filter((c) => c.inPrimaryKey || (!c.numeric && !isArray(c)));
  const keys = keyColumns.map((c) => ident(c.name));
  const metrics = columns.filter((c) => !c.inPrimaryKey && c.numeric).map((c) => c.name);
  const lengths = await arrayLengths(q, [liveSchema, replaySchema], table, arrays);
  const keyNames = new Set(keyColumns.map((c) => c.name));
  const lengthOf = (a: string) => lengths.get(a)?.length ?? 0;
  const slotsOf = (a: string) => Array.from({ length: lengthOf(a) }, (_, i) => `coalesce(${ident(a)}[${i + 1}], 0)`);
  const single = {
    [liveSchema]: await oneRowPerCell(q, liveSchema, table, all, keyNames),
    [replaySchema]: await oneRowPerCell(q, replaySchema, table, all, keyNames),
  };
  // Neither side grouped and every array as long as the longest: the values as stored.
  const asStored = single[liveSchema] && single[replaySchema] && arrays.every((a) => lengths.get(a)?.uniform);
  const cells = (schema: string, present: string) => {
    if (single[schema]) {
      const values = asStored
        ? [...metrics, ...arrays].map(ident)
        : [
            ...metrics.map((m) => `${ident(m)}::numeric AS ${ident(m)}`),
            ...arrays.map((a) => `ARRAY[${slotsOf(a).join(', ')}]::numeric[] AS ${ident(a)}`),
          ];
      return `SELECT ${[...keys, ...values, `true AS ${present}`].join(', ')} FROM ${qualified(schema, table)}`;
    }
    const sums = [
      ...metrics.map((m) => `sum(${ident(m)})::numeric AS ${ident(m)}`),
      ...arrays.map(
        (a) =>
          `ARRAY[${slotsOf(a)
            .map((slot) => `sum(${slot})`)
            .join(', ')}]::numeric[] AS ${ident(a)}`,
      ),
    ];
    return `SELECT ${[...keys, ...sums, `true AS ${present}`].join(', ')}
     FROM ${qualified(schema, table)} GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
  };
  const compared = [...metrics, ...arrays].map(ident);
  const differ = (a: string, b: string) =>
    compared.length === 0
      ? 'false'
      : `ROW(${compared.map((f) => `${a}.${f}`).join(', ')}) IS DISTINCT FROM ROW(${compared.map((f) => `${b}.${f}`).join(', ')})`;
  const [l, r] = [cells(liveSchema, '"?live"'), cells(replaySchema, '"?replay"')];
  const { rows } = await q.query<{ live_rows: number; replay_rows: number; only_live: number; only_replay: number }>(
    keyColumns.every((c) => c.notNull)
      ? // Keys unique on each side (the cells) and never NULL: one join pairs the cells.
        `WITH l AS (${l}), r AS (${r})
         SELECT count(l."?live")::int AS live_rows, count(r."?replay")::int AS replay_rows,
                count(*) FILTER (WHERE l."?live" AND (r."?replay" IS NULL OR ${differ('l', 'r')}))::int AS only_live,
                count(*) FILTER (WHERE r."?replay" AND (l."?live" IS NULL OR ${differ('l', 'r')}))::int AS only_replay
         FROM l FULL JOIN r USING (${keys.join(', ')})`
      : `WITH l AS (${l}), r AS (${r})
         SELECT (SELECT count(*) FROM l)::int AS live_rows, (SELECT count(*) FROM r)::int AS replay_rows,
                (SELECT count(*) FROM (SELECT * FROM l EXCEPT ALL SELECT * FROM r) x)::int AS only_live,
                (SELECT count(*) FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM l) x)::int AS only_replay`,
  );
  const row = rows[0] as { live_rows: number; replay_rows: number; only_live: number; only_replay: number };

  // Totals per grain, for the report: numeric columns, and arrays summed over their slots.
  const figures = [
    ...metrics.map((m) => ({ metric: m, sql: `sum(${ident(m)})` })),
    // Slot by slot, as exact sums (far cheaper than unnesting each row).
    ...arrays.map((a) => ({
      metric: `${a} (all slots)`,
      sql:
        lengthOf(a) === 0
          ? '0'
          : Array.from({ length: lengthOf(a) }, (_, i) => `coalesce(sum(${ident(a)}[${i + 1}]), 0)`).join(' + '),
    })),
  ];
  const grain = columns.some((c) => c.name === 'grain') ? 'grain' : `'*'`;
  const sums = async (schema: string) =>
    (
      await q.query<Record<string, string>>(
        `SELECT ${[`${grain}::text AS grain`, ...figures.map((f, i) => `coalesce(${f.sql}, 0)::text AS f${i}`)].join(', ')}
         FROM ${qualified(schema, table)} GROUP BY 1`,
      )
    ).rows;
  const [live, replay] = [await sums(liveSchema), await sums(replaySchema)];
  const grains = [...new Set([...live, ...replay].map((r) => r.grain as string))].sort();
  const totals: MetricTotal[] = grains.flatMap((g) =>
    figures.map(({ metric }, i) => ({
      grain: g,
      metric,
      live: live.find((r) => r.grain === g)?.[`f${i}`] ?? '0',
      replay: replay.find((r) => r.grain === g)?.[`f${i}`] ?? '0',
    })),
  );
  return {
    table,
    liveRows: row.live_rows,
    replayRows: row.replay_rows,
    onlyLive: row.only_live,
    onlyReplay: row.only_replay,
    totals,
  };
}
