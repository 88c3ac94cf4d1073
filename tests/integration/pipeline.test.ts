// Kafka → worker → Postgres → HTTP API, with the real broker, database and processes.
// A fixed dataset (valid sales, exact duplicates, malformed messages of many kinds) is
// produced in three phases around worker crashes and deliberately wrong Kafka offsets;
// the API must then report exactly what an independent computation over the events says.
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '../../lib/db';
import { compactRollups } from '../../lib/queries/compact-rollups';
import { pruneProcessedEvents } from '../../lib/queries/prune-processed-events';
import type { Managed } from '../../scripts/lib/processes';
import { createWorld } from '../../workers/simulator/catalog';
import { SaleGenerator } from '../../workers/simulator/generate';
import { bytes, type SaleJson, sale } from '../support/events';
import {
  type ExpectedFilter,
  expectedOverview,
  expectedProduct,
  matchesFilter,
  netLineRevenue,
} from '../support/expected';
import {
  connectProducer,
  createTestDatabase,
  createTopics,
  startWeb,
  startWorker,
  type TestDatabase,
  testBrokers,
  testKafka,
  topicEnd,
  uniqueName,
  waitFor,
  waitUntilConsumed,
} from '../support/stack';

const WINDOW_FROM = '2026-01-15T10:00:00Z';
const WINDOW_TO = '2026-01-15T11:00:00Z';
const VALID_EVENTS = 3000;
const PORT = Number(process.env.TEST_WEB_PORT ?? 3290 + (process.pid % 100));

interface Outgoing {
  key: string;
  value: Buffer | null;
  headers?: Record<string, string>;
}

// Malformed messages, one or more per rejection reason, with the reason the worker must give.
const MALFORMED: { message: Outgoing; reason: string }[] = [
  { message: { key: 'bad-1', value: Buffer.from('{"event_id": "x", ') }, reason: 'invalid_json' },
  { message: { key: 'bad-2', value: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }, reason: 'invalid_utf8' },
  { message: { key: 'bad-3', value: bytes([1, 2, 3]) }, reason: 'not_an_object' },
  { message: { key: 'bad-4', value: null }, reason: 'empty_message' },
  {
    message: { key: 'bad-5', value: bytes({ ...sale({ event_id: 'bad-5' }), lines: undefined }) },
    reason: 'missing_field',
  },
  {
    message: { key: 'bad-6', value: bytes(sale({ event_id: 'bad-6', currency: 'EUR' })) },
    reason: 'currency_mismatch',
  },
  { message: { key: 'bad-7', value: bytes(sale({ event_id: 'bad-7', type: 'return' })) }, reason: 'unknown_type' },
  {
    message: { key: 'bad-8', value: bytes(sale({ event_id: 'bad-8', channel: 'telephone' })) },
    reason: 'invalid_field',
  },
  {
    message: {
      key: 'bad-9',
      value: bytes(
        sale({
          event_id: 'bad-9',
          lines: [{ sku: 'A', name: 'A', category: 'C', quantity: 1, unit_price_cents: 100, discount_cents: 101 }],
        }),
      ),
      headers: { 'x-producer': 'pos-7' },
    },
    reason: 'invalid_field',
  },
  {
    message: { key: 'bad-10', value: bytes(sale({ event_id: 'bad-10', occurred_at: '2026-01-15 10:00' })) },
    reason: 'invalid_field',
  },
  // Clock skew: a producer whose clock runs far ahead.
  {
    message: { key: 'bad-11', value: bytes(sale({ event_id: 'bad-11', occurred_at: '2099-01-01T00:00:00Z' })) },
    reason: 'future_event',
  },
];

/** The contract fields of top products (rank, previous rank and share are checked separately). */
function productTotals(list: { sku: string; name: string; category: string; revenue_cents: number; units: number }[]) {
  return list.map(({ sku, name, category, revenue_cents, units }) => ({ sku, name, category, revenue_cents, units }));
}

