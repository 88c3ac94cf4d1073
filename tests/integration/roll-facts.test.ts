// The SQL roll of sale facts against the reference model: a few thousand simulated sales and
// refunds (several partitions, out-of-order and redelivered events, multi-category orders, lines
// repeating a SKU) are applied with the worker's own applySalesBatch and rolled with the
// roller's own rollPending; every hour and day row of the four rollup tables must then equal the
// model's (tests/support/rollup-model.ts), with no row missing or extra. Dashboard queries give
// the same figures before the roll (pending facts read from sale_fact) and after it.
import type { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverviewFilters } from '@/lib/contract/overview';
import { createPrisma } from '@/lib/db';
import { GRAINS } from '@/lib/domain/grains';
import { decodeSaleEvent, type SaleEvent } from '@/lib/domain/sales-event';
import { ALL, ALL_CATEGORIES, CUSTOMER_SEGMENTS } from '@/lib/domain/sales-rollup';
import { planCells, previousPeriod } from '@/lib/domain/time-buckets';
import { getDemographics } from '@/lib/queries/dashboard/get-demographics';
import { getMix } from '@/lib/queries/dashboard/get-mix';
import { getProductDemographics } from '@/lib/queries/dashboard/get-product-demographics';
import { getSalesTrend, totalsOf } from '@/lib/queries/dashboard/get-sales-trend';
import { getProductStandings } from '@/lib/queries/dashboard/get-top-products';
import { rollPending } from '@/lib/queries/facts/roll-pending';
import { applySalesBatch } from '@/lib/queries/ingest/apply-sales-batch';
import { jitIsOn } from '@/lib/queries/ping-database';
import { trendBuckets } from '@/lib/web/overview-params';
import { bytes } from '@/tests/support/events';
import { type Rollup, rollUp } from '@/tests/support/rollup-model';
import { createTestDatabase, type TestDatabase } from '@/tests/support/stack';
import { createWorld } from '@/workers/simulator/catalog';
import { type SaleEventJson, SaleGenerator } from '@/workers/simulator/generate';

const TOPIC = 'it.roll.facts';
const PARTITIONS = 4;
const SALES = 3000;
const SPAN_MS = 2.5 * GRAINS.d;

/** A deterministic stream of pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function decoded(json: SaleEventJson): SaleEvent {
  const result = decodeSaleEvent(bytes(json), 'USD');
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  return result.event;
}

interface Workload {
  /** Per partition, the events in the order they are delivered (offsets 0, 1, …). */
  deliveries: SaleEvent[][];
  /** Each event once: what must be counted. */
  counted: SaleEvent[];
  /** Start of the minute of the first sale and end of the minute after the last event. */
  from: number;
  to: number;
}

/**
 * Sales spread over SPAN_MS ending two hours ago, keyed to a partition by order (refunds follow
 * their sale's); some refunded hours later, some delivered late (after events that happened
 * later), some redelivered (a producer retry: same event id, a later offset), some with a SKU
 * on two lines.
 */
function workload(): Workload {
  const rng = random(20261207);
  const generator = new SaleGenerator(createWorld(), 7);
  const end = Math.floor(Date.now() / GRAINS.h) * GRAINS.h - 2 * GRAINS.h;
  const start = end - SPAN_MS;
  const onTime: { at: number; partition: number; event: SaleEvent }[] = [];
  const late: { partition: number; event: SaleEvent }[] = [];
  const counted: SaleEvent[] = [];
  for (let i = 0; i < SALES; i++) {
    const partition = Math.floor(rng() * PARTITIONS);
    const at = start + Math.floor(rng() * SPAN_MS);
    const json = generator.next(at);
    const first = json.lines[0];
    if (first && rng() < 0.08) json.lines.push({ ...first, quantity: 1, discount_cents: 0 });
    const sale = decoded(json);
    counted.push(sale);
    if (rng() < 0.05) late.push({ partition, event: sale });
    else onTime.push({ at, partition, event: sale });
    if (rng() < 0.02) late.push({ partition, event: sale });
    if (rng() < 0.12) {
      const refundAt = Math.min(at + Math.floor(rng() * 8 * GRAINS.h), end - 1);
      const refund = decoded(generator.refundOf(json, refundAt));
      counted.push(refund);
      onTime.push({ at: refundAt, partition, event: refund });
    }
  }
  onTime.sort((a, b) => a.at - b.at);
  const deliveries: SaleEvent[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const { partition, event } of [...onTime, ...late]) deliveries[partition]?.push(event);
  const times = counted.map((e) => e.occurredAt);
  return {
    deliveries,
    counted,
    from: Math.floor(Math.min(...times) / GRAINS.m) * GRAINS.m,
    to: Math.floor(Math.max(...times) / GRAINS.m) * GRAINS.m + GRAINS.m,
  };
}

