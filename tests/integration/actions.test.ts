// The action layer end to end (README "Actions contract"): inventory events and sales go to the
// real broker, the real sales and inventory workers apply them, and the actions evaluator
// (workers/actions/evaluate.ts, driven here with its clock) turns them into condition episodes:
// a SKU that runs low and recovers gives exactly one low-stock alert and one restock suggestion,
// opened once and cleared once, even with two evaluators racing; a burst of sales at one store is
// one anomaly, raised once and cleared once. The outbox is published to a real actions topic and
// read back with a kafkajs consumer: one message per outbox row, unique action_ids, in order per
// episode. Finally the real actions worker process publishes what the evaluator writes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@prisma/client';
import type { Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionMessage, WEBHOOK_HEADERS } from '@/lib/contract/actions';
import { createPrisma } from '@/lib/db';
import type { InventoryEventJson } from '@/lib/domain/inventory-event';
import { verifyWebhookSignature } from '@/lib/domain/webhooks';
import { type Env, parseEnv } from '@/lib/env';
import { createKafka, createProducer } from '@/lib/ingest/kafka';
import { type AnomalyLevel, getWindowTotals } from '@/lib/queries/actions/get-window-totals';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, sale } from '@/tests/support/events';
import {
  createInventoryStack,
  createTopics,
  type InventoryStack,
  startActionsWorker,
  startInventoryWorker,
  startWorker,
  waitFor,
  waitUntilConsumed,
  waitUntilInventoryConsumed,
} from '@/tests/support/stack';
import {
  type EvaluateOptions,
  type EvaluatorSettings,
  evaluateActions,
  evaluatorSettings,
  WINDOW_GRACE_MS,
} from '@/workers/actions/evaluate';
import { publishOutbox } from '@/workers/actions/publisher';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.now();

/** The stock scenario: a pair counted at 30 that sells 25 units, then gets a delivery. */
const LOW = { store: 'PAR-01', region: 'eu-west', sku: 'ACT-A' };
/** When LOW's sales happen: the middle of the hour before the current one. */
const LOW_SALES_AT = Math.floor(NOW / HOUR) * HOUR - 30 * MIN;
/** The anomaly scenario: a store with 10 sales of 10.00 every 5 minutes, and one window of 60. */
const BURSTY = { store: 'NYC-01', region: 'us-east', sku: 'ACT-N' };
/** Window 0 of the anomaly scenario: 5-minute aligned, four hours ago. */
const B = Math.floor((NOW - 4 * HOUR) / (5 * MIN)) * 5 * MIN;
const BURST_WINDOW = 10;
const WINDOWS = 13;
/** A clock just after window k closed (the evaluator waits WINDOW_GRACE_MS past a window's end). */
const afterWindow = (k: number) => new Date(B + (k + 1) * 5 * MIN + WINDOW_GRACE_MS + 1000);

let seq = 0;
function inventory(type: InventoryEventJson['type'], store: string, sku: string, atMs: number, quantity: number) {
  seq += 1;
  const event: InventoryEventJson = {
    event_id: `act-inv-${seq}`,
    type,
    occurred_at: new Date(atMs).toISOString(),
    store_id: store,
    sku,
    quantity,
  };
  return { key: `${store}:${sku}`, value: bytes(event) };
}

function saleAt(store: { store: string; region: string; sku: string }, atMs: number, quantity: number) {
  seq += 1;
  const event = sale({
    event_id: `act-sale-${seq}`,
    order_id: `act-ord-${seq}`,
    occurred_at: new Date(atMs).toISOString(),
    store_id: store.store,
    region: store.region,
    lines: [
      {
        sku: store.sku,
        name: 'Action test item',
        category: 'Test',
        quantity,
        unit_price_cents: 1000,
        discount_cents: 0,
      },
    ],
  });
  return { key: event.order_id, value: bytes(event) };
}

/** 10 sales per 5-minute window, 60 in the burst window; the first exactly at B (the data's start). */
function burstySales() {
  const out = [];
  for (let k = 0; k < WINDOWS; k++) {
    const n = k === BURST_WINDOW ? 60 : 10;
    for (let i = 0; i < n; i++) out.push(saleAt(BURSTY, B + k * 5 * MIN + Math.floor((i * 5 * MIN) / n), 1));
  }
  return out;
}

