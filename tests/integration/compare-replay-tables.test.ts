// The replay's check (compareReplayTables) on small tables of known content, in real PostgreSQL:
// every way it pairs cells — rows added up per cell or taken as they are, arrays compared as
// stored or padded with zero slots, a join on NOT NULL keys or EXCEPT ALL — must find equal
// what is equal once a cell's shards are added up, and count each differing or missing cell.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReplayTables, type TableComparison } from '@/lib/queries/replay/compare-replay-tables';
import { dropDatabase, ensureDatabase } from '@/scripts/db/database';
import { serverUrl, uniqueName } from '@/tests/support/stack';

/** A cell's rows: key, shard, a figure and a slot array (null: the column's NULL). */
type Row = [key: string | null, shard: number, figure: number, slots: number[] | null];

describe('the replay check: cells compared with their shards added up (real PostgreSQL)', () => {
  let url: string;
  let client: pg.Client;

  beforeAll(async () => {
    const at = new URL(serverUrl());
    at.pathname = `/${uniqueName('wt_compare_replay')}`;
    url = at.toString();
    await ensureDatabase(url);
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    if (url) await dropDatabase(url);
  });

  /** `live` and `replay` as the two copies of table t (`nullableKey`: its key column may be NULL), compared. */
  async function compare(live: Row[], replay: Row[], nullableKey = false): Promise<TableComparison> {
    for (const [schema, rows] of [
      ['live', live],
      ['replay', replay],
    ] as const) {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
      await client.query(
        nullableKey
          ? `CREATE TABLE ${schema}.t (id serial PRIMARY KEY, k text, shard smallint NOT NULL, figure bigint, slots bigint[])`
          : `CREATE TABLE ${schema}.t (k text NOT NULL, shard smallint NOT NULL, figure bigint, slots bigint[], PRIMARY KEY (k, shard))`,
      );
      for (const row of rows) {
        await client.query(`INSERT INTO ${schema}.t (k, shard, figure, slots) VALUES ($1, $2, $3, $4)`, row);
      }
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      const [result] = await compareReplayTables(client, {
        liveSchema: 'live',
        replaySchema: 'replay',
        tables: ['t'],
        ignore: nullableKey ? { t: ['id'] } : {},
      });
      return result as TableComparison;
    } finally {
      await client.query('COMMIT');
    }
  }

  const counts = (c: TableComparison) => [c.liveRows, c.replayRows, c.onlyLive, c.onlyReplay];
  const totals = (c: TableComparison) => c.totals.map((t) => `${t.metric} ${t.live}/${t.replay}`);

  const oneShard: Row[] = [
    ['a', 0, 5, [1, 3]],
    ['b', 0, 7, [4, 0]],
  ];

  it('finds one row per cell equal as stored, and each differing or missing cell', async () => {
    expect(counts(await compare(oneShard, oneShard))).toEqual([2, 2, 0, 0]);
    const changed = await compare(oneShard, [
      ['a', 0, 5, [1, 4]],
      ['c', 0, 7, [4, 0]],
    ]);
    // a differs on each side; b is only live, c only replayed.
    expect(counts(changed)).toEqual([2, 2, 2, 2]);
    expect(totals(changed)).toEqual(['figure 12/12', 'slots (all slots) 8/9']);
  });

  it('adds up the shards of a cell before comparing, on either side', async () => {
    const sharded: Row[] = [
      ['a', 0, 2, [1, 2]],
      ['a', 3, 3, [0, 1]],
      ['b', 5, 7, [4, 0]],
    ];
    expect(counts(await compare(sharded, oneShard))).toEqual([2, 2, 0, 0]);
    expect(counts(await compare(oneShard, sharded))).toEqual([2, 2, 0, 0]);
    const off: Row[] = [
      ['a', 0, 2, [1, 2]],
      ['a', 3, 4, [0, 1]],
      ['b', 5, 7, [4, 0]],
    ];
    expect(counts(await compare(oneShard, off))).toEqual([2, 2, 1, 1]);
  });

  it('counts a missing slot or a NULL array as zeros', async () => {
    const short: Row[] = [
      ['a', 0, 5, [1, 3]],
      ['b', 0, 7, [4]],
    ];
    expect(counts(await compare(oneShard, short))).toEqual([2, 2, 0, 0]);
    expect(counts(await compare([['z', 0, 1, null]], [['z', 0, 1, [0, 0]]]))).toEqual([1, 1, 0, 0]);
    expect(counts(await compare(oneShard, [oneShard[0] as Row, ['b', 0, 7, [5]]]))).toEqual([2, 2, 1, 1]);
  });

  it('compares tables side by side in sessions of one snapshot, reported in the order asked', async () => {
    await compare(oneShard, [['a', 0, 5, [1, 3]]]);
    for (const schema of ['live', 'replay']) {
      await client.query(`CREATE TABLE ${schema}.big (k text PRIMARY KEY, figure bigint NOT NULL)`);
      await client.query(`INSERT INTO ${schema}.big SELECT 'k' || i, i FROM generate_series(1, 5000) AS i`);
    }
    const second = new pg.Client({ connectionString: url });
    await second.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
      await second.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await second.query(`SET TRANSACTION SNAPSHOT '${rows[0]?.id}'`);
      // Written after the snapshot: neither session sees it.
      const writer = new pg.Client({ connectionString: url });
      await writer.connect();
      await writer.query(`INSERT INTO replay.big VALUES ('late', 1)`);
      await writer.end();
      const results = await compareReplayTables([client, second], {
        liveSchema: 'live',
        replaySchema: 'replay',
        tables: ['t', 'big'],
      });
      expect(results.map((r) => [r.table, ...counts(r)])).toEqual([
        ['t', 2, 1, 1, 0],
        ['big', 5000, 5000, 0, 0],
      ]);
    } finally {
      await client.query('ROLLBACK');
      await second.end();
    }
  });

  it('compares cells whose keys may be NULL too (EXCEPT ALL instead of a join)', async () => {
    const withNull: Row[] = [...oneShard, [null, 0, 1, [1, 1]]];
    expect(counts(await compare(withNull, withNull, true))).toEqual([3, 3, 0, 0]);
    expect(
      counts(
        await compare(
          withNull,
          [
            ['a', 0, 2, [1, 3]],
            ['a', 1, 3, [0, 0]],
            ['b', 0, 7, [4]],
            [null, 0, 2, [1, 1]],
          ],
          true,
        ),
      ),
    ).toEqual([3, 3, 1, 1]);
  });
});
