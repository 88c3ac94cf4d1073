// npm run bench:demand [-- --stores 20 --skus 200 --hours 625 --runs 5]
// Time of the inventory page's hourly demand read (lib/queries/inventory/get-demand.ts) on a
// large history: stores × skus × hours rows (default 2.5 M) both as store-level hour rows of
// product_rollup, which the read used before, and as stock_demand_hour rows, which it reads now.
// Pages of 100 and 500 random pairs; first run (cold-ish) and the median of `runs` warm runs.
// Both reads must give the same series. Uses its own throw-away database.
import { parseArgs } from 'node:util';
import { Prisma, type PrismaClient } from '@prisma/client';
import pg from 'pg';
import { createPrisma } from '@/lib/db';
import { HOUR_MS, type HourlySeries } from '@/lib/domain/demand';
import { FACT_ROWS } from '@/lib/queries/facts/fact-rows';
import { getHourlyDemand, type StorePair } from '@/lib/queries/inventory/get-demand';
import { migrate } from '@/scripts/db/database';

const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: '20' },
    skus: { type: 'string', default: '200' },
    hours: { type: 'string', default: '625' },
    runs: { type: 'string', default: '5' },
    window: { type: 'string', default: '336' },
  },
});
const stores = Number(values.stores);
const skus = Number(values.skus);
const hours = Number(values.hours);
const runs = Number(values.runs);
const windowHours = Number(values.window);
const admin = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `pulse_bench_demand_${process.pid}`;
const url = admin.replace(/\/[^/]*$/, `/${name}`);