function buildDataset(): { events: SaleJson[]; phases: Outgoing[][]; duplicates: number } {
  const generator = new SaleGenerator(createWorld(), 20260115);
  const start = Date.parse(WINDOW_FROM);
  const events: SaleJson[] = [];
  const outgoing: Outgoing[] = [];
  let duplicates = 0;
  for (let i = 0; i < VALID_EVENTS; i++) {
    const event = generator.next(start + 2000 + Math.floor((i * 3_500_000) / VALID_EVENTS)) as SaleJson;
    events.push(event);
    const message = { key: event.order_id, value: bytes(event) };
    outgoing.push(message);
    if (i % 40 === 13) {
      // A partial refund 10 minutes later (kept inside the window): counted in its own minute.
      const at = Math.min(Date.parse(event.occurred_at) + 600_000, start + 3_590_000);
      const refund = generator.refundOf(event, at) as SaleJson;
      events.push(refund);
      outgoing.push({ key: refund.order_id, value: bytes(refund) });
    }
    if (i % 50 === 7) {
      outgoing.push({ ...message }); // a producer retry: same bytes, same event_id
      duplicates += 1;
    }
    const bad = i % 250 === 150 ? MALFORMED[(i - 150) / 250] : undefined;
    if (bad) outgoing.push(bad.message);
  }
  const a = Math.floor(outgoing.length * 0.5);
  const b = Math.floor(outgoing.length * 0.75);
  // A duplicate of a phase-1 event delivered in phase 3 must also be dropped.
  const late = { key: (events[3] as SaleJson).order_id, value: bytes(events[3]) };
  duplicates += 1;
  return { events, phases: [outgoing.slice(0, a), outgoing.slice(a, b), [...outgoing.slice(b), late]], duplicates };
}