/** Applies each partition's deliveries in batches of varied size, partitions interleaved. */
async function applyAll(prisma: PrismaClient, deliveries: SaleEvent[][], rng: () => number): Promise<number> {
  const next = deliveries.map(() => 0);
  let counted = 0;
  while (next.some((n, p) => n < (deliveries[p]?.length ?? 0))) {
    for (const [partition, events] of deliveries.entries()) {
      const first = next[partition] as number;
      if (first >= events.length) continue;
      const size = 50 + Math.floor(rng() * 400);
      const batch = events.slice(first, first + size);
      const last = first + batch.length - 1;
      const outcome = await applySalesBatch(prisma, {
        clusterId: 'test-cluster',
        topic: TOPIC,
        partition,
        lastOffset: BigInt(last),
        lastMessageAt: new Date(),
        highWatermark: BigInt(events.length),
        accepted: batch.map((event, k) => ({ offset: BigInt(first + k), event })),
        rejected: [],
      });
      counted += outcome.counted;
      next[partition] = last + 1;
    }
  }
  return counted;
}

const MONEY = ['revenue_cents', 'orders', 'units', 'refund_cents', 'refund_units'];
const SLOTS = ['revenue_cents', 'orders'];

interface TableShape {
  keys: string[];
  sums: string[];
  slots: boolean;
  /** The model's rows of the table, in column names. */
  expected(model: Rollup): Record<string, unknown>[];
}

const columnsOf = (row: object) => {
  const { storeId, revenueCents, refundCents, refundUnits, ...rest } = row as Record<string, unknown>;
  return {
    ...rest,
    store_id: storeId,
    revenue_cents: revenueCents,
    refund_cents: refundCents,
    refund_units: refundUnits,
  };
};

/** Store-level hour rows: the customer tables do not keep them (fact-rows.ts storeHours). */
const notStoreHour = (row: { grain: string; storeId: string }) => !(row.grain === 'h' && row.storeId !== ALL);

const TABLES: Record<string, TableShape> = {
  sales_rollup: {
    keys: ['store_id', 'region', 'channel', 'category'],
    sums: MONEY,
    slots: false,
    expected: (m) => m.sales.map(columnsOf),
  },
  product_rollup: {
    keys: ['store_id', 'region', 'channel', 'sku', 'category'],
    sums: MONEY,
    slots: false,
    expected: (m) => m.products.map(columnsOf),
  },
  demographic_rollup: {
    keys: ['store_id', 'region', 'channel', 'category'],
    sums: SLOTS,
    slots: true,
    expected: (m) => m.demographics.filter(notStoreHour).map(columnsOf),
  },
  product_demographic_rollup: {
    keys: ['store_id', 'region', 'channel', 'sku', 'category'],
    sums: SLOTS,
    slots: true,
    expected: (m) => m.productDemographics.filter(notStoreHour).map(columnsOf),
  },
};

/** A row's measures as text: plain sums, or slot arrays padded to every segment. */
function measures(row: Record<string, unknown>, shape: TableShape): string {
  return shape.sums
    .map((column) => {
      const value = row[column];
      if (!shape.slots) return String(value);
      const slots = (value as (number | bigint | string)[]).map(String);
      return CUSTOMER_SEGMENTS.map((_, i) => slots[i] ?? '0').join(',');
    })
    .join(' | ');
}

const keyOf = (row: Record<string, unknown>, shape: TableShape) =>
  JSON.stringify([row.grain, Number(row.bucket), ...shape.keys.map((k) => row[k])]);

