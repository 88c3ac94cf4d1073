// Kafka → worker → Postgres → HTTP API, with the real broker, database and processes.
// A fixed dataset (valid sales, exact duplicates, malformed messages of many kinds) is
// produced in three phases around worker crashes and deliberately wrong Kafka offsets;
// the API must then report exactly what an independent computation over the events says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '@/lib/contract/overview';
import { createPrisma } from '@/lib/db';
import { percentFigure } from '@/lib/domain/format';
import { RECENT_ORDERS_LIMIT } from '@/lib/queries/dashboard/get-recent-orders';
import { FACT_ROWS } from '@/lib/queries/facts/fact-rows';
import { ROLLUP_TABLES } from '@/lib/queries/facts/roll-facts';
import { compactRollups } from '@/lib/queries/ingest/compact-rollups';
import { pruneProcessedEvents } from '@/lib/queries/ingest/prune-processed-events';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, type SaleJson, sale } from '@/tests/support/events';
import {
  type ExpectedFilter,
  expectedOverview,
  expectedProduct,
  matchesFilter,
  netLineRevenue,
} from '@/tests/support/expected';
import {
  authedFetch,
  createSalesStack,
  type SalesStack,
  startWeb,
  startWorker,
  topicEnd,
  uniqueName,
  waitFor,
  waitUntilConsumed,
} from '@/tests/support/stack';
import { createWorld } from '@/workers/simulator/catalog';
import { SaleGenerator } from '@/workers/simulator/generate';

const WINDOW_FROM = '2026-01-15T10:00:00Z';
const WINDOW_TO = '2026-01-15T11:00:00Z';
const VALID_EVENTS = 3000;
const PORT = Number(process.env.TEST_WEB_PORT ?? 3290 + (process.pid % 100));