describe('sales pipeline (real Kafka, real Postgres, real processes)', () => {
  const { events, phases, duplicates } = buildDataset();
  /** Sales produced by later tests, on top of the dataset. */
  const laterEvents: SaleJson[] = [];
  const topic = uniqueName('it.sales').replaceAll('_', '.');
  const dlqTopic = `${topic}.dlq`;
  const groupId = uniqueName('it-group');
  let kafka: Kafka;
  let producer: Producer;
  let db: TestDatabase;
  let env: Record<string, string>;
  let worker: Managed | null = null;
  let web: Managed | null = null;
  const api = (qs: string) => fetch(`http://127.0.0.1:${PORT}/api/v1/overview?${qs}`);
  const windowQs = `from=${WINDOW_FROM}&to=${WINDOW_TO}`;

  async function produce(messages: Outgoing[]) {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic, messages: messages.slice(i, i + 500) });
    }
  }

  async function processedCount(): Promise<number> {
    const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM processed_event');
    return Number(rows[0]?.n);
  }

  /** Point the group's Kafka-committed offsets somewhere wrong, once no member is alive. */
  async function setKafkaOffsets(to: 'earliest' | 'latest') {
    const admin = kafka.admin();
    await admin.connect();
    await waitFor(
      'the consumer group to be empty',
      async () => {
        const { groups } = await admin.describeGroups([groupId]);
        return ['Empty', 'Dead'].includes(groups[0]?.state ?? '');
      },
      60_000,
      500,
    );
    if (to === 'earliest') await admin.resetOffsets({ groupId, topic, earliest: true });
    else {
      const end = await topicEnd(kafka, topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: [...end].map(([partition, high]) => ({ partition, offset: String(high) })),
      });
    }
    await admin.disconnect();
  }

  beforeAll(async () => {
    kafka = testKafka();
    db = await createTestDatabase('pulse_it');
    await createTopics(kafka, [
      { topic, numPartitions: 3 },
      { topic: dlqTopic, numPartitions: 1 },
    ]);
    producer = await connectProducer(kafka);
    env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: testBrokers(),
      SALES_TOPIC: topic,
      SALES_DLQ_TOPIC: dlqTopic,
      WORKER_GROUP_ID: groupId,
      WORKER_SESSION_TIMEOUT_MS: '6000',
    };
  });

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await web?.stop();
    await producer?.disconnect();
    await db?.drop();
  });

  it('counts every sale exactly once across crashes, lost and skipped Kafka offsets', async () => {
    // Phase 1: consume fully, then crash.
    await produce(phases[0] as Outgoing[]);
    worker = startWorker(env, 'worker-1');
    await waitUntilConsumed(kafka, db, topic);
    await worker.stop('SIGKILL');

    // Kafka "forgets" the commits: the worker must resume from Postgres, not recount.
    await setKafkaOffsets('earliest');
    await produce(phases[1] as Outgoing[]);
    const before = await processedCount();
    worker = startWorker(env, 'worker-2');
    await waitFor('some progress in phase 2', async () => (await processedCount()) > before, 60_000, 20);
    await worker.stop('SIGKILL'); // mid-stream, wherever it is

    // Kafka runs ahead of Postgres: the worker must go back, not skip.
    await setKafkaOffsets('latest');
    await produce(phases[2] as Outgoing[]);
    worker = startWorker(env, 'worker-3');
    await waitUntilConsumed(kafka, db, topic);

    expect(await processedCount()).toBe(events.length);
    web = await startWeb(env, PORT);
    const body = await (await api(windowQs)).json();
    const expected = expectedOverview(events);
    expect(body.totals).toEqual(expected.totals);
    expect(productTotals(body.top_products)).toEqual(expected.top_products);
    expect(body.top_products.map((p: { rank: number }) => p.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The hour before the window had no sales: every product is new there.
    expect(body.top_products.every((p: { previous_rank: number | null }) => p.previous_rank === null)).toBe(true);
    expect(body.top_products[0].share).toBeCloseTo(
      (expected.top_products[0]?.revenue_cents ?? 0) / expected.totals.revenue_cents,
      12,
    );
    expect(expected.totals.refund_cents).toBeGreaterThan(0);
    expect(body.totals.gross_cents - body.totals.refund_cents).toBe(body.totals.revenue_cents);
    expect(body.previous.totals).toEqual({
      revenue_cents: 0,
      gross_cents: 0,
      refund_cents: 0,
      orders: 0,
      units: 0,
      aov_cents: 0,
    });
    for (const [dimension, slices] of Object.entries(expected.demographics)) {
      const actual = Object.fromEntries(
        (body.demographics[dimension] as { key: string; revenue_cents: number; orders: number }[])
          .filter((s) => s.orders > 0)
          .map((s) => [s.key, { revenue_cents: s.revenue_cents, orders: s.orders }]),
      );
      expect(actual, dimension).toEqual(slices);
    }
    const trend = body.trend as { revenue_cents: number; orders: number }[];
    expect(trend).toHaveLength(60);
    expect(trend.reduce((sum, p) => sum + p.orders, 0)).toBe(VALID_EVENTS);
    expect(body.freshness.as_of).not.toBeNull();
    expect(duplicates).toBeGreaterThan(50);
  });

  it('answers filtered views exactly, with one or several values per filter', async () => {
    const first = events[0] as SaleJson;
    const category = first.lines[0]?.category as string;
    const sales = events.filter((e) => e.type === 'sale');
    // The two categories most often bought together, and a third: orders spanning several of
    // the selected categories must count once.
    const pairs = new Map<string, number>();
    for (const e of sales) {
      const cats = [...new Set(e.lines.map((l) => l.category))].sort();
      for (const a of cats)
        for (const b of cats) if (a < b) pairs.set(`${a}\n${b}`, (pairs.get(`${a}\n${b}`) ?? 0) + 1);
    }
    const [pair] = [...pairs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const [catA, catB] = (pair?.[0] ?? '').split('\n') as [string, string];
    const catC = [...new Set(sales.flatMap((e) => e.lines.map((l) => l.category)))].find(
      (c) => c !== catA && c !== catB,
    );
    const both = sales.filter(
      (e) => e.lines.some((l) => l.category === catA) && e.lines.some((l) => l.category === catB),
    );
    expect(both.length).toBeGreaterThan(20);
    const stores = [...new Set(events.map((e) => e.store_id))].sort();
    const regions = [...new Set(events.map((e) => e.region))].sort();
    const filters: ExpectedFilter[] = [
      { store: first.store_id },
      { region: first.region },
      { channel: 'app' },
      { category },
      { region: first.region, channel: first.channel, category },
      { store: stores.slice(0, 3) },
      { region: regions.slice(0, 2), channel: ['app', 'web'] },
      { category: [catA, catB] },
      { category: [catA, catB, catC as string] },
      { store: stores.slice(0, 8), channel: ['web', 'store', 'app'], category: [catA, catB] },
    ];
    for (const filter of filters) {
      const qs = new URLSearchParams({ from: WINDOW_FROM, to: WINDOW_TO });
      for (const [key, value] of Object.entries(filter)) for (const v of [value].flat()) qs.append(key, v);
      const label = JSON.stringify(filter);
      const body = await (await api(qs.toString())).json();
      const expected = expectedOverview(events, filter);
      expect(body.totals, label).toEqual(expected.totals);
      expect(productTotals(body.top_products), label).toEqual(expected.top_products);
      const nonZero = (slices: { key: string; revenue_cents: number; orders: number }[]) =>
        Object.fromEntries(
          slices
            .filter((s) => s.orders !== 0 || s.revenue_cents !== 0)
            .map((s) => [s.key, { revenue_cents: s.revenue_cents, orders: s.orders }]),
        );
      for (const [dimension, slices] of Object.entries(expected.demographics)) {
        expect(nonZero(body.demographics[dimension]), `${label} ${dimension}`).toEqual(slices);
      }
      expect(nonZero(body.mix.channel), `${label} channel mix`).toEqual(expected.channels);
      const trendOrders = Object.fromEntries(
        (body.trend as { start: string; orders: number }[]).filter((p) => p.orders > 0).map((p) => [p.start, p.orders]),
      );
      expect(trendOrders, `${label} trend`).toEqual(expected.orders_by_minute);
      // Each category slice of the mix is that category alone.
      for (const slice of body.mix.category as { key: string; revenue_cents: number; orders: number }[]) {
        const alone = expectedOverview(events, { ...filter, category: slice.key }).totals;
        expect({ revenue_cents: slice.revenue_cents, orders: slice.orders }, `${label} ${slice.key}`).toEqual({
          revenue_cents: alone.revenue_cents,
          orders: alone.orders,
        });
      }
      const list = (v: string | string[] | undefined) => (v === undefined ? [] : [v].flat().sort());
      expect(body.filters, label).toEqual({
        store: list(filter.store),
        region: list(filter.region),
        channel: list(filter.channel),
        category: list(filter.category),
      });
      // The ticker: newest matching sales and refunds (categories overlap the selection).
      const newest = [...events, ...laterEvents]
        .filter((e) => matchesFilter(e, filter))
        .sort((a, b) => Date.parse(b.occurred_at) - Date.parse(a.occurred_at) || (a.event_id < b.event_id ? -1 : 1))
        .slice(0, 20);
      expect(
        body.recent_orders.map((o: { event_id: string }) => o.event_id),
        `${label} ticker`,
      ).toEqual(newest.map((e) => e.event_id));
    }
    // The correction matters: counted per category, the overlapping orders would count twice.
    const pairOrders = expectedOverview(events, { category: [catA, catB] }).totals.orders;
    const separate = ['A', 'B'].map((_, i) => expectedOverview(events, { category: [catA, catB][i] }).totals.orders);
    expect(pairOrders).toBe((separate[0] as number) + (separate[1] as number) - both.length);

    // Identical views in any order and with repeats are one view.
    const a = await (
      await api(
        `${windowQs}&category=${encodeURIComponent(catB)}&category=${encodeURIComponent(catA)}&category=${encodeURIComponent(catB)}`,
      )
    ).json();
    const b = await (
      await api(`${windowQs}&category=${encodeURIComponent(catA)}&category=${encodeURIComponent(catB)}`)
    ).json();
    expect(a.totals).toEqual(b.totals);
    expect(a.filters).toEqual(b.filters);
  });

  it('sends every malformed message to the dead-letter topic with its reason and source', async () => {
    const consumer = kafka.consumer({ groupId: uniqueName('it-dlq-reader') });
    const seen: { value: Buffer | null; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen.push({ value: message.value, headers });
      },
    });
    await waitFor('dead letters', async () => seen.length >= MALFORMED.length, 60_000);
    await consumer.disconnect();

    // Crashes can re-send a dead letter (at-least-once in the topic); the source offset identifies it.
    const unique = new Map(seen.map((m) => [`${m.headers['x-source-partition']}/${m.headers['x-source-offset']}`, m]));
    expect(unique.size).toBe(MALFORMED.length);
    for (const { message, reason } of MALFORMED) {
      const found = [...unique.values()].find(
        (m) =>
          m.headers['x-source-topic'] === topic &&
          Buffer.compare(m.value ?? Buffer.alloc(0), message.value ?? Buffer.alloc(0)) === 0 &&
          m.headers['x-dlq-reason'] === reason,
      );
      expect(found, `${message.key} → ${reason}`).toBeDefined();
      expect(found?.headers['x-dlq-detail']).toBeTruthy();
      expect(Number(found?.headers['x-source-offset'])).toBeGreaterThanOrEqual(0);
      if (message.headers) expect(found?.headers['x-producer']).toBe('pos-7');
    }
    const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letter');
    expect(Number(rows[0]?.n)).toBe(MALFORMED.length);
  });

  it('restarts from the beginning of a log it does not know, without counting twice', async () => {
    await worker?.stop();
    // Offsets recorded against another cluster (a wiped dev broker, a migrated cluster) on
    // one partition, and beyond the end of the log (recreated topic) on another.
    await db.query("UPDATE consumer_offset SET cluster_id = 'some-other-cluster' WHERE topic = $1 AND partition = 0", [
      topic,
    ]);
    await db.query('UPDATE consumer_offset SET next_offset = next_offset + 1000 WHERE topic = $1 AND partition = 1', [
      topic,
    ]);
    const generator = new SaleGenerator(createWorld(), 99);
    const extra = Array.from(
      { length: 30 },
      (_, i) => generator.next(Date.parse(WINDOW_FROM) + 60_000 + i * 1000) as SaleJson,
    );
    await produce(extra.map((e) => ({ key: e.order_id, value: bytes(e) })));
    laterEvents.push(...extra);
    worker = startWorker(env, 'worker-4');
    await waitUntilConsumed(kafka, db, topic);

    const body = await (await api(windowQs)).json();
    expect(body.totals).toEqual(expectedOverview([...events, ...extra]).totals);
    expect(await processedCount()).toBe(events.length + extra.length);
  });

  it('buckets by local hour in a half-hour time zone and compares with the previous period', async () => {
    // Kolkata is UTC+05:30: local hours start at :30 UTC. The window [09:30Z, 11:00Z) has
    // buckets 15:00 and 16:00 local, the second one partial.
    const from = '2026-01-15T09:30:00Z';
    const to = '2026-01-15T11:00:00Z';
    const qs = new URLSearchParams({ from, to, tz: 'Asia/Kolkata', granularity: 'hour' }).toString();
    const body = await (await api(qs)).json();
    const inRange = (lo: string, hi: string) =>
      [...events, ...laterEvents].filter(
        (e) => Date.parse(e.occurred_at) >= Date.parse(lo) && Date.parse(e.occurred_at) < Date.parse(hi),
      );
    expect(body.granularity).toBe('hour');
    expect(body.trend.map((p: { bucket: string }) => p.bucket)).toEqual([
      '2026-01-15T09:30:00.000Z',
      '2026-01-15T10:30:00.000Z',
    ]);
    expect(body.trend[0].revenue_cents).toBe(
      expectedOverview(inRange(from, '2026-01-15T10:30:00Z')).totals.revenue_cents,
    );
    expect(body.trend[1].orders).toBe(expectedOverview(inRange('2026-01-15T10:30:00Z', to)).totals.orders);
    // Previous period of equal length: [08:00Z, 09:30Z) — empty, as the dataset starts at 10:00Z.
    expect(body.previous.totals).toEqual(expectedOverview(inRange('2026-01-15T08:00:00Z', from)).totals);

    // Second half vs first half of the dataset hour: totals, movers and mix against the events.
    const half = await (await api('from=2026-01-15T10:30:00Z&to=2026-01-15T11:00:00Z')).json();
    const first = expectedOverview(inRange('2026-01-15T10:00:00Z', '2026-01-15T10:30:00Z'));
    const second = expectedOverview(inRange('2026-01-15T10:30:00Z', '2026-01-15T11:00:00Z'));
    expect(half.previous.totals).toEqual(first.totals);
    expect(half.totals).toEqual(second.totals);
    const revenueBySku = (list: SaleJson[]) => {
      const m = new Map<string, number>();
      for (const e of list) for (const l of e.lines) m.set(l.sku, (m.get(l.sku) ?? 0) + netLineRevenue(e, l));
      return m;
    };
    const now = revenueBySku(inRange('2026-01-15T10:30:00Z', '2026-01-15T11:00:00Z'));
    const before = revenueBySku(inRange('2026-01-15T10:00:00Z', '2026-01-15T10:30:00Z'));
    const changes = [...new Set([...now.keys(), ...before.keys()])]
      .map((sku) => ({ sku, change: (now.get(sku) ?? 0) - (before.get(sku) ?? 0) }))
      .filter((c) => c.change !== 0);
    const top = (sign: 1 | -1) =>
      changes
        .filter((c) => Math.sign(c.change) === sign)
        .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || (a.sku < b.sku ? -1 : 1))
        .slice(0, 5);
    expect(
      half.movers.risers.map((m: { sku: string; change_cents: number }) => ({ sku: m.sku, change: m.change_cents })),
    ).toEqual(top(1));
    expect(
      half.movers.fallers.map((m: { sku: string; change_cents: number }) => ({ sku: m.sku, change: m.change_cents })),
    ).toEqual(top(-1));
    const channelRevenue = new Map<string, number>();
    for (const e of inRange('2026-01-15T10:30:00Z', '2026-01-15T11:00:00Z')) {
      const r = e.lines.reduce((n, l) => n + netLineRevenue(e, l), 0);
      channelRevenue.set(e.channel, (channelRevenue.get(e.channel) ?? 0) + r);
    }
    expect(
      Object.fromEntries(half.mix.channel.map((s: { key: string; revenue_cents: number }) => [s.key, s.revenue_cents])),
    ).toEqual(Object.fromEntries(channelRevenue));
    const categoryShare = half.mix.category.reduce((n: number, s: { share: number }) => n + s.share, 0);
    expect(categoryShare).toBeCloseTo(1, 9);
  });

  it('lists the newest sales for the ticker and reports no backlog once caught up', async () => {
    const all = [...events, ...laterEvents];
    const newest = [...all]
      .sort((a, b) => Date.parse(b.occurred_at) - Date.parse(a.occurred_at) || (a.event_id < b.event_id ? -1 : 1))
      .slice(0, 20);
    const body = await (await api(windowQs)).json();
    expect(body.recent_orders.map((o: { event_id: string }) => o.event_id)).toEqual(newest.map((e) => e.event_id));
    const first = newest[0] as SaleJson;
    const amount = expectedOverview([first]).totals;
    // The ticker names the order's biggest line (the first of equals) and links to its product.
    const biggest = (e: SaleJson) => {
      const revenue = (l: SaleJson['lines'][number]) => l.quantity * l.unit_price_cents - (l.discount_cents ?? 0);
      return e.lines.reduce((top, l) => (revenue(l) > revenue(top) ? l : top));
    };
    expect(body.recent_orders[0]).toMatchObject({
      kind: first.type,
      order_id: first.order_id,
      store_id: first.store_id,
      items: first.lines.length,
      revenue_cents: first.type === 'refund' ? amount.refund_cents : amount.gross_cents,
      top_item: biggest(first).name,
      top_sku: biggest(first).sku,
    });
    expect(body.recent_orders.some((o: { kind: string }) => o.kind === 'refund')).toBe(true);
    expect(body.recent_orders.map((o: { top_sku: string }) => o.top_sku)).toEqual(newest.map((e) => biggest(e).sku));
    expect(body.freshness.backlog).toBe(0);
    expect(body.freshness.behind_ms).toBe(0);
  });

  it('exports each tile as CSV with the same numbers as the API', async () => {
    const qs = `from=2026-01-15T10:00:00Z&to=2026-01-15T11:00:00Z&tz=America/New_York&granularity=hour`;
    const body = await (await api(qs)).json();
    const csv = async (tile: string) => {
      const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/export?tile=${tile}&${qs}`);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`attachment; filename="pulse-${tile}-`));
      const [header, ...rows] = (await res.text())
        .trimEnd()
        .split('\r\n')
        .map((line) => line.split(','));
      return rows.map((row) => Object.fromEntries((header as string[]).map((h, i) => [h, row[i]])));
    };
    const top = await csv('top_products');
    expect(top.map((r) => [r.sku, Number(r.revenue_cents), Number(r.units)])).toEqual(
      body.top_products.map((p: { sku: string; revenue_cents: number; units: number }) => [
        p.sku,
        p.revenue_cents,
        p.units,
      ]),
    );
    const trend = await csv('trend');
    expect(trend.map((r) => r.bucket)).toEqual(['2026-01-15T05:00:00-05:00']);
    expect(Number(trend[0]?.revenue_cents)).toBe(body.totals.revenue_cents);
    const kpis = await csv('kpis');
    expect(Object.fromEntries(kpis.map((r) => [r.metric, Number(r.value)]))).toEqual(body.totals);
    const demographics = await csv('demographics');
    expect(demographics.filter((r) => r.dimension === 'gender').reduce((n, r) => n + Number(r.orders), 0)).toBe(
      body.totals.orders,
    );
    expect((await fetch(`http://127.0.0.1:${PORT}/api/v1/export?tile=everything&${qs}`)).status).toBe(400);
  });

  it('drills down into one product: totals, trend, stores and who buys it match the events', async () => {
    const all = [...events, ...laterEvents];
    const sku = (expectedOverview(all).top_products[0] as { sku: string }).sku;
    const first = all.find((e) => e.lines.some((l) => l.sku === sku)) as SaleJson;
    const category = first.lines.find((l) => l.sku === sku)?.category as string;
    const views: Record<string, string>[] = [
      {},
      { channel: 'web' },
      { region: first.region },
      { store: first.store_id, category },
      { category: 'No Such Category' },
    ];
    for (const filter of views) {
      const label = JSON.stringify(filter);
      const qs = new URLSearchParams({ from: WINDOW_FROM, to: WINDOW_TO, ...filter }).toString();
      const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/products/${sku}?${qs}`);
      expect(res.status, label).toBe(200);
      const detail = await res.json();
      const expected = expectedProduct(all, sku, filter);
      expect(detail.product.sku).toBe(sku);
      expect(detail.totals, label).toMatchObject(expected.totals);
      expect(
        detail.trend.reduce((n: number, p: { units: number }) => n + p.units, 0),
        label,
      ).toBe(expected.totals.units);
      expect(
        Object.fromEntries(detail.stores.map((s: { key: string; revenue_cents: number }) => [s.key, s.revenue_cents])),
        label,
      ).toEqual(expected.stores);
      for (const [dimension, slices] of Object.entries(expected.demographics)) {
        const actual = detail.demographics[dimension] as { key: string; revenue_cents: number; orders: number }[];
        expect(
          Object.fromEntries(
            actual
              .filter((s) => s.orders > 0)
              .map((s) => [s.key, { revenue_cents: s.revenue_cents, orders: s.orders }]),
          ),
          `${label} ${dimension}`,
        ).toEqual(slices);
        // Each attribute splits the product's figures: nothing lost, nothing counted twice.
        expect(
          actual.reduce((n, s) => n + s.orders, 0),
          `${label} ${dimension}`,
        ).toBe(expected.totals.orders);
      }
    }
    expect(expectedProduct(all, sku, { channel: 'web' }).totals.orders).toBeGreaterThan(0);
    const web = await (await fetch(`http://127.0.0.1:${PORT}/api/v1/products/${sku}?${windowQs}&channel=web`)).json();
    expect(web.channels.map((c: { key: string }) => c.key)).toEqual(['web']);
    expect(web.freshness.as_of).not.toBeNull();
    expect((await fetch(`http://127.0.0.1:${PORT}/api/v1/products/NO-SUCH-SKU?${windowQs}`)).status).toBe(404);
  });

  it('serves an OpenAPI document describing the overview parameters', async () => {
    const doc = await (await fetch(`http://127.0.0.1:${PORT}/api/v1/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    const names = doc.paths['/api/v1/overview'].get.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'range',
        'from',
        'to',
        'store',
        'region',
        'channel',
        'category',
        'tz',
        'granularity',
        'top',
        'top_by',
      ]),
    );
    // Filters are lists: the key repeats once per value.
    const store = doc.paths['/api/v1/overview'].get.parameters.find((p: { name: string }) => p.name === 'store');
    expect(store).toMatchObject({ style: 'form', explode: true, schema: { type: 'array', maxItems: 50 } });
  });

  it('rejects bad query parameters with 400 and a message naming the parameter', async () => {
    for (const [qs, param] of [
      ['range=2h', 'range'],
      ['from=yesterday', 'from'],
      ['channel=fax', 'channel'],
      ['tz=Nowhere/Else', 'tz'],
      ['granularity=fortnight', 'granularity'],
      ['top=11', 'top'],
      [`from=${WINDOW_TO}&to=${WINDOW_FROM}`, 'from'],
      ['range=1h&range=4h', 'range'],
      ['channel=web&channel=telephone', 'channel'],
      [Array.from({ length: 51 }, (_, i) => `store=S-${i}`).join('&'), 'store'],
    ] as const) {
      const res = await api(qs);
      expect(res.status, qs).toBe(400);
      const body = await res.json();
      expect(body.error.param).toBe(param);
      expect(body.error.message).toMatch(new RegExp(param));
    }
  });

  it('forgets counted event ids past the retention in batches, keeping recent ones', async () => {
    await db.query(
      `INSERT INTO processed_event (event_id, processed_at)
       SELECT 'old-' || i, now() - interval '8 days' FROM generate_series(1, 12000) AS i`,
    );
    const before = await processedCount();
    const prisma = createPrisma(db.url, 2);
    try {
      const deleted = await pruneProcessedEvents(prisma, 7 * 86_400_000, { batchSize: 5000 });
      expect(deleted).toBe(12_000);
    } finally {
      await prisma.$disconnect();
    }
    expect(await processedCount()).toBe(before - 12_000);
    const old = await db.query<{ n: string }>("SELECT count(*) AS n FROM processed_event WHERE event_id LIKE 'old-%'");
    expect(Number(old[0]?.n)).toBe(0);
  });

  it('merges the partition shards of closed cells without changing any number, also under late events', async () => {
    // (The workers compact in the background as well, from 20 s after they start: the earlier
    // tests already ran against partly compacted rollups.)
    const before = await (await api(windowQs)).json();
    const shards = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM sales_rollup WHERE shard >= 0 AND bucket < now() - interval '1 day'`,
          )
        )[0]?.n,
      );
    // Earlier tests may have added rows to cells the workers had already compacted (they start
    // 20 s after a worker does; a slow run gets there): this pass starts from the beginning.
    await db.query('DELETE FROM rollup_compaction');
    const prisma = createPrisma(db.url, 2);
    try {
      // The workers compact in the background too; one compactor runs at a time.
      await waitFor(
        'a compaction pass to finish',
        async () => {
          const r = await compactRollups(prisma, { maxChunks: 10_000 });
          return r.ran && r.chunks === 0;
        },
        60_000,
        200,
      );
    } finally {
      await prisma.$disconnect();
    }
    expect(await shards()).toBe(0);
    const merged = await db.query<{ n: string }>('SELECT count(*) AS n FROM product_rollup WHERE shard = -1');
    expect(Number(merged[0]?.n)).toBeGreaterThan(0);
    const after = await (await api(windowQs)).json();
    for (const key of ['totals', 'top_products', 'demographics', 'mix', 'trend'] as const) {
      expect(after[key], key).toEqual(before[key]);
    }
    const expected = expectedOverview([...events, ...laterEvents]);
    expect(after.totals).toEqual(expected.totals);
    expect(productTotals(after.top_products)).toEqual(expected.top_products);

    // A late sale for a compacted minute lands in a shard row next to the merged one.
    const late = new SaleGenerator(createWorld(), 7).next(Date.parse(WINDOW_FROM) + 90_000) as SaleJson;
    await produce([{ key: late.order_id, value: bytes(late) }]);
    laterEvents.push(late);
    await waitUntilConsumed(kafka, db, topic);
    const body = await (await api(windowQs)).json();
    expect(body.totals).toEqual(expectedOverview([...events, ...laterEvents]).totals);
  });
});
