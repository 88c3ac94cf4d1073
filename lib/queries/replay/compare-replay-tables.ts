import { getColumns, ident, type Queryable, qualified } from './replay-sql';

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

/** The longest value of each array column over both copies of the table. */
async function arrayLengths(
  q: Queryable,
  schemas: string[],
  table: string,
  arrays: string[],
): Promise<Map<string, number>> {
  const lengths = new Map<string, number>();
  if (arrays.length === 0) return lengths;
  for (const schema of schemas) {
    const { rows } = await q.query<Record<string, number | null>>(
      `SELECT ${arrays.map((a, i) => `max(cardinality(${ident(a)})) AS l${i}`).join(', ')} FROM ${qualified(schema, table)}`,
    );
    for (const [i, a] of arrays.entries()) lengths.set(a, Math.max(lengths.get(a) ?? 0, rows[0]?.[`l${i}`] ?? 0));
  }
  return lengths;
}

/**
 * Compare two copies of each table cell by cell, with the shards of a cell added up (which
 * partition's shard counted an event that was delivered on two partitions depends on timing;
 * the cell's figures do not; for the same reason facts are compared without their partition
 * and offset). Cells are keyed by the primary key without `shard` plus any
 * other non-numeric column; numeric columns are the figures, numeric arrays figures slot by slot. Run it inside a REPEATABLE READ
 * transaction for a consistent answer.
 */
export async function compareReplayTables(
  q: Queryable,
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
  const result: TableComparison[] = [];
  for (const table of tables) {
    const ignored = new Set(['shard', ...(ignore[table] ?? [])]);
    const columns = (await getColumns(q, liveSchema, table)).filter((c) => !ignored.has(c.name));
    // Numeric arrays (per-segment slots) are summed slot by slot, as one array per cell: the
    // sum of a slot position over the cell's shard rows (a missing slot counts as 0). Other
    // arrays (the categories of a fact) identify the cell like any other text.
    const isArray = (c: { type: string }) => /^(bigint|integer|smallint|numeric)\[\]$/.test(c.type);
    const arrays = columns.filter((c) => !c.inPrimaryKey && isArray(c)).map((c) => c.name);
    const keys = columns.filter((c) => c.inPrimaryKey || (!c.numeric && !isArray(c))).map((c) => ident(c.name));
    const metrics = columns.filter((c) => !c.inPrimaryKey && c.numeric).map((c) => c.name);
    const lengths = await arrayLengths(q, [liveSchema, replaySchema], table, arrays);
    const cellSums = [
      ...metrics.map((m) => `sum(${ident(m)}) AS ${ident(m)}`),
      ...arrays.map((a) => {
        const slots = Array.from({ length: lengths.get(a) ?? 0 }, (_, i) => `sum(coalesce(${ident(a)}[${i + 1}], 0))`);
        return `ARRAY[${slots.join(', ')}]::numeric[] AS ${ident(a)}`;
      }),
    ];
    const cells = (schema: string) =>
      `SELECT ${[...keys, ...cellSums].join(', ')}
       FROM ${qualified(schema, table)} GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
    const { rows } = await q.query<{ live_rows: number; replay_rows: number; only_live: number; only_replay: number }>(
      `WITH l AS (${cells(liveSchema)}), r AS (${cells(replaySchema)})
       SELECT (SELECT count(*) FROM l)::int AS live_rows, (SELECT count(*) FROM r)::int AS replay_rows,
              (SELECT count(*) FROM (SELECT * FROM l EXCEPT ALL SELECT * FROM r) x)::int AS only_live,
              (SELECT count(*) FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM l) x)::int AS only_replay`,
    );
    const row = rows[0] as { live_rows: number; replay_rows: number; only_live: number; only_replay: number };

    // Totals per grain, for the report: numeric columns, and arrays summed over their slots.
    const figures = [
      ...metrics.map((m) => ({ metric: m, sql: `sum(${ident(m)})` })),
      ...arrays.map((a) => ({ metric: `${a} (all slots)`, sql: `sum((SELECT sum(v) FROM unnest(${ident(a)}) AS v))` })),
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
    result.push({
      table,
      liveRows: row.live_rows,
      replayRows: row.replay_rows,
      onlyLive: row.only_live,
      onlyReplay: row.only_replay,
      totals,
    });
  }
  return result;
}
