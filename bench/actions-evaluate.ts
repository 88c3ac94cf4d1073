// npm run bench:actions [-- --rate 20 --minutes 125 --runs 5]
// Time of one actions evaluation pass (workers/actions/evaluate.ts) at demo scale: the
// simulator's 24 stores × 240 SKUs (5,760 stock pairs) with 14 days of hourly demand each
// (stock_demand_hour, ~1.9 M rows), and `minutes` of sale facts at `rate` sales a second (what
// the 5- and 15-minute anomaly rules read). Reports a full sweep (every pair, every rule), an
// incremental pass (100 pairs changed), and an anomaly-only pass; first run and the median of
// `runs` warm runs. Uses its own throw-away database; the default rules of the migration.
import { parseArgs } from 'node:util';
import type { PrismaClient } from '@prisma/client';
import pg from 'pg';
import { createPrisma } from '@/lib/db';
import { parseEnv } from '@/lib/env';
import { migrate } from '@/scripts/db/database';
import { type EvaluateOptions, evaluateActions, evaluatorSettings } from '@/workers/actions/evaluate';
import { createWorld } from '@/workers/simulator/catalog';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    minutes: { type: 'string', default: '125' },
    runs: { type: 'string', default: '5' },
  },
});
const rate = Number(values.rate);
const minutes = Number(values.minutes);
const runs = Number(values.runs);
const admin = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `pulse_bench_actions_${process.pid}`;
const url = admin.replace(/\/[^/]*$/, `/${name}`);

async function seed(client: pg.Client, nowMs: number): Promise<number> {
  const world = createWorld();
  const stores = world.stores.map((s) => s.id);
  const regions = world.stores.map((s) => s.region);
  const skus = world.products.map((p) => p.sku);
  const categories = world.products.map((p) => p.category);
  await client.query('INSERT INTO store (store_id, region) SELECT * FROM unnest($1::text[], $2::text[])', [
    stores,
    regions,
  ]);
  await client.query(
    'INSERT INTO product (sku, name, category) SELECT s, s, c FROM unnest($1::text[], $2::text[]) AS u(s, c)',
    [skus, categories],
  );
  // On-hand 0…200: a share of the pairs is low, as in the demo after a few minutes.
  await client.query(`
    INSERT INTO stock (store_id, sku, on_hand, snapshot_qty, updated_at)
    SELECT s.store_id, p.sku, q, q, now() - interval '1 hour'
    FROM store s CROSS JOIN product p CROSS JOIN LATERAL (SELECT floor(random() * 200)::bigint AS q) r`);
  const hourMs = 3_600_000;
  const endHour = new Date(Math.floor(nowMs / hourMs) * hourMs);
  await client.query(
    `INSERT INTO stock_demand_hour (store_id, sku, hour, units)
     SELECT st.store_id, st.sku, $1::timestamptz - h * interval '1 hour', floor(random() * 4)::bigint
     FROM stock st CROSS JOIN generate_series(1, 336) AS h`,
    [endHour],
  );
  // Sale facts: one-line orders spread evenly over the last `minutes`, random store and SKU.
  const facts = Math.round(rate * minutes * 60);
  await client.query(
    `INSERT INTO sale_fact (topic, partition, "offset", event_id, refund, order_id, occurred_at, store_id, region, channel,
       slots, parts, part_revenue, part_units, skus, sku_categories, sku_revenue, sku_units, items, top_sku, top_item)
     SELECT 'bench', 0, i, 'e' || i, false, 'o' || i, $1::timestamptz - (i * $2::float8) * interval '1 millisecond',
       st.store_id, st.region, 'web', ARRAY[1, 1, 1, 1]::smallint[], ARRAY['*', p.category], ARRAY[rev, rev], ARRAY[1, 1]::bigint[],
       ARRAY[p.sku], ARRAY[p.category], ARRAY[rev], ARRAY[1]::bigint[], 1, p.sku, p.sku
     FROM generate_series(1, $3::int) AS i
     CROSS JOIN LATERAL (SELECT (1000 + floor(random() * 9000))::bigint AS rev, floor(random() * 24)::int AS si, floor(random() * 240)::int AS pi) r
     JOIN (SELECT store_id, region, row_number() OVER (ORDER BY store_id) - 1 AS n FROM store) st ON st.n = r.si
     JOIN (SELECT sku, category, row_number() OVER (ORDER BY sku) - 1 AS n FROM product) p ON p.n = r.pi`,
    [new Date(nowMs), (minutes * 60_000) / facts, facts],
  );
  await client.query('ANALYZE');
  return facts;
}

async function time(prisma: PrismaClient, label: string, options: () => EvaluateOptions, before?: () => Promise<void>) {
  const settings = evaluatorSettings(parseEnv({ DATABASE_URL: url }));
  const ms: number[] = [];
  let last = { pairs: 0, opened: 0, cleared: 0 };
  for (let i = 0; i <= runs; i++) {
    await before?.();
    const r = await evaluateActions(prisma, settings, options());
    ms.push(r.ms);
    last = r;
  }
  const warm = ms.slice(1).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)] ?? 0;
  console.log(
    `${label.padEnd(34)} first ${String(ms[0]).padStart(6)} ms   median ${String(median).padStart(6)} ms   (${last.pairs} pairs; last run opened ${last.opened}, cleared ${last.cleared})`,
  );
}

async function main(): Promise<void> {
  const server = new pg.Client({ connectionString: admin });
  await server.connect();
  await server.query(`CREATE DATABASE ${name}`);
  let prisma: PrismaClient | null = null;
  try {
    await migrate(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const nowMs = Date.now();
    const started = Date.now();
    const facts = await seed(client, nowMs);
    console.log(`seeded 5,760 pairs × 336 demand hours and ${facts} sale facts in ${Date.now() - started} ms`);
    prisma = createPrisma(url, 4);
    const db = prisma;
    await time(db, 'full sweep (pairs + anomaly rules)', () => ({ now: new Date(), changedSince: null }));
    const changed = async () => {
      await client.query(
        `UPDATE stock SET updated_at = now() WHERE (store_id, sku) IN (SELECT store_id, sku FROM stock ORDER BY random() LIMIT 100)`,
      );
    };
    await time(
      db,
      'incremental (100 changed pairs)',
      () => ({ now: new Date(), changedSince: new Date(Date.now() - 5_000), anomalyRule: () => false }),
      changed,
    );
    await time(db, 'anomaly rules only', () => ({ now: new Date(), changedSince: null, skipStock: true }));
    await client.end();
  } finally {
    await prisma?.$disconnect();
    await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