/** The events of the view [WINDOW_FROM, WINDOW_TO). */
function inWindow(events: SaleJson[]): SaleJson[] {
  return events.filter(
    (e) => Date.parse(e.occurred_at) >= Date.parse(WINDOW_FROM) && Date.parse(e.occurred_at) < Date.parse(WINDOW_TO),
  );
}

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
  let stack: SalesStack;
  let worker: Managed | null = null;
  let web: Managed | null = null;
  const api = (qs: string) => authedFetch(`http://127.0.0.1:${PORT}/api/v1/overview?${qs}`);
  const windowQs = `from=${WINDOW_FROM}&to=${WINDOW_TO}`;

  async function produce(messages: Outgoing[]) {
    for (let i = 0; i < messages.length; i += 500) {
      await stack.producer.send({ topic: stack.topic, messages: messages.slice(i, i + 500) });
    }
  }

  async function processedCount(): Promise<number> {
    const rows = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM processed_event');
    return Number(rows[0]?.n);
  }

  /** Point the group's Kafka-committed offsets somewhere wrong, once no member is alive. */
  async function setKafkaOffsets(to: 'earliest' | 'latest') {
    const admin = stack.kafka.admin();
    await admin.connect();
    await waitFor(
      'the consumer group to be empty',
      async () => {
        const { groups } = await admin.describeGroups([stack.groupId]);
        return ['Empty', 'Dead'].includes(groups[0]?.state ?? '');
      },
      60_000,
      500,
    );
    if (to === 'earliest') await admin.resetOffsets({ groupId: stack.groupId, topic: stack.topic, earliest: true });
    else {
      const end = await topicEnd(stack.kafka, stack.topic);
      await admin.setOffsets({
        groupId: stack.groupId,
        topic: stack.topic,
        partitions: [...end].map(([partition, high]) => ({ partition, offset: String(high) })),
      });
    }
    await admin.disconnect();
  }

  beforeAll(async () => {
    stack = await createSalesStack('pulse_it', 3);
  });

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await web?.stop();
    await stack?.stop();
  });

  it('counts every sale exactly once across crashes, lost and skipped Kafka offsets', async () => {
    // Phase 1: consume fully, then crash.
    await produce(phases[0] as Outgoing[]);
    worker = startWorker(stack.env, 'worker-1');
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    await worker.stop('SIGKILL');

    // Kafka "forgets" the commits: the worker must resume from Postgres, not recount.
    await setKafkaOffsets('earliest');
    await produce(phases[1] as Outgoing[]);
    const before = await processedCount();
    worker = startWorker(stack.env, 'worker-2');
    await waitFor('some progress in phase 2', async () => (await processedCount()) > before, 60_000, 20);
    await worker.stop('SIGKILL'); // mid-stream, wherever it is

    // Kafka runs ahead of Postgres: the worker must go back, not skip.
    await setKafkaOffsets('latest');
    await produce(phases[2] as Outgoing[]);
    worker = startWorker(stack.env, 'worker-3');
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);

    expect(await processedCount()).toBe(events.length);
    web = await startWeb(stack.env, PORT);
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
      const newest = inWindow([...events, ...laterEvents])
        .filter((e) => matchesFilter(e, filter))
        .sort((a, b) => Date.parse(b.occurred_at) - Date.parse(a.occurred_at) || (a.event_id < b.event_id ? -1 : 1))
        .slice(0, RECENT_ORDERS_LIMIT);
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
    const consumer = stack.kafka.consumer({ groupId: uniqueName('it-dlq-reader') });
    const seen: { value: Buffer | null; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: stack.dlqTopic, fromBeginning: true });
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
          m.headers['x-source-topic'] === stack.topic &&
          Buffer.compare(m.value ?? Buffer.alloc(0), message.value ?? Buffer.alloc(0)) === 0 &&
          m.headers['x-dlq-reason'] === reason,
      );
      expect(found, `${message.key} → ${reason}`).toBeDefined();
      expect(found?.headers['x-dlq-detail']).toBeTruthy();
      expect(Number(found?.headers['x-source-offset'])).toBeGreaterThanOrEqual(0);
      if (message.headers) expect(found?.headers['x-producer']).toBe('pos-7');
    }
    const rows = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letter');
    expect(Number(rows[0]?.n)).toBe(MALFORMED.length);
  });

  it('restarts from the beginning of a log it does not know, without counting twice', async () => {
    await worker?.stop();
    // Offsets recorded against another cluster (a wiped dev broker, a migrated cluster) on
    // one partition, and beyond the end of the log (recreated topic) on another.
    await stack.db.query(
      "UPDATE consumer_offset SET cluster_id = 'some-other-cluster' WHERE topic = $1 AND partition = 0",
      [stack.topic],
    );
    await stack.db.query(
      'UPDATE consumer_offset SET next_offset = next_offset + 1000 WHERE topic = $1 AND partition = 1',
      [stack.topic],
    );
    // As a roller running before the worker notices does: everything below the bogus offset
    // rolled, into every rollup table.
    const rolledAhead = await stack.db.query(
      `UPDATE fact_roll w SET next_offset = o.next_offset FROM consumer_offset o
       WHERE o.topic = w.topic AND o.partition = w.partition AND w.topic = $1 AND w.partition = 1 RETURNING w.partition`,
      [stack.topic],
    );
    expect(rolledAhead).toHaveLength(ROLLUP_TABLES.length);
    const generator = new SaleGenerator(createWorld(), 99);
    const extra = Array.from(
      { length: 30 },
      (_, i) => generator.next(Date.parse(WINDOW_FROM) + 60_000 + i * 1000) as SaleJson,
    );
    await produce(extra.map((e) => ({ key: e.order_id, value: bytes(e) })));
    laterEvents.push(...extra);
    worker = startWorker(stack.env, 'worker-4');
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);

    const body = await (await api(windowQs)).json();
    expect(body.totals).toEqual(expectedOverview([...events, ...extra]).totals);
    expect(await processedCount()).toBe(events.length + extra.length);
    // The roll's position came back with the stored offset: a roller that ran before the reset
    // had marked offsets up to the bogus one rolled, and facts written there since would have
    // been missing from every hour and day cell.
    const positions = await stack.db.query<{ partition: number; stored: string; rolled: string }>(
      `SELECT o.partition, o.next_offset AS stored, w.next_offset AS rolled
       FROM consumer_offset o JOIN fact_roll w USING (topic, partition) WHERE o.topic = $1`,
      [stack.topic],
    );
    for (const p of positions) expect(p.rolled, `partition ${p.partition}`).toBe(p.stored);
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
    // Of the view's range only: later sales are not the window's.
    const newest = inWindow(all)
      .sort((a, b) => Date.parse(b.occurred_at) - Date.parse(a.occurred_at) || (a.event_id < b.event_id ? -1 : 1))
      .slice(0, RECENT_ORDERS_LIMIT);
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

  it('exports each tile as CSV with the figures of the API as the page shows them', async () => {
    const qs = `from=2026-01-15T10:00:00Z&to=2026-01-15T11:00:00Z&tz=America/New_York&granularity=hour`;
    const body = await (await api(qs)).json();
    const csv = async (tile: string) => {
      const res = await authedFetch(`http://127.0.0.1:${PORT}/api/v1/export?tile=${tile}&${qs}`);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`attachment; filename="pulse-${tile}-`));
      // What the figures are, then an empty line, then the table.
      const [about, table] = (await res.text()).trimEnd().split('\r\n\r\n') as [string, string];
      expect(about.split('\r\n').map((line) => line.split(',')[0])).toEqual([
        'Pulse export',
        'From',
        'To (exclusive)',
        'Compared with',
        'Time zone',
        'As of',
        'Amounts',
        'Shares and changes',
      ]);
      expect(about).toContain('\r\nFrom,2026-01-15T05:00:00-05:00\r\nTo (exclusive),2026-01-15T06:00:00-05:00\r\n');
      expect(about).toContain(
        '\r\nCompared with,previous period: 2026-01-15T04:00:00-05:00 to 2026-01-15T05:00:00-05:00 (exclusive)\r\n',
      );
      expect(about).toContain('\r\nTime zone,America/New_York\r\n');
      expect(about).toContain('\r\nAmounts,"USD, major units"\r\n');
      const [header, ...rows] = table.split('\r\n').map((line) => line.split(','));
      return rows.map((row) => Object.fromEntries((header as string[]).map((h, i) => [h, row[i]])));
    };
    const dollars = (cents: number) => (cents / 100).toFixed(2);
    const top = await csv('top_products');
    expect(top.map((r) => [r.SKU, r['Revenue (USD)'], Number(r.Units), r['Share (%)']])).toEqual(
      body.top_products.map((p: { sku: string; revenue_cents: number; units: number; share: number }) => [
        p.sku,
        dollars(p.revenue_cents),
        p.units,
        percentFigure(p.share), // as the page rounds it
      ]),
    );
    const trend = await csv('trend');
    expect(trend.map((r) => r['Bucket start'])).toEqual(['2026-01-15T05:00:00-05:00']);
    expect(trend[0]?.['Revenue (USD)']).toBe(dollars(body.totals.revenue_cents));
    const kpis = await csv('kpis');
    const kpi = Object.fromEntries(kpis.map((r) => [r.Metric, r.Value]));
    expect(kpi).toMatchObject({
      Revenue: dollars(body.totals.revenue_cents),
      'Gross sales': dollars(body.totals.gross_cents),
      Orders: String(body.totals.orders),
      Units: String(body.totals.units),
    });
    const demographics = await csv('demographics');
    expect(demographics.filter((r) => r.Dimension === 'gender').reduce((n, r) => n + Number(r.Orders), 0)).toBe(
      body.totals.orders,
    );
    expect((await authedFetch(`http://127.0.0.1:${PORT}/api/v1/export?tile=everything&${qs}`)).status).toBe(400);
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
      const res = await authedFetch(`http://127.0.0.1:${PORT}/api/v1/products/${sku}?${qs}`);
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
    const web = await (
      await authedFetch(`http://127.0.0.1:${PORT}/api/v1/products/${sku}?${windowQs}&channel=web`)
    ).json();
    expect(web.channels.map((c: { key: string }) => c.key)).toEqual(['web']);
    expect(web.freshness.as_of).not.toBeNull();
    expect((await authedFetch(`http://127.0.0.1:${PORT}/api/v1/products/NO-SUCH-SKU?${windowQs}`)).status).toBe(404);
  });

  it('serves an OpenAPI document describing the overview parameters', async () => {
    // Public: no session needed.
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
        'compare',
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
      ['compare=last_month', 'compare'],
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
    await stack.db.query(
      `INSERT INTO processed_event (event_id, processed_at)
       SELECT 'old-' || i, now() - interval '8 days' FROM generate_series(1, 12000) AS i`,
    );
    const before = await processedCount();
    const prisma = createPrisma(stack.db.url, 2);
    try {
      const deleted = await pruneProcessedEvents(prisma, 7 * 86_400_000, { batchSize: 5000 });
      expect(deleted).toBe(12_000);
    } finally {
      await prisma.$disconnect();
    }
    expect(await processedCount()).toBe(before - 12_000);
    const old = await stack.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM processed_event WHERE event_id LIKE 'old-%'",
    );
    expect(Number(old[0]?.n)).toBe(0);
  });

  it('merges the partition shards of closed cells without changing any number, also under late events', async () => {
    // (The workers compact in the background as well, from 20 s after they start: the earlier
    // tests already ran against partly compacted rollups.)
    const before = await (await api(windowQs)).json();
    // Closed cells of more than one row (a cell one roll wrote has one and is left as it is).
    const shards = async (table: (typeof ROLLUP_TABLES)[number]) =>
      Number(
        (
          await stack.db.query<{ n: string }>(
            `SELECT count(*) AS n FROM (SELECT 1 FROM ${table} WHERE bucket < now() - interval '1 day'
             GROUP BY ${FACT_ROWS[table].keys.join(', ')}, grain, bucket HAVING count(*) > 1) c`,
          )
        )[0]?.n,
      );
    // Earlier tests may have added rows to cells the workers had already compacted (they start
    // 20 s after a worker does; a slow run gets there): this pass starts from the beginning.
    await stack.db.query('DELETE FROM rollup_compaction');
    // A lone worker's rolls write shard 0 only; two rollers write a cell in two shards. Split
    // one closed cell of a table with plain measures and one with slot arrays into two rows,
    // the figures moved to a second shard, as a second roller would have left them.
    const splitCell = async (table: 'product_rollup' | 'demographic_rollup') => {
      const { keys, sums, slots } = FACT_ROWS[table];
      const cell = ['grain', 'bucket', ...keys, 'shard'];
      const zero = (c: string) => (slots ? `array_fill(0::bigint, ARRAY[cardinality(t.${c})])` : '0');
      await stack.db.query(
        `WITH r AS (SELECT * FROM ${table} WHERE shard >= 0 AND bucket < now() - interval '1 day' LIMIT 1),
         moved AS (INSERT INTO ${table} (${[...cell, ...sums].join(', ')})
           SELECT ${[...cell.slice(0, -1), '99', ...sums].join(', ')} FROM r)
         UPDATE ${table} t SET ${sums.map((c) => `${c} = ${zero(c)}`).join(', ')}
         FROM r WHERE (${cell.map((c) => `t.${c}`).join(', ')}) = (${cell.map((c) => `r.${c}`).join(', ')})`,
      );
    };
    await splitCell('product_rollup');
    await splitCell('demographic_rollup');
    expect(await shards('product_rollup')).toBeGreaterThan(0);
    const prisma = createPrisma(stack.db.url, 2);
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
    for (const table of ROLLUP_TABLES) expect(await shards(table), table).toBe(0);
    for (const table of ['product_rollup', 'demographic_rollup']) {
      const merged = await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE shard = -1`);
      expect(Number(merged[0]?.n), table).toBeGreaterThan(0);
    }
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
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    const body = await (await api(windowQs)).json();
    expect(body.totals).toEqual(expectedOverview([...events, ...laterEvents]).totals);
  });

  it('counts a region once whatever case producers spell it in, and matches filters the same way', async () => {
    // A day of its own, after the window the other tests count.
    const day = 'from=2026-02-01T00:00:00Z&to=2026-02-02T00:00:00Z';
    const spellings = ['EU-West', 'eu-west', 'Eu-West'];
    const sales = spellings.map((region, k) =>
      sale({
        event_id: `case-${k}`,
        order_id: `case-${k}`,
        occurred_at: `2026-02-01T10:0${k}:00Z`,
        region,
        store_id: `CASE-0${k}`,
      }),
    );
    await produce(sales.map((e) => ({ key: e.order_id, value: bytes(e) })));
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    const filters = await (await authedFetch(`http://127.0.0.1:${PORT}/api/v1/filters`)).json();
    expect(filters.regions.filter((r: string) => r.toLowerCase() === 'eu-west')).toEqual(['eu-west']);
    for (const region of spellings) {
      const body = await (await api(`${day}&region=${region}`)).json();
      expect(body.totals.orders, region).toBe(spellings.length);
      expect(
        body.demographics.region.filter((s: { orders: number }) => s.orders > 0).map((s: { key: string }) => s.key),
      ).toEqual(['eu-west']);
    }
  });

  it('compares with the same time yesterday or last week in the view zone, across a DST change', async () => {
    const order = (k: number, occurredAt: string, sku: string, cents: number) =>
      sale({
        event_id: `cmp-${k}`,
        order_id: `cmp-${k}`,
        occurred_at: occurredAt,
        lines: [{ sku, name: sku, category: 'Compare', quantity: 1, unit_price_cents: cents, discount_cents: 0 }],
      });
    // Monday 9 March 2026 up to 14:06 EDT in New York; the clocks went forward on Sunday.
    const view = new URLSearchParams({
      from: '2026-03-09T04:00:00Z',
      to: '2026-03-09T18:06:00Z',
      tz: 'America/New_York',
    });
    const periods = {
      previous: ['2026-03-08T13:54:00Z', '2026-03-09T04:00:00Z'],
      // Sunday 00:00 EST to 14:06 EDT: 13 h 6 min (a 24 h shift would start at 04:00Z).
      yesterday: ['2026-03-08T05:00:00Z', '2026-03-08T18:06:00Z'],
      // Monday 2 March 00:00 to 14:06 EST (a 7 × 24 h shift would end at 18:06Z).
      last_week: ['2026-03-02T05:00:00Z', '2026-03-02T19:06:00Z'],
    } as const;
    const sales = [
      order(1, '2026-03-09T12:00:00Z', 'CMP-A', 3000),
      order(2, '2026-03-09T12:01:00Z', 'CMP-B', 1000),
      order(3, '2026-03-08T04:59:00Z', 'CMP-A', 700), // Saturday 23:59 EST: in no period
      order(4, '2026-03-08T05:00:00Z', 'CMP-B', 5000), // yesterday's first minute
      order(5, '2026-03-08T18:05:00Z', 'CMP-A', 1000), // its last minute, also the previous period's
      order(6, '2026-03-08T18:06:00Z', 'CMP-A', 400), // the previous period's only
      order(7, '2026-03-02T05:00:00Z', 'CMP-A', 900), // last Monday's first minute
      order(8, '2026-03-02T19:05:00Z', 'CMP-A', 600), // 14:05 EST, its last minute
      order(9, '2026-03-02T19:06:00Z', 'CMP-B', 800), // just after
    ];
    // Today so far: in a fixed-offset zone where it is about noon (far from midnight), a sale in
    // this minute; a day and a week before, one in the same minute and one 30 min later.
    const offset = 12 - new Date().getUTCHours();
    const tz = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const DAY = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const nowSales = [
      order(20, iso(minute), 'CMP-A', 1100),
      ...[DAY, 7 * DAY].flatMap((back, i) => [
        order(21 + i, iso(minute - back), 'CMP-A', 1200 + i),
        order(31 + i, iso(minute - back + 30 * 60_000), 'CMP-B', 1300 + i),
      ]),
    ];
    await produce([...sales, ...nowSales].map((e) => ({ key: e.order_id, value: bytes(e) })));
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);

    const inRange = (list: SaleJson[], [lo, hi]: readonly [string, string]) =>
      list.filter((e) => Date.parse(e.occurred_at) >= Date.parse(lo) && Date.parse(e.occurred_at) < Date.parse(hi));
    const ranks = (body: Overview) => Object.fromEntries(body.top_products.map((p) => [p.sku, p.previous_rank]));
    const bodies = new Map<string, Overview>();
    for (const compare of ['previous', 'yesterday', 'last_week'] as const) {
      const body: Overview = await (await api(`${view}&compare=${compare}`)).json();
      const [from, to] = periods[compare];
      expect(body.previous.compare).toBe(compare);
      expect(body.previous.range, compare).toEqual({ from: iso(Date.parse(from)), to: iso(Date.parse(to)) });
      expect(body.previous.totals, compare).toEqual(expectedOverview(inRange(sales, periods[compare])).totals);
      expect(body.totals).toEqual(expectedOverview(sales.slice(0, 2)).totals);
      bodies.set(compare, body);
    }
    const answer = (compare: string) => bodies.get(compare) as Overview;
    // Not vacuous: each period holds exactly the sales meant for it.
    expect(answer('previous').previous.totals).toMatchObject({ orders: 2, revenue_cents: 1400 });
    expect(answer('yesterday').previous.totals).toMatchObject({ orders: 2, revenue_cents: 6000 });
    expect(answer('last_week').previous.totals).toMatchObject({ orders: 2, revenue_cents: 1500 });
    // Rank changes and movers follow the comparison: B led yesterday, A sold alone last week.
    expect(ranks(answer('yesterday'))).toEqual({ 'CMP-A': 2, 'CMP-B': 1 });
    expect(ranks(answer('last_week'))).toEqual({ 'CMP-A': 1, 'CMP-B': null });
    // Side by side: each top product's figures in the period compared with are that period's own
    // (the model's sums of its sales; 0 where unsold), and what the period's own view ranks.
    const thenFigures = (body: Overview) =>
      Object.fromEntries(body.top_products.map((p) => [p.sku, [p.previous_revenue_cents, p.previous_units]]));
    for (const compare of ['previous', 'yesterday', 'last_week'] as const) {
      const model = expectedOverview(inRange(sales, periods[compare])).top_products;
      const want = Object.fromEntries(
        answer(compare).top_products.map((p) => {
          const m = model.find((x) => x.sku === p.sku);
          return [p.sku, [m?.revenue_cents ?? 0, m?.units ?? 0]];
        }),
      );
      expect(thenFigures(answer(compare)), compare).toEqual(want);
      const [from, to] = periods[compare];
      const own: Overview = await (await api(`from=${from}&to=${to}&tz=America/New_York`)).json();
      for (const p of own.top_products) {
        const row = answer(compare).top_products.find((x) => x.sku === p.sku);
        if (row)
          expect([row.previous_revenue_cents, row.previous_units, row.previous_rank]).toEqual([
            p.revenue_cents,
            p.units,
            p.rank,
          ]);
      }
    }
    expect(thenFigures(answer('yesterday'))).toEqual({ 'CMP-A': [1000, 1], 'CMP-B': [5000, 1] });
    expect(thenFigures(answer('last_week'))).toEqual({ 'CMP-A': [1500, 2], 'CMP-B': [0, 0] });
    const moves = (list: Overview['movers']['risers']) => list.map((m) => [m.sku, m.change_cents]);
    expect(moves(answer('yesterday').movers.risers)).toEqual([['CMP-A', 2000]]);
    expect(moves(answer('yesterday').movers.fallers)).toEqual([['CMP-B', -4000]]);

    // The product page compares the same way.
    const product = await (
      await authedFetch(`http://127.0.0.1:${PORT}/api/v1/products/CMP-A?${view}&compare=last_week`)
    ).json();
    expect(product.compare).toBe('last_week');
    expect(product.previous_range).toEqual({ from: '2026-03-02T05:00:00.000Z', to: '2026-03-02T19:06:00.000Z' });
    expect(product.previous_totals).toMatchObject(expectedProduct(inRange(sales, periods.last_week), 'CMP-A').totals);
    expect(product.previous_totals).toMatchObject({ orders: 2, revenue_cents: 1500 });

    // range=today: yesterday and last week up to the same minute of the day.
    for (const [compare, back] of [
      ['yesterday', DAY],
      ['last_week', 7 * DAY],
      ['previous', null],
    ] as const) {
      const body = await (await api(`range=today&tz=${encodeURIComponent(tz)}&compare=${compare}`)).json();
      const from = Date.parse(body.range.from);
      const to = Date.parse(body.range.to);
      expect((from + offset * 3_600_000) % DAY, 'today starts at local midnight').toBe(0);
      // A fixed-offset zone has 24 h days: the compared period is the range moved back.
      const period = back === null ? [from - (to - from), from] : [from - back, to - back];
      expect(body.previous.range, compare).toEqual({ from: iso(period[0] as number), to: iso(period[1] as number) });
      expect(body.previous.totals, compare).toEqual(
        expectedOverview(inRange(nowSales, [iso(period[0] as number), iso(period[1] as number)])).totals,
      );
      if (back !== null) expect(body.previous.totals.orders, compare).toBe(1); // not the one 30 min later
    }
  });
});
