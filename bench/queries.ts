// Dashboard query latency: getOverview (the four queries behind GET /api/v1/overview and every
// live refresh) over the ingested week, sequentially, as one viewer changing views would.
import type { PrismaClient } from '@prisma/client';
import type { OverviewFilters } from '@/lib/contract/overview';
import { bucketStarts, chooseGranularity, planCells, previousPeriod } from '@/lib/domain/time-buckets';
import { env } from '@/lib/env';
import { getDemographics } from '@/lib/queries/dashboard/get-demographics';
import { getFreshness } from '@/lib/queries/dashboard/get-freshness';
import { getMix } from '@/lib/queries/dashboard/get-mix';
import { getOverview } from '@/lib/queries/dashboard/get-overview';
import { getProductDetail } from '@/lib/queries/dashboard/get-product-detail';
import { getRecentOrders } from '@/lib/queries/dashboard/get-recent-orders';
import { getSalesTrend } from '@/lib/queries/dashboard/get-sales-trend';
import { getProductStandings } from '@/lib/queries/dashboard/get-top-products';
import { compactRollups } from '@/lib/queries/ingest/compact-rollups';
import { MINUTE_MS, RANGE_PRESETS, trendBuckets } from '@/lib/web/overview-params';
import { step } from './progress';
import type { BenchDatabase } from './services';
import { type Summary, summarize } from './stats';

const WARM_UP_RUNS = 2;
const BREAKDOWN_RUNS = 8;

export interface QueryCase {
  name: string;
  filters: OverviewFilters;
  latency: Summary;
  /** Orders in the view: shows the case really had data behind it. */
  orders: number;
}

export interface QueryFigures {
  runs: number;
  cases: QueryCase[];
  /** p50 of each part of getOverview alone, for the heaviest views. */
  breakdown: {
    name: string;
    /** Current and previous period. */
    trends: number;
    products: number;
    demographics: number;
    mix: number;
    recentOrders: number;
    freshness: number;
  }[];
  /** getProductDetail (the product page and its live refresh) for the best seller of the month. */
  product: { sku: string; cases: { name: string; latency: Summary; orders: number }[] };
  tables: { table: string; rows: number; bytes: number }[];
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await fn();
  return [performance.now() - started, value];
}