interface Comparison {
  expected: number;
  differing: string[];
  missing: string[];
  extra: string[];
}

/** Every hour and day row of `table` (summed over shards) against the model's. */
async function compare(db: TestDatabase, table: string, model: Rollup): Promise<Comparison> {
  const shape = TABLES[table] as TableShape;
  const sums = shape.sums.map((c) => (shape.slots ? `slot_sum(${c}) AS ${c}` : `sum(${c})::text AS ${c}`));
  const rows = await db.query<Record<string, unknown>>(
    `SELECT grain, (extract(epoch FROM bucket) * 1000)::bigint::text AS bucket, ${shape.keys.join(', ')}, ${sums.join(', ')}
     FROM ${table} WHERE grain IN ('h', 'd') GROUP BY grain, bucket, ${shape.keys.join(', ')}`,
  );
  const actual = new Map(rows.map((r) => [keyOf(r, shape), measures(r, shape)]));
  const expected = shape.expected(model).filter((r) => r.grain !== 'm');
  const result: Comparison = { expected: expected.length, differing: [], missing: [], extra: [] };
  for (const row of expected) {
    const key = keyOf(row, shape);
    const want = measures(row, shape);
    const got = actual.get(key);
    if (got === undefined) result.missing.push(`${key}: ${want}`);
    else if (got !== want) result.differing.push(`${key}: expected ${want}, got ${got}`);
    actual.delete(key);
  }
  result.extra = [...actual].map(([key, got]) => `${key}: ${got}`);
  return result;
}

/** What two views show: trend and totals, top products, customers and mix. */
async function views(prisma: PrismaClient, filters: OverviewFilters[]) {
  return Promise.all(
    filters.map(async (f) => {
      const from = f.from.getTime();
      const to = f.to.getTime();
      const current = planCells([from], to);
      const prev = previousPeriod(from, to);
      const trend = await getSalesTrend(prisma, f, trendBuckets(f), to);
      const products = await getProductStandings(prisma, f, current, planCells([prev.from], prev.to), { limit: 25 });
      const topSku = products.top[0]?.sku;
      return {
        totals: totalsOf(trend),
        trend,
        products,
        demographics: await getDemographics(prisma, f, current),
        mix: await getMix(prisma, f, current),
        topProductCustomers: topSku ? await getProductDemographics(prisma, topSku, f, current) : null,
      };
    }),
  );
}