/** The read before stock_demand_hour: store-level hour rows of product_rollup plus pending facts. */
async function rollupRead(prisma: PrismaClient, pairs: readonly StorePair[], endMs: number) {
  const from = new Date(endMs - windowHours * HOUR_MS);
  const to = new Date(endMs);
  const storeIds = [...new Set(pairs.map((p) => p.storeId))];
  const skuIds = [...new Set(pairs.map((p) => p.sku))];
  const pending = Prisma.raw(`(
    SELECT f.* FROM consumer_offset o
    LEFT JOIN fact_roll w ON w.topic = o.topic AND w.partition = o.partition AND w.rollup = 'product_rollup'
    CROSS JOIN LATERAL (
      SELECT * FROM sale_fact p WHERE p.topic = o.topic AND p.partition = o.partition AND p."offset" >= coalesce(w.next_offset, 0)
      OFFSET 0
    ) f
  ) f`);
  const lateral = Prisma.raw(FACT_ROWS.product_rollup.storeLateral);
  return prisma.$queryRaw<{ store_id: string; sku: string; hour: bigint; units: bigint }[]>`
    WITH pair AS (SELECT * FROM unnest(${pairs.map((p) => p.storeId)}::text[], ${pairs.map((p) => p.sku)}::text[]) AS p(store_id, sku)),
    hourly AS (
      SELECT r.store_id, r.sku, r.bucket AS at, r.units
      FROM product_rollup r
      WHERE r.grain = 'h' AND r.store_id = ANY(${storeIds}::text[]) AND r.bucket >= ${from} AND r.bucket < ${to}
        AND r.sku = ANY(${skuIds}::text[])
      UNION ALL
      SELECT v.store_id, v.sku, f.occurred_at, v.units
      FROM ${pending} ${lateral}
      WHERE f.store_id = ANY(${storeIds}::text[]) AND f.occurred_at >= ${from} AND f.occurred_at < ${to}
        AND v.sku = ANY(${skuIds}::text[])
    )
    SELECT h.store_id, h.sku, floor(extract(epoch FROM h.at) / 3600)::bigint AS hour, sum(h.units)::bigint AS units
    FROM hourly h JOIN pair USING (store_id, sku)
    GROUP BY 1, 2, 3`;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main() {
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${name}`);
  let prisma: PrismaClient | undefined;
  try {
    await migrate(url);
    prisma = createPrisma(url, 4);
    const endMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const firstMs = endMs - hours * HOUR_MS;
    const total = stores * skus * hours;
    console.log(`filling ${total.toLocaleString('en')} hour rows into each table…`);
    // Deterministic units per (store, sku, hour), some refund hours negative, some hours empty.
    const cells = `
      FROM generate_series(1, ${stores}) s, generate_series(1, ${skus}) k, generate_series(0, ${hours - 1}) h`;
    const unitsOf = `((s * 7 + k * 13 + h * 31) % 11 - 1)::bigint`;
    const load = await timed(async () => {
      await prisma?.$executeRawUnsafe(`
        INSERT INTO product_rollup (grain, shard, bucket, store_id, region, channel, sku, category, revenue_cents, units, orders)
        SELECT 'h', 0, to_timestamp(${firstMs / 1000} + h * 3600), 'S' || lpad(s::text, 3, '0'), 'R', 'web',
          'SKU-' || lpad(k::text, 5, '0'), 'C', 100, ${unitsOf}, 1 ${cells}`);
      await prisma?.$executeRawUnsafe(`
        INSERT INTO stock_demand_hour (store_id, sku, hour, units)
        SELECT 'S' || lpad(s::text, 3, '0'), 'SKU-' || lpad(k::text, 5, '0'), to_timestamp(${firstMs / 1000} + h * 3600), ${unitsOf}
        ${cells}`);
      await prisma?.$executeRawUnsafe('VACUUM ANALYZE product_rollup');
      await prisma?.$executeRawUnsafe('VACUUM ANALYZE stock_demand_hour');
    });
    console.log(`loaded in ${(load.ms / 1000).toFixed(1)} s`);
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const db = prisma;
    for (const size of [100, 500]) {
      const seen = new Set<string>();
      const pairs: StorePair[] = [];
      while (pairs.length < Math.min(size, stores * skus)) {
        const p = {
          storeId: `S${String(1 + Math.floor(rand() * stores)).padStart(3, '0')}`,
          sku: `SKU-${String(1 + Math.floor(rand() * skus)).padStart(5, '0')}`,
        };
        const key = `${p.storeId}/${p.sku}`;
        if (!seen.has(key)) seen.add(key) && pairs.push(p);
      }
      const before: number[] = [];
      const after: number[] = [];
      let oldRows: Awaited<ReturnType<typeof rollupRead>> = [];
      let series = new Map<string, HourlySeries>();
      for (let i = 0; i <= runs; i++) {
        const a = await timed(() => rollupRead(db, pairs, endMs));
        const b = await timed(() => getHourlyDemand(db, pairs, endMs, windowHours));
        before.push(a.ms);
        after.push(b.ms);
        oldRows = a.value;
        series = b.value;
      }
      // Same numbers: every non-zero hour of the old read is the new series' hour, and no more.
      let nonZero = 0;
      for (const r of oldRows) {
        const s = series.get(`${r.store_id}\u0000${r.sku}`);
        const i = Number(r.hour) - (endMs / HOUR_MS - windowHours);
        if (s?.units[i] !== Number(r.units)) throw new Error(`mismatch at ${r.store_id}/${r.sku} hour ${r.hour}`);
        if (Number(r.units) !== 0) nonZero += 1;
      }
      const newNonZero = [...series.values()].reduce((n, s) => n + s.units.filter((u) => u !== 0).length, 0);
      if (newNonZero !== nonZero) throw new Error(`non-zero hours differ: ${nonZero} before, ${newNonZero} now`);
      const f = (ms: number) => `${ms.toFixed(1)} ms`;
      console.log(
        `${size} pairs × ${windowHours} h: product_rollup read first ${f(before[0] as number)}, median ${f(median(before.slice(1)))}; ` +
          `stock_demand_hour read first ${f(after[0] as number)}, median ${f(median(after.slice(1)))} (same series)`,
      );
    }
  } finally {
    await prisma?.$disconnect();
    await adminClient.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminClient.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