export async function measureQueries(
  prisma: PrismaClient,
  db: BenchDatabase,
  opts: { endMs: number; category: string; secondCategory: string; store: string; runs: number },
): Promise<QueryFigures> {
  // Why VACUUM ANALYZE: right after a bulk load the planner has no statistics and no
  // visibility map yet; autovacuum would get there within a minute in production, and the
  // figures should not depend on whether it happened to run before the first query.
  // Steady state: the workers fold the partition shards of closed cells together in the
  // background (lib/queries/ingest/compact-rollups.ts); finish that before timing, as a database that
  // has been running for a while would be.
  step('queries: compacting the partition shards of closed cells');
  for (;;) {
    const r = await compactRollups(prisma, { maxChunks: 1000 });
    if (r.ran && r.chunks === 0) break;
    if (!r.ran) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  step('queries: VACUUM ANALYZE of the rollup tables');
  await db.query(
    'VACUUM (ANALYZE) sales_rollup, product_rollup, demographic_rollup, product_demographic_rollup, product, consumer_offset',
  );

  const to = new Date(opts.endMs);
  const range = (preset: keyof typeof RANGE_PRESETS): OverviewFilters => {
    const from = new Date(opts.endMs - RANGE_PRESETS[preset] * MINUTE_MS);
    return { from, to, tz: 'UTC', granularity: chooseGranularity(from.getTime(), to.getTime()), compare: 'previous' };
  };
  const specs: { name: string; filters: OverviewFilters }[] = [
    { name: '1 h', filters: range('1h') },
    { name: '24 h', filters: range('24h') },
    { name: '7 d', filters: range('7d') },
    { name: '30 d', filters: range('30d') },
    { name: `24 h, category=${opts.category}`, filters: { ...range('24h'), category: [opts.category] } },
    { name: `7 d, category=${opts.category}`, filters: { ...range('7d'), category: [opts.category] } },
    // Two categories: orders are corrected for sales spanning both (category-set rows).
    { name: '7 d, 2 categories', filters: { ...range('7d'), category: [opts.category, opts.secondCategory].sort() } },
    { name: `24 h, store=${opts.store}`, filters: { ...range('24h'), store: [opts.store] } },
    { name: `7 d, store=${opts.store}`, filters: { ...range('7d'), store: [opts.store] } },
  ];

  const cases: QueryCase[] = [];
  for (const spec of specs) {
    const samples: number[] = [];
    let orders = 0;
    for (let i = 0; i < WARM_UP_RUNS + opts.runs; i++) {
      const [ms, overview] = await time(() => getOverview(spec.filters, prisma));
      if (i >= WARM_UP_RUNS) samples.push(ms);
      orders = overview.totals.orders;
    }
    const latency = summarize(samples);
    cases.push({ name: spec.name, filters: spec.filters, latency, orders });
    step(
      `  getOverview ${spec.name}: p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms (${orders.toLocaleString('en-US')} orders in view)`,
    );
  }

  // The product page of the month's best seller: its rows are the most a product page reads.
  const month = await getOverview(range('30d'), prisma, { limit: 10, sort: 'revenue' });
  const sku = month.top_products[0]?.sku ?? '';
  const product: QueryFigures['product'] = { sku, cases: [] };
  for (const preset of ['24h', '7d', '30d'] as const) {
    const samples: number[] = [];
    let orders = 0;
    for (let i = 0; i < WARM_UP_RUNS + opts.runs; i++) {
      const [ms, detail] = await time(() => getProductDetail(sku, range(preset), prisma));
      if (i >= WARM_UP_RUNS) samples.push(ms);
      orders = detail?.totals.orders ?? 0;
    }
    const latency = summarize(samples);
    const name = preset.replace(/(\d+)/, '$1 ');
    product.cases.push({ name, latency, orders });
    step(`  getProductDetail ${sku} ${name}: p50 ${latency.p50.toFixed(1)} ms (${orders} orders)`);
  }

  const breakdown: QueryFigures['breakdown'] = [];
  for (const spec of specs.filter((s) => s.name === '30 d' || s.name.startsWith('7 d'))) {
    const f = spec.filters;
    const p50 = async (fn: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < BREAKDOWN_RUNS; i++) samples.push((await time(fn))[0]);
      return summarize(samples).p50;
    };
    const toMs = f.to.getTime();
    const prev = previousPeriod(f.from.getTime(), toMs);
    const cells = planCells([f.from.getTime()], toMs);
    const before = planCells([prev.from], prev.to);
    breakdown.push({
      name: spec.name,
      trends: await p50(() =>
        Promise.all([
          getSalesTrend(prisma, f, trendBuckets(f), toMs),
          getSalesTrend(prisma, f, bucketStarts(prev.from, prev.to, f.granularity, f.tz), prev.to),
        ]),
      ),
      products: await p50(() => getProductStandings(prisma, f, cells, before)),
      demographics: await p50(() => getDemographics(prisma, f, cells)),
      mix: await p50(() => getMix(prisma, f, cells)),
      recentOrders: await p50(() => getRecentOrders(prisma, f)),
      freshness: await p50(() => getFreshness(prisma, env().SALES_TOPIC)),
    });
  }

  const tables = await db.query<{ table: string; rows: string; bytes: string }>(
    `SELECT relname AS table, n_live_tup AS rows, pg_total_relation_size(relid) AS bytes
     FROM pg_stat_user_tables WHERE relname IN ('sales_rollup', 'product_rollup', 'demographic_rollup', 'product_demographic_rollup', 'processed_event')
     ORDER BY relname`,
  );
  return {
    runs: opts.runs,
    cases,
    breakdown,
    product,
    tables: tables.map((t) => ({ table: t.table, rows: Number(t.rows), bytes: Number(t.bytes) })),
  };
}