describe('rolling sale facts into hour and day rollups (real PostgreSQL, reference model)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  const load = workload();
  const model = rollUp(load.counted);
  let filters: OverviewFilters[];
  let pending: Awaited<ReturnType<typeof views>>;

  beforeAll(async () => {
    db = await createTestDatabase('wt_model_roll_facts');
    prisma = createPrisma(db.url, 4);
    const categories = [...new Set(load.counted.flatMap((e) => e.lines.map((l) => l.category)))].sort();
    const regions = [...new Set(load.counted.map((e) => e.region))].sort();
    const stores = [...new Set(load.counted.map((e) => e.storeId))].sort();
    // Unaligned ranges: minute, hour and day cells, in UTC and in a half-hour time zone.
    filters = [
      {
        from: new Date(load.from + 17 * GRAINS.m),
        to: new Date(load.to - 43 * GRAINS.m),
        tz: 'UTC',
        granularity: 'hour',
        compare: 'previous',
      },
      {
        from: new Date(load.from + 3 * GRAINS.h + 11 * GRAINS.m),
        to: new Date(load.to - 29 * GRAINS.m),
        tz: 'Asia/Kolkata',
        granularity: 'day',
        compare: 'previous',
        region: regions.slice(0, 3),
        category: categories.slice(0, 3),
      },
      // Store-level rows: the customer tables answer its hour cells from the facts.
      {
        from: new Date(load.from + 5 * GRAINS.h + 7 * GRAINS.m),
        to: new Date(load.to - 3 * GRAINS.h - 13 * GRAINS.m),
        tz: 'UTC',
        granularity: 'hour',
        compare: 'previous',
        store: stores.slice(0, Math.ceil(stores.length / 2)),
        channel: ['web', 'store'],
      },
    ];
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it("runs with PostgreSQL's JIT off: the migration sets it for the database's sessions", async () => {
    // With it on, the roll and every dashboard query were compiled to machine code first:
    // seconds per query on a month of sales (scripts/db/database.ts turnJitOff).
    expect(await jitIsOn(prisma)).toBe(false);
    const [setting] = await db.query<{ setconfig: string[] }>(
      `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
       WHERE d.datname = current_database() AND s.setrole = 0`,
    );
    expect(setting?.setconfig).toContain('jit=off');
  });

  it('counts every event once as a fact, redeliveries, replayed batches and late events included', async () => {
    const delivered = load.deliveries.reduce((n, d) => n + d.length, 0);
    expect(delivered).toBeGreaterThan(load.counted.length); // some were redelivered
    const counted = await applyAll(prisma, load.deliveries, random(7));
    expect(counted).toBe(load.counted.length);
    // A zombie consumer's copy of an applied batch writes nothing.
    const again = (load.deliveries[0] ?? []).slice(0, 40);
    const zombie = await applySalesBatch(prisma, {
      clusterId: 'test-cluster',
      topic: TOPIC,
      partition: 0,
      lastOffset: BigInt(again.length - 1),
      lastMessageAt: new Date(),
      highWatermark: BigInt(again.length),
      accepted: again.map((event, k) => ({ offset: BigInt(k), event })),
      rejected: [],
    });
    expect(zombie).toMatchObject({ counted: 0, alreadyApplied: again.length });
    const [facts] = await db.query<{ n: string }>('SELECT count(*) AS n FROM sale_fact WHERE topic = $1', [TOPIC]);
    expect(Number(facts?.n)).toBe(load.counted.length);
    // Mixed enough to mean something: refunds, multi-category sales, several days.
    expect(load.counted.filter((e) => e.type === 'refund').length).toBeGreaterThan(200);
    expect(model.categorySets.length).toBeGreaterThan(10);
    expect(load.to - load.from).toBeGreaterThan(2 * GRAINS.d);
  });

  it('answers the views exactly from facts not rolled up yet', async () => {
    const [rolled] = await db.query<{ n: string }>("SELECT count(*) AS n FROM sales_rollup WHERE grain IN ('h', 'd')");
    expect(Number(rolled?.n)).toBe(0);
    pending = await views(prisma, filters);
    expect(pending[0]?.totals.orders).toBeGreaterThan(SALES / 2);
    expect(pending[1]?.totals.orders).toBeGreaterThan(0);
    // The unfiltered view's totals are the model's whole-order minute rows in its range.
    const f = filters[0] as OverviewFilters;
    const inRange = model.sales.filter(
      (r) =>
        r.grain === 'm' && r.category === ALL_CATEGORIES && r.bucket >= f.from.getTime() && r.bucket < f.to.getTime(),
    );
    const sum = (pick: (r: (typeof inRange)[number]) => number) => inRange.reduce((n, r) => n + pick(r), 0);
    expect(pending[0]?.totals).toMatchObject({
      revenue_cents: sum((r) => r.revenueCents),
      refund_cents: sum((r) => r.refundCents),
      orders: sum((r) => r.orders),
      units: sum((r) => r.units),
    });
  });

  it('rolls every fact into hour and day rows equal to the model, none missing or extra', async () => {
    let rolled = 0;
    for (;;) {
      const outcome = await rollPending(prisma, TOPIC, { maxFacts: 700 });
      rolled += outcome.facts;
      if (!outcome.more && outcome.facts === 0) break;
    }
    expect(rolled).toBe(load.counted.length);
    for (const table of Object.keys(TABLES)) {
      const result = await compare(db, table, model);
      expect(result.expected, table).toBeGreaterThan(0);
      expect({
        table,
        differing: result.differing.slice(0, 5),
        missing: result.missing.slice(0, 5),
        extra: result.extra.slice(0, 5),
      }).toEqual({ table, differing: [], missing: [], extra: [] });
    }
  });

  it('answers the views the same after the roll', async () => {
    expect(pending).toBeDefined();
    expect(await views(prisma, filters)).toEqual(pending);
  });
});