let stack: InventoryStack;
let actionsTopic: string;
let config: Env;
let settings: EvaluatorSettings;
let prisma: PrismaClient;
let prisma2: PrismaClient;
let publisher: Producer;
let worker: Managed | undefined;
let inventoryWorker: Managed | undefined;
let actionsWorker: Managed | undefined;
let consumer: Consumer | undefined;

async function applied(): Promise<void> {
  await waitUntilInventoryConsumed(stack);
  await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
}

/** Two evaluators at once on their own connections: the advisory lock lets one run at a time. */
async function evaluateTwice(options: EvaluateOptions) {
  const [a, b] = await Promise.all([
    evaluateActions(prisma, settings, options),
    evaluateActions(prisma2, settings, options),
  ]);
  return { opened: a.opened + b.opened, cleared: a.cleared + b.cleared, ran: [a.ran, b.ran] };
}

interface EpisodeRow {
  id: string;
  kind: string;
  rule_id: string | null;
  subject_key: string;
  severity: string;
  opened_at: Date;
  cleared_at: Date | null;
  details: Record<string, unknown>;
}

const episodesOf = (subjectKey: string, kind: string) =>
  stack.db.query<EpisodeRow>(
    'SELECT id::text, kind, rule_id::text, subject_key, severity, opened_at, cleared_at, details FROM alert_episode WHERE subject_key = $1 AND kind = $2 ORDER BY id',
    [subjectKey, kind],
  );

const actionTypes = async (episodeId: string) =>
  (
    await stack.db.query<{ type: string }>('SELECT type FROM action_outbox WHERE episode_id = $1 ORDER BY seq', [
      episodeId,
    ])
  ).map((r) => r.type);

describe('actions: episodes and retail.actions.v1 from the real stack', () => {
  beforeAll(async () => {
    stack = await createInventoryStack('pulse_actions', 2, 2);
    actionsTopic = `${stack.topic}_actions`;
    await createTopics(stack.kafka, [{ topic: actionsTopic, numPartitions: 3 }]);
    config = parseEnv({ ...stack.env, ACTIONS_TOPIC: actionsTopic });
    settings = evaluatorSettings(config);
    prisma = createPrisma(stack.db.url, 4);
    prisma2 = createPrisma(stack.db.url, 4);
    publisher = createProducer(createKafka('pulse-tests-actions', config.KAFKA_BROKERS), 'none');
    await publisher.connect();
    await stack.producer.send({
      topic: stack.inventoryTopic,
      messages: [inventory('snapshot', LOW.store, LOW.sku, NOW - 2 * HOUR, 30)],
    });
    // 25 units sold in the previous hour (complete: the demand figures count complete hours).
    const lowSales = Array.from({ length: 5 }, (_, i) => saleAt(LOW, LOW_SALES_AT - i * MIN, 5));
    await stack.producer.send({ topic: stack.topic, messages: [...lowSales, ...burstySales()] });
    worker = startWorker(stack.env, 'actions-sales-worker');
    inventoryWorker = startInventoryWorker(stack.env, 'actions-inventory-worker');
    await applied();
  }, 300_000);

  afterAll(async () => {
    await consumer?.disconnect();
    await actionsWorker?.stop('SIGKILL');
    await inventoryWorker?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await publisher?.disconnect();
    await prisma?.$disconnect();
    await prisma2?.$disconnect();
    await stack?.stop();
  });

  it('a SKU that runs low and recovers: one alert and one restock suggestion, opened once and cleared once', async () => {
    const subject = `${LOW.store}|${LOW.sku}`;
    const stockOnly = { anomalyRule: () => false } as const;
    const [onHand] = await stack.db.query<{ on_hand: string }>(
      'SELECT on_hand::text FROM stock WHERE store_id = $1 AND sku = $2',
      [LOW.store, LOW.sku],
    );
    expect(Number(onHand?.on_hand)).toBe(5);

    const first = await evaluateTwice({ now: new Date(), changedSince: null, ...stockOnly });
    expect(first.ran).toContain(true);
    const [low] = await episodesOf(subject, 'low_stock');
    const [restock] = await episodesOf(subject, 'restock');
    expect(low).toMatchObject({ cleared_at: null, severity: 'warning' });
    expect(low?.details).toMatchObject({ on_hand: 5, reorder_point: 10, low_reason: 'below_reorder_point' });
    expect(restock?.cleared_at).toBeNull();
    expect(Number(restock?.details.restock_units)).toBeGreaterThan(0);

    // Passes with nothing changed (full and incremental, racing) add nothing.
    const again = await evaluateTwice({ now: new Date(), changedSince: null, ...stockOnly });
    const incremental = await evaluateTwice({ now: new Date(), changedSince: new Date(NOW - HOUR), ...stockOnly });
    expect(again.opened + again.cleared + incremental.opened + incremental.cleared).toBe(0);

    // A delivery large enough for more than the low-cover days at the forecast: the condition ends.
    const changedSince = new Date(Date.now() - 15_000);
    await stack.producer.send({
      topic: stack.inventoryTopic,
      messages: [inventory('receipt', LOW.store, LOW.sku, Date.now() - 1000, 5000)],
    });
    await waitUntilInventoryConsumed(stack);
    const recovered = await evaluateTwice({ now: new Date(), changedSince, ...stockOnly });
    expect(recovered.cleared).toBeGreaterThanOrEqual(2);
    await evaluateTwice({ now: new Date(), changedSince: null, ...stockOnly });

    const lows = await episodesOf(subject, 'low_stock');
    const restocks = await episodesOf(subject, 'restock');
    expect(lows).toHaveLength(1);
    expect(restocks).toHaveLength(1);
    expect(lows[0]?.cleared_at).not.toBeNull();
    expect(restocks[0]?.cleared_at).not.toBeNull();
    expect(await actionTypes(lows[0]?.id ?? '')).toEqual(['alert.opened', 'alert.cleared']);
    expect(await actionTypes(restocks[0]?.id ?? '')).toEqual(['suggestion.opened', 'suggestion.cleared']);
  });

  it('two evaluators racing on the same change never open a condition twice', async () => {
    // A fresh condition both see at once: a second pair counted below its reorder point.
    await stack.producer.send({
      topic: stack.inventoryTopic,
      messages: [inventory('snapshot', LOW.store, 'ACT-R', Date.now() - 1000, 2)],
    });
    await waitUntilInventoryConsumed(stack);
    for (let i = 0; i < 3; i++) {
      await evaluateTwice({ now: new Date(), changedSince: null, anomalyRule: () => false });
    }
    const open = await stack.db.query<{ kind: string; n: string }>(
      `SELECT kind, count(*)::text AS n FROM alert_episode WHERE subject_key = $1 GROUP BY kind ORDER BY kind`,
      [`${LOW.store}|ACT-R`],
    );
    // Low and a restock: one episode each (no pricing suggestion on less than a day of history).
    expect(open).toEqual([
      { kind: 'low_stock', n: '1' },
      { kind: 'restock', n: '1' },
    ]);
    const duplicates = await stack.db.query(
      `SELECT kind, rule_id, subject_key FROM alert_episode WHERE cleared_at IS NULL
       GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
  });

  it('a burst of sales at one store: one anomaly, raised once when its window closes and cleared once after', async () => {
    const [rule] = await stack.db.query<{ id: string; window_minutes: number; threshold: number }>(
      "SELECT id::text, window_minutes, threshold FROM alert_rule WHERE name = 'Store revenue anomaly'",
    );
    expect(rule?.window_minutes).toBe(5);
    const subject = `store=${BURSTY.store}`;
    const anomalies = async () => (await episodesOf(subject, 'sales_anomaly')).filter((e) => e.rule_id === rule?.id);
    const anomaliesOnly = { changedSince: null, skipStock: true } as const;

    // Windows 3…9 (three or more earlier windows known): steady, nothing opens.
    for (let k = 3; k < BURST_WINDOW; k++) await evaluateTwice({ now: afterWindow(k), ...anomaliesOnly });
    expect(await anomalies()).toEqual([]);
    // Not yet: the burst window ended but its grace has not passed.
    await evaluateTwice({ now: new Date(B + (BURST_WINDOW + 1) * 5 * MIN + 1000), ...anomaliesOnly });
    expect(await anomalies()).toEqual([]);

    // Not while the sales workers have a backlog whose messages reach only into the window: judged
    // on a half-applied window, the store would look like it had dropped.
    const offsets = await stack.db.query<{ partition: number; high_watermark: string; last_message_at: Date }>(
      'SELECT partition, high_watermark::text, last_message_at FROM consumer_offset WHERE topic = $1',
      [stack.topic],
    );
    expect(offsets.length).toBeGreaterThan(0);
    await stack.db.query(
      'UPDATE consumer_offset SET high_watermark = next_offset + 100, last_message_at = $2 WHERE topic = $1 AND partition = $3',
      [stack.topic, new Date(B + (BURST_WINDOW + 1) * 5 * MIN - MIN), offsets[0]?.partition],
    );
    const behind = await evaluateTwice({ now: afterWindow(BURST_WINDOW), ...anomaliesOnly });
    expect(behind.opened).toBe(0);
    expect(await anomalies()).toEqual([]);
    for (const o of offsets) {
      await stack.db.query(
        'UPDATE consumer_offset SET high_watermark = $3, last_message_at = $4 WHERE topic = $1 AND partition = $2',
        [stack.topic, o.partition, o.high_watermark, o.last_message_at],
      );
    }

    const raised = await evaluateTwice({ now: afterWindow(BURST_WINDOW), ...anomaliesOnly });
    expect(raised.opened).toBeGreaterThanOrEqual(1);
    await evaluateTwice({ now: new Date(afterWindow(BURST_WINDOW).getTime() + MIN), ...anomaliesOnly });
    let episodes = await anomalies();
    expect(episodes).toHaveLength(1);
    expect(episodes[0]).toMatchObject({ cleared_at: null, severity: 'critical' });
    expect(episodes[0]?.opened_at.getTime()).toBe(afterWindow(BURST_WINDOW).getTime());
    // 60 sales of 10.00 against a median of 10: spread = max(1.4826 × MAD = 0, 20 % of 10,000, 1,000).
    expect(episodes[0]?.details).toMatchObject({
      direction: 'spike',
      observed: 60_000,
      expected: 10_000,
      spread: 2000,
      z: 25,
      baseline: 'recent_windows',
      baseline_windows: BURST_WINDOW,
      window_start: new Date(B + BURST_WINDOW * 5 * MIN).toISOString(),
    });

    await evaluateTwice({ now: afterWindow(BURST_WINDOW + 1), ...anomaliesOnly });
    await evaluateTwice({ now: afterWindow(BURST_WINDOW + 2), ...anomaliesOnly });
    episodes = await anomalies();
    expect(episodes).toHaveLength(1);
    expect(episodes[0]?.cleared_at?.getTime()).toBe(afterWindow(BURST_WINDOW + 1).getTime());
    expect(await actionTypes(episodes[0]?.id ?? '')).toEqual(['alert.opened', 'alert.cleared']);
    // No other store and no other window alarmed under this rule.
    const others = await stack.db.query(
      'SELECT subject_key FROM alert_episode WHERE rule_id = $1 AND subject_key <> $2',
      [rule?.id, subject],
    );
    expect(others).toEqual([]);
  });

  it('reads window totals per level as the sums of the sale facts (minute windows from facts, whole hours from rollups)', async () => {
    const hourStart = Math.floor(NOW / HOUR) * HOUR - HOUR; // LOW's sales
    const windows = [
      { from: B, to: B + WINDOWS * 5 * MIN }, // minute cell: the facts
      { from: hourStart, to: hourStart + HOUR }, // hour cell: rollups plus facts not rolled up
    ];
    const expectedSql: Record<AnomalyLevel, string> = {
      all: `SELECT '' AS subject, sum(u.r) AS revenue, count(*) FILTER (WHERE NOT f.refund) AS orders
            FROM sale_fact f CROSS JOIN LATERAL (SELECT sum(r) AS r FROM unnest(f.parts, f.part_revenue) AS p(c, r) WHERE c = '*') u
            WHERE f.occurred_at >= $1 AND f.occurred_at < $2 GROUP BY 1`,
      store: `SELECT f.store_id AS subject, sum(u.r) AS revenue, count(*) FILTER (WHERE NOT f.refund) AS orders
            FROM sale_fact f CROSS JOIN LATERAL (SELECT sum(r) AS r FROM unnest(f.parts, f.part_revenue) AS p(c, r) WHERE c = '*') u
            WHERE f.occurred_at >= $1 AND f.occurred_at < $2 GROUP BY 1`,
      region: `SELECT f.region AS subject, sum(u.r) AS revenue, count(*) FILTER (WHERE NOT f.refund) AS orders
            FROM sale_fact f CROSS JOIN LATERAL (SELECT sum(r) AS r FROM unnest(f.parts, f.part_revenue) AS p(c, r) WHERE c = '*') u
            WHERE f.occurred_at >= $1 AND f.occurred_at < $2 GROUP BY 1`,
      category: `SELECT p.c AS subject, sum(p.r) AS revenue, count(*) FILTER (WHERE NOT f.refund) AS orders
            FROM sale_fact f CROSS JOIN LATERAL unnest(f.parts, f.part_revenue) AS p(c, r)
            WHERE f.occurred_at >= $1 AND f.occurred_at < $2 AND p.c <> '*' AND left(p.c, 1) <> chr(1) GROUP BY 1`,
      sku: `SELECT p.s AS subject, sum(p.r) AS revenue, count(*) FILTER (WHERE NOT f.refund) AS orders
            FROM sale_fact f CROSS JOIN LATERAL unnest(f.skus, f.sku_revenue) AS p(s, r)
            WHERE f.occurred_at >= $1 AND f.occurred_at < $2 GROUP BY 1`,
    };
    for (const level of Object.keys(expectedSql) as AnomalyLevel[]) {
      const totals = await getWindowTotals(prisma, { level, scopeKind: 'all', scopeValue: null }, windows);
      for (const [i, w] of windows.entries()) {
        const expected = await stack.db.query<{ subject: string; revenue: string; orders: string }>(
          expectedSql[level],
          [new Date(w.from), new Date(w.to)],
        );
        const actual = totals
          .filter((t) => t.window === i)
          .map((t) => ({ subject: t.subject, revenue: t.revenueCents, orders: t.orders }))
          .sort((a, b) => a.subject.localeCompare(b.subject));
        const wanted = expected
          .map((e) => ({ subject: e.subject, revenue: Number(e.revenue), orders: Number(e.orders) }))
          .sort((a, b) => a.subject.localeCompare(b.subject));
        expect(actual, `${level}, window ${i}`).toEqual(wanted);
        expect(wanted.length, `${level}, window ${i} has sales`).toBeGreaterThan(0);
      }
    }
    // A scope narrows the subjects: one store at SKU level.
    const scoped = await getWindowTotals(prisma, { level: 'sku', scopeKind: 'store', scopeValue: LOW.store }, windows);
    expect(scoped.filter((t) => t.window === 1).map((t) => [t.subject, t.revenueCents, t.orders])).toEqual([
      [LOW.sku, 25 * 1000, 5],
    ]);
  });

  it('publishes every outbox row to the actions topic once: same key, value and action-id, in order per episode', async () => {
    const first = await publishOutbox(prisma, publisher, actionsTopic, 7);
    expect(first.ran).toBe(true);
    const second = await publishOutbox(prisma, publisher, actionsTopic, 7);
    expect(second.published).toBe(0);
    const rows = await stack.db.query<{ seq: string; action_id: string; message_key: string; payload: ActionMessage }>(
      'SELECT seq::text, action_id::text, message_key, payload FROM action_outbox ORDER BY seq',
    );
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(first.published).toBe(rows.length);
    const unpublished = await stack.db.query('SELECT seq FROM action_outbox WHERE published_at IS NULL');
    expect(unpublished).toEqual([]);

    const messages = await readTopic(actionsTopic, rows.length);
    expect(messages).toHaveLength(rows.length);
    const ids = messages.map((m) => m.actionId);
    expect(new Set(ids).size).toBe(ids.length);
    const byId = new Map(rows.map((r) => [r.action_id, r]));
    for (const m of messages) {
      const row = byId.get(m.actionId);
      expect(row, `message ${m.actionId} has an outbox row`).toBeDefined();
      expect(m.key).toBe(row?.message_key);
      expect(m.value).toEqual(row?.payload);
      expect(m.value.action_id).toBe(m.actionId);
      expect(m.key).toBe(`episode:${m.value.episode.id}`);
    }
    // Per episode (one key, one partition), the topic holds the transitions in outbox order.
    const seqOf = new Map(rows.map((r) => [r.action_id, BigInt(r.seq)]));
    const byEpisode = new Map<string, bigint[]>();
    for (const m of messages) byEpisode.set(m.key, [...(byEpisode.get(m.key) ?? []), seqOf.get(m.actionId) ?? -1n]);
    for (const seqs of byEpisode.values()) expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('the actions worker process publishes what the evaluator writes, and POSTs it signed to a webhook', async () => {
    // A receiver of its own (a webhook registered before the alert opens gets its delivery).
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const secret = 'whsec_actions-worker-test';
    await stack.db.query(
      `INSERT INTO webhook (name, url, secret, types) VALUES ('it', $1, $2, ARRAY['alert.opened'])`,
      [`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret],
    );
    actionsWorker = startActionsWorker(
      { ...stack.env, ACTIONS_TOPIC: actionsTopic, ACTIONS_EVALUATE_MS: '1000', ACTIONS_DEBOUNCE_MS: '200' },
      'actions-worker',
    );
    // A new low pair: the worker's own pass opens it and its publisher sends it.
    await stack.producer.send({
      topic: stack.inventoryTopic,
      messages: [inventory('snapshot', BURSTY.store, 'ACT-W', Date.now() - 1000, 1)],
    });
    await waitUntilInventoryConsumed(stack);
    await waitFor(
      'the worker to open and publish the new low-stock alert',
      async () => {
        const rows = await stack.db.query<{ published: boolean }>(
          `SELECT o.published_at IS NOT NULL AS published FROM action_outbox o JOIN alert_episode e ON e.id = o.episode_id
           WHERE e.subject_key = $1 AND e.kind = 'low_stock' AND o.type = 'alert.opened'`,
          [`${BURSTY.store}|ACT-W`],
        );
        return rows.length === 1 && rows[0]?.published === true;
      },
      60_000,
      250,
    );
    const total = await stack.db.query<{ n: string }>('SELECT count(*)::text AS n FROM action_outbox');
    const messages = await readTopic(actionsTopic, Number(total[0]?.n));
    expect(new Set(messages.map((m) => m.actionId)).size).toBe(messages.length);
    expect(messages.some((m) => m.value.episode.subject.sku === 'ACT-W' && m.value.type === 'alert.opened')).toBe(true);
    // The same action, delivered to the webhook once, signed under its secret.
    await waitFor(
      'the webhook delivery of the new alert',
      async () => received.some((r) => (JSON.parse(r.body) as ActionMessage).episode.subject.sku === 'ACT-W'),
      30_000,
      250,
    );
    const mine = received.filter((r) => (JSON.parse(r.body) as ActionMessage).episode.subject.sku === 'ACT-W');
    expect(mine).toHaveLength(1);
    const hook = mine[0] as (typeof received)[number];
    const message = JSON.parse(hook.body) as ActionMessage;
    expect(message.type).toBe('alert.opened');
    expect(hook.headers[WEBHOOK_HEADERS.actionId]).toBe(message.action_id);
    expect(
      verifyWebhookSignature(
        secret,
        String(hook.headers[WEBHOOK_HEADERS.timestamp]),
        hook.body,
        String(hook.headers[WEBHOOK_HEADERS.signature]),
      ),
    ).toBe(true);
    expect(received.every((r) => (JSON.parse(r.body) as ActionMessage).type === 'alert.opened')).toBe(true);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
});

interface ReadMessage {
  key: string;
  actionId: string;
  value: ActionMessage;
}

/** Every message on `topic` from the start (a fresh consumer group), waiting for at least `expected`. */
async function readTopic(topic: string, expected: number): Promise<ReadMessage[]> {
  await consumer?.disconnect();
  consumer = stack.kafka.consumer({ groupId: `${topic}-reader-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const out: ReadMessage[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      out.push({
        key: message.key?.toString() ?? '',
        actionId: message.headers?.['action-id']?.toString() ?? '',
        value: JSON.parse(message.value?.toString() ?? 'null') as ActionMessage,
      });
    },
  });
  await waitFor(`${expected} messages on ${topic}`, async () => out.length >= expected, 60_000, 100);
  // A little longer: anything beyond the expected count (a duplicate) shows up too.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return out;
}
