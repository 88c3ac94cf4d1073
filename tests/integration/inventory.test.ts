// Inventory end to end: inventory events AND sales (refunds, duplicates, malformed messages,
// snapshots arriving out of order) go to the real broker; the real inventory worker — killed
// mid-stream and started again — keeps the stock; on-hand per store×SKU must equal, exactly, a
// model computed from the produced events (tests/support/inventory-model.ts); invalid inventory
// events must be dead-lettered with their reasons and invalid sales skipped; the API answers the
// same numbers within the caller's store scope.
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LivePush } from '@/lib/contract/live-channel';
import { createPrisma } from '@/lib/db';
import { HOUR_MS, resolveRule } from '@/lib/domain/demand';
import { type InventoryEventJson, onHandOf, type StockMovement } from '@/lib/domain/inventory-event';
import { decodeSaleEvent, type SaleEventJson } from '@/lib/domain/sales-event';
import { parseEnv } from '@/lib/env';
import { demandFields, inventorySettings } from '@/lib/queries/inventory/get-inventory';
import { compactStockLedger, pruneInventoryProcessedEvents } from '@/lib/queries/inventory/prune-inventory';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, sale } from '@/tests/support/events';
import {
  distinctMovements,
  expectedStock,
  lastThreeHours,
  type ProducedEvent,
  seededRandom,
} from '@/tests/support/inventory-model';
import { documentValidator, type OpenApiDocument, responseAt } from '@/tests/support/openapi';
import {
  createInventoryStack,
  createTestUser,
  type InventoryStack,
  signIn,
  startInventoryWorker,
  startWeb,
  startWorker,
  uniqueName,
  waitFor,
  waitUntilConsumed,
  waitUntilInventoryConsumed,
  webClient,
  webUrl,
} from '@/tests/support/stack';

const WEB_PORT = 3720 + (process.pid % 40);
const BASE = webUrl(WEB_PORT);
const admin = webClient(BASE);
const VIEWER = { email: 'nyc-viewer@pulse.test', password: 'nyc-viewer-password-1', role: 'viewer' as const };

const STORES = [
  { id: 'NYC-01', region: 'us-east' },
  { id: 'PAR-01', region: 'eu-west' },
];
const PRODUCTS = [
  { sku: 'INV-A', name: 'Anchor mug', category: 'Home' },
  { sku: 'INV-B', name: 'Blue hoodie', category: 'Apparel' },
  { sku: 'INV-C', name: 'Canvas tote', category: 'Accessories' },
  // Never counted: on-hand starts from 0.
  { sku: 'INV-D', name: 'Desk lamp', category: 'Home' },
];

const { int, pick } = seededRandom(2026);
// Event times: the last three hours, to the minute (several events share an instant).
const at = lastThreeHours();
type Produced = ProducedEvent;

let seq = 0;
function inventory(type: InventoryEventJson['type'], store: string, sku: string, minute: number, quantity: number) {
  seq += 1;
  const event: InventoryEventJson = {
    event_id: `inv-${seq}`,
    type,
    occurred_at: at(minute),
    store_id: store,
    sku,
    quantity,
  };
  return { topic: 'inventory' as const, key: `${store}:${sku}`, value: bytes(event) };
}

function saleOf(type: 'sale' | 'refund', minute: number): Produced {
  seq += 1;
  const store = pick(STORES);
  const lines = Array.from({ length: 1 + int(3) }, () => {
    const p = pick(PRODUCTS.slice(0, 3));
    return { sku: p.sku, name: p.name, category: p.category, quantity: 1 + int(4), unit_price_cents: 1000 };
  });
  const event: SaleEventJson = sale({
    event_id: `sale-${seq}`,
    type,
    order_id: `ord-${seq}`,
    occurred_at: at(minute),
    store_id: store.id,
    region: store.region,
    lines,
  });
  return { topic: 'sales', key: event.order_id, value: bytes(event) };
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

// Random counts, receipts and adjustments for every store×SKU but the uncounted one, and sales.
const random: Produced[] = [];
for (const store of STORES) {
  for (const p of PRODUCTS.slice(0, 3)) {
    for (let i = 0; i < 1 + int(3); i++) random.push(inventory('snapshot', store.id, p.sku, int(170), 20 + int(60)));
    for (let i = 0; i < 3; i++) random.push(inventory('receipt', store.id, p.sku, int(170), 5 + int(20)));
    for (let i = 0; i < 2; i++) random.push(inventory('adjustment', store.id, p.sku, int(170), -(1 + int(6))));
  }
}
random.push(inventory('receipt', 'PAR-01', 'INV-D', 30, 4));
for (let i = 0; i < 60; i++) random.push(saleOf(i % 7 === 6 ? 'refund' : 'sale', int(175)));

// A pair (no sales) whose snapshots arrive out of order across the restart: the newest first, an older one
// later (it must not overwrite), then a newer one (on-hand recomputed from the ledger).
const ordered = {
  first: [inventory('snapshot', 'NYC-01', 'INV-E', 100, 40), inventory('receipt', 'NYC-01', 'INV-E', 120, 9)],
  later: [
    inventory('snapshot', 'NYC-01', 'INV-E', 50, 999),
    inventory('receipt', 'NYC-01', 'INV-E', 60, 500), // before the newest snapshot: inside it
    inventory('snapshot', 'NYC-01', 'INV-E', 110, 30),
    inventory('adjustment', 'NYC-01', 'INV-E', 110, -7), // at the snapshot's instant: inside it
  ],
};

const MALFORMED_INVENTORY: { message: Produced; reason: string }[] = [
  { message: { topic: 'inventory', key: 'x', value: Buffer.from('{"event_id": ') }, reason: 'invalid_json' },
  {
    message: {
      ...inventory('receipt', 'NYC-01', 'INV-A', 10, 1),
      value: bytes({
        event_id: 'bad-1',
        type: 'transfer',
        occurred_at: at(1),
        store_id: 'NYC-01',
        sku: 'INV-A',
        quantity: 1,
      }),
    },
    reason: 'unknown_type',
  },
  {
    message: {
      ...inventory('receipt', 'NYC-01', 'INV-A', 10, 1),
      value: bytes({
        event_id: 'bad-2',
        type: 'receipt',
        occurred_at: at(1),
        store_id: 'NYC-01',
        sku: 'INV-A',
        quantity: -2,
      }),
    },
    reason: 'invalid_field',
  },
  {
    message: {
      ...inventory('receipt', 'NYC-01', 'INV-A', 10, 1),
      value: bytes({ event_id: 'bad-3', type: 'snapshot', occurred_at: at(1), store_id: 'NYC-01', quantity: 5 }),
    },
    reason: 'missing_field',
  },
  {
    message: {
      ...inventory('receipt', 'NYC-01', 'INV-A', 10, 1),
      value: bytes({
        event_id: 'bad-4',
        type: 'receipt',
        occurred_at: new Date(Date.now() + 3_600_000).toISOString(),
        store_id: 'NYC-01',
        sku: 'INV-A',
        quantity: 5,
      }),
    },
    reason: 'future_event',
  },
];
// The sales workers dead-letter these; the inventory worker skips them.
const MALFORMED_SALES: Produced[] = [
  { topic: 'sales', key: 'y', value: Buffer.from('not json') },
  { topic: 'sales', key: 'z', value: bytes(sale({ event_id: 'bad-sale', currency: 'EUR' })) },
];

const shuffledRandom = shuffled(random);
const cut = Math.floor(shuffledRandom.length * 0.5);
const partOne = [
  ...shuffledRandom.slice(0, cut),
  ...ordered.first,
  ...MALFORMED_INVENTORY.slice(0, 2).map((m) => m.message),
];
// Redeliveries, byte for byte, of events from both parts (so some cross the restart).
const duplicates = shuffled(shuffledRandom).slice(0, 25);
const partTwo = shuffled([
  ...shuffledRandom.slice(cut),
  ...ordered.later,
  ...duplicates,
  ...MALFORMED_INVENTORY.slice(2).map((m) => m.message),
  ...MALFORMED_SALES,
]);

/** The movements of every distinct valid event produced: the model's input. */
const producedMovements = (): StockMovement[] => distinctMovements([...partOne, ...partTwo]).all;

let stack: InventoryStack;
let worker: Managed | undefined;
let inventoryWorker: Managed | undefined;
let web: Managed | undefined;

async function produce(messages: Produced[]): Promise<void> {
  for (const topic of ['inventory', 'sales'] as const) {
    const batch = messages.filter((m) => m.topic === topic).map(({ key, value }) => ({ key, value }));
    if (batch.length > 0) {
      await stack.producer.send({ topic: topic === 'inventory' ? stack.inventoryTopic : stack.topic, messages: batch });
    }
  }
}

interface StockRowJson {
  store_id: string;
  sku: string;
  name: string | null;
  category: string | null;
  on_hand: number;
  low: boolean;
}

async function inventoryAnswer(path: string, cookie?: string): Promise<{ status: number; body: unknown }> {
  const res = cookie ? await fetch(`${BASE}${path}`, { headers: { cookie } }) : await admin.fetch(path);
  return { status: res.status, body: await res.json() };
}

describe('inventory: exact on-hand from the real stack', () => {
  beforeAll(async () => {
    stack = await createInventoryStack('pulse_inventory', 2, 3);
    await produce(partOne);
    worker = startWorker(stack.env, 'worker-inventory-sales');
    inventoryWorker = startInventoryWorker(stack.env, 'inventory-worker-1');
    await waitUntilInventoryConsumed(stack);
    // Mid-stream: the rest arrives while the worker works, and it is killed without warning.
    await produce(partTwo.slice(0, Math.floor(partTwo.length / 2)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await inventoryWorker.stop('SIGKILL');
    await produce(partTwo.slice(Math.floor(partTwo.length / 2)));
    inventoryWorker = startInventoryWorker(stack.env, 'inventory-worker-2');
    await waitUntilInventoryConsumed(stack);
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    await createTestUser(stack.db, { ...VIEWER, stores: ['NYC-01'] });
    web = await startWeb(stack.env, WEB_PORT);
  }, 300_000);

  afterAll(async () => {
    await inventoryWorker?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await web?.stop();
    await stack?.stop();
  });

  it('keeps on-hand per store×SKU exactly as the model computes it from the produced events', async () => {
    const expected = expectedStock(producedMovements());
    const rows = await stack.db.query<{
      store_id: string;
      sku: string;
      on_hand: string;
      snapshot_qty: string;
      delta_after: string;
    }>('SELECT store_id, sku, on_hand::text, snapshot_qty::text, delta_after::text FROM stock ORDER BY 1, 2');
    const actual = new Map(rows.map((r) => [`${r.store_id}\u0000${r.sku}`, Number(r.on_hand)]));
    expect(actual).toEqual(expected);
    for (const r of rows) expect(Number(r.on_hand)).toBe(Number(r.snapshot_qty) + Number(r.delta_after));
    // The out-of-order pair: the snapshot of minute 110 (30) wins; only the receipt of minute 120 is after it.
    expect(actual.get('NYC-01\u0000INV-E')).toBe(30 + 9);
    expect(actual.get('PAR-01\u0000INV-D')).toBe(4);
  });

  it('applies each event once: the duplicate filter holds every distinct valid event', async () => {
    const movements = producedMovements();
    const inventoryIds = new Set(movements.filter((m) => !['sale', 'refund'].includes(m.kind)).map((m) => m.eventId));
    const rows = await stack.db.query<{ stream: string; n: string }>(
      'SELECT stream, count(*) AS n FROM inventory_processed_event GROUP BY stream ORDER BY stream',
    );
    const counted = Object.fromEntries(rows.map((r) => [r.stream, Number(r.n)]));
    expect(counted.inventory).toBe(inventoryIds.size);
    const saleIds = new Set(
      [...partOne, ...partTwo]
        .filter((m) => m.topic === 'sales')
        .flatMap((m) => {
          const r = decodeSaleEvent(m.value, 'USD');
          return r.ok ? [r.event.eventId] : [];
        }),
    );
    expect(counted.sales).toBe(saleIds.size);
  });

  it('dead-letters every malformed inventory event with its reason, and no sale', async () => {
    const consumer = stack.kafka.consumer({ groupId: uniqueName('it-inventory-dlq-reader') });
    const seen: { value: Buffer | null; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: stack.inventoryDlqTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen.push({ value: message.value, headers });
      },
    });
    await waitFor('inventory dead letters', async () => seen.length >= MALFORMED_INVENTORY.length, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // anything beyond them would show now
    await consumer.disconnect();
    // At-least-once in the topic (a kill may re-send one): the source offset identifies a copy.
    const unique = new Map(seen.map((m) => [`${m.headers['x-source-partition']}/${m.headers['x-source-offset']}`, m]));
    expect(unique.size).toBe(MALFORMED_INVENTORY.length);
    for (const { message, reason } of MALFORMED_INVENTORY) {
      const found = [...unique.values()].find(
        (m) => Buffer.compare(m.value ?? Buffer.alloc(0), message.value) === 0 && m.headers['x-dlq-reason'] === reason,
      );
      expect(found, reason).toBeDefined();
      expect(found?.headers['x-source-topic']).toBe(stack.inventoryTopic);
      expect(found?.headers['x-dlq-detail']).toBeTruthy();
    }
    // And on the ops page's list, exactly once each (written with the offsets that pass them).
    const rows = await stack.db.query<{ id: string; reason: string; payload: Buffer; source: string }>(
      `SELECT id::text, reason, payload, topic || '/' || partition || '/' || "offset" AS source
       FROM dead_letter WHERE topic = $1 ORDER BY id`,
      [stack.inventoryTopic],
    );
    expect(rows.map((r) => r.reason).sort()).toEqual(MALFORMED_INVENTORY.map((m) => m.reason).sort());
    for (const { message, reason } of MALFORMED_INVENTORY) {
      expect(
        rows.some((r) => r.reason === reason && Buffer.compare(r.payload, message.value) === 0),
        reason,
      ).toBe(true);
    }
    const listed = (await (await admin.fetch('/api/v1/dead-letters?limit=200')).json()) as {
      dead_letters: { id: number; source: { topic: string } }[];
    };
    expect(listed.dead_letters.filter((d) => d.source.topic === stack.inventoryTopic)).toHaveLength(rows.length);
    // Re-driven, an inventory dead letter goes back to the inventory topic (and, still invalid,
    // comes back as a new dead letter pointing at it); nothing reaches the sales pipeline.
    const first = rows[0] as { id: string; source: string };
    const res = await fetch(`${BASE}/api/v1/dead-letters/redrive`, {
      method: 'POST',
      headers: await admin.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ ids: [Number(first.id)] }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { results: { status: string; to?: { topic: string } }[] };
    expect(answer.results[0]?.status).toBe('redriven');
    expect(answer.results[0]?.to?.topic).toBe(stack.inventoryTopic);
    await waitFor(
      'the re-driven copy rejected again',
      async () =>
        (await stack.db.query('SELECT 1 FROM dead_letter WHERE redrive_of = $1', [first.source])).length === 1,
      60_000,
    );
  });

  it('answers GET /api/v1/inventory with the same numbers, as documented, within the caller’s stores', async () => {
    const expected = expectedStock(producedMovements());
    const doc = (await (await fetch(`${BASE}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    const validate = documentValidator(doc)(responseAt('/api/v1/inventory', 'get', '200'));

    const all = await inventoryAnswer('/api/v1/inventory?limit=500&sort=sku');
    expect(all.status).toBe(200);
    expect(validate(all.body), JSON.stringify(validate.errors)).toBe(true);
    const body = all.body as { rows: StockRowJson[]; total: number; low_stock_units: number };
    expect(body.total).toBe(expected.size);
    expect(new Map(body.rows.map((r) => [`${r.store_id}\u0000${r.sku}`, r.on_hand]))).toEqual(expected);
    // Names and categories come from the sales pipeline's products.
    const hoodie = body.rows.find((r) => r.sku === 'INV-B');
    expect([hoodie?.name, hoodie?.category]).toEqual(['Blue hoodie', 'Apparel']);

    const low = (await inventoryAnswer('/api/v1/inventory?low=true&sort=on_hand&order=desc')).body as {
      rows: StockRowJson[];
    };
    const lowExpected = [...expected].filter(([, n]) => n <= body.low_stock_units).length;
    expect(low.rows).toHaveLength(lowExpected);
    expect(low.rows.every((r) => r.low && r.on_hand <= body.low_stock_units)).toBe(true);
    const desc = low.rows.map((r) => r.on_hand);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));

    const byName = (await inventoryAnswer('/api/v1/inventory?q=hood')).body as { rows: StockRowJson[] };
    expect(byName.rows.map((r) => `${r.store_id}/${r.sku}`).sort()).toEqual(['NYC-01/INV-B', 'PAR-01/INV-B']);
    const page = (await inventoryAnswer('/api/v1/inventory?limit=2&offset=2&sort=sku')).body as {
      rows: StockRowJson[];
      total: number;
    };
    expect(page.rows.map((r) => r.sku)).toEqual(body.rows.slice(2, 4).map((r) => r.sku));
    expect(page.total).toBe(expected.size);

    const bad = await inventoryAnswer('/api/v1/inventory?limit=0');
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { param: string } }).error.param).toBe('limit');

    // A viewer of NYC-01 sees NYC-01 only, and asking for Paris is refused.
    const cookie = await signIn(BASE, VIEWER.email, VIEWER.password);
    const scoped = (await inventoryAnswer('/api/v1/inventory?limit=500', cookie)).body as {
      rows: StockRowJson[];
      total: number;
    };
    const nyc = [...expected].filter(([key]) => key.startsWith('NYC-01\u0000'));
    expect(scoped.total).toBe(nyc.length);
    expect(new Map(scoped.rows.map((r) => [`${r.store_id}\u0000${r.sku}`, r.on_hand]))).toEqual(new Map(nyc));
    const outside = await inventoryAnswer('/api/v1/inventory?store=PAR-01', cookie);
    expect(outside.status).toBe(403);
    expect((await fetch(`${BASE}/api/v1/inventory`)).status).toBe(401);
  });

  it('answers GET /api/v1/inventory/history with the on-hand rule at every point, per store and in total', async () => {
    const movements = producedMovements();
    for (const sku of ['INV-A', 'INV-B', 'INV-D']) {
      const res = await inventoryAnswer(`/api/v1/inventory/history?sku=${sku}&range=24h`);
      expect(res.status).toBe(200);
      const history = res.body as {
        at: string[];
        stores: { store_id: string; on_hand: (number | null)[] }[];
        total: (number | null)[];
        known_from: string | null;
      };
      expect(history.at).toHaveLength(96);
      const stores = [...new Set(movements.filter((m) => m.sku === sku).map((m) => m.storeId))].sort();
      expect(history.stores.map((s) => s.store_id)).toEqual(stores);
      for (const store of history.stores) {
        const pair = movements.filter((m) => m.sku === sku && m.storeId === store.store_id);
        // Before a pair's earliest snapshot the ledger may have been compacted: unknown (null).
        const counts = pair.filter((m) => m.kind === 'snapshot').map((m) => m.occurredAt);
        const knownFrom = counts.length > 0 ? Math.min(...counts) : Number.NEGATIVE_INFINITY;
        const expected = history.at.map((t) =>
          Date.parse(t) < knownFrom ? null : onHandOf(pair.filter((m) => m.occurredAt <= Date.parse(t))).onHand,
        );
        expect(store.on_hand).toEqual(expected);
        expect(store.on_hand.at(-1)).toBe(onHandOf(pair).onHand);
      }
      expect(history.total.at(-1)).toBe(history.stores.reduce((sum, s) => sum + (s.on_hand.at(-1) as number), 0));
    }
    const bad = await inventoryAnswer('/api/v1/inventory/history?sku=INV-A&range=1y');
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { param: string } }).error.param).toBe('range');
    expect((await inventoryAnswer('/api/v1/inventory/history')).status).toBe(400);
    const cookie = await signIn(BASE, VIEWER.email, VIEWER.password);
    const scoped = (await inventoryAnswer('/api/v1/inventory/history?sku=INV-A', cookie)).body as {
      stores: { store_id: string }[];
    };
    expect(scoped.stores.map((s) => s.store_id)).toEqual(['NYC-01']);
    expect((await inventoryAnswer('/api/v1/inventory/history?sku=INV-A&store=PAR-01', cookie)).status).toBe(403);
  });

  it('stays exact when every event is delivered again after the applied ids were pruned and the ledger compacted', async () => {
    const prisma = createPrisma(stack.db.url, 2);
    try {
      const pruned = await pruneInventoryProcessedEvents(prisma, 0, { nowMs: Date.now() + 86_400_000, batchSize: 50 });
      expect(pruned).toBeGreaterThan(0);
      await compactStockLedger(prisma, { batchSize: 50 });
      // The worker's own housekeeping (30 s after it starts) may have compacted first on a busy
      // machine: either way the ledger must hold fewer rows than the distinct movements applied.
      const ledger = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM stock_movement');
      expect(Number(ledger[0]?.n)).toBeLessThan(producedMovements().length);
    } finally {
      await prisma.$disconnect();
    }
    const left = await stack.db.query<{ ids: string; stale: string }>(
      `SELECT (SELECT count(*) FROM inventory_processed_event) AS ids,
        (SELECT count(*) FROM stock_movement l JOIN stock s USING (store_id, sku)
         WHERE l.occurred_at <= s.snapshot_at AND NOT (l.kind = 'snapshot' AND l.event_id = s.snapshot_event_id)) AS stale`,
    );
    expect(left[0]).toEqual({ ids: '0', stale: '0' });
    // Everything once more (the malformed ones too): nothing may change.
    await produce([...partOne, ...partTwo].filter((m) => !MALFORMED_INVENTORY.some((bad) => bad.message === m)));
    await waitUntilInventoryConsumed(stack);
    const rows = await stack.db.query<{ store_id: string; sku: string; on_hand: string }>(
      'SELECT store_id, sku, on_hand::text FROM stock',
    );
    expect(new Map(rows.map((r) => [`${r.store_id}\u0000${r.sku}`, Number(r.on_hand)]))).toEqual(
      expectedStock(producedMovements()),
    );
    // The demand hours too: each distinct sale and refund counted once, across the restart, the
    // redeliveries and this full replay after pruning and compaction.
    const hours = await stack.db.query<{ store_id: string; sku: string; hour: Date; units: string }>(
      'SELECT store_id, sku, hour, units::text FROM stock_demand_hour',
    );
    const expectedHours = new Map<string, number>();
    for (const m of producedMovements()) {
      if (m.kind !== 'sale' && m.kind !== 'refund') continue;
      const key = `${m.storeId}\u0000${m.sku}\u0000${Math.floor(m.occurredAt / HOUR_MS) * HOUR_MS}`;
      expectedHours.set(key, (expectedHours.get(key) ?? 0) - m.qty);
    }
    expect(expectedHours.size).toBeGreaterThan(0);
    expect(
      new Map(hours.map((r) => [`${r.store_id}\u0000${r.sku}\u0000${new Date(r.hour).getTime()}`, Number(r.units)])),
    ).toEqual(expectedHours);
  });

  it('pushes stock changes live over Socket.IO, within the viewer’s stores', async () => {
    const cookie = await signIn(BASE, VIEWER.email, VIEWER.password);
    const pushes: { rows: StockRowJson[] }[] = [];
    const errors: { code: string; param: string }[] = [];
    const socket: Socket = connect(BASE, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
    socket.on('inventory', (push: LivePush<{ rows: StockRowJson[] }>) => pushes.push(push.data));
    socket.on('inventory:error', (error: { code: string; param: string }) => errors.push(error));
    try {
      socket.emit('inventory:subscribe', { store: ['PAR-01'] });
      await waitFor('a refusal of a store outside the scope', async () => errors.length > 0, 20_000);
      expect(errors[0]).toMatchObject({ code: 'outside_scope', param: 'store' });

      socket.emit('inventory:subscribe', { sort: 'sku', limit: 500 });
      await waitFor('the first push', async () => pushes.length > 0, 20_000);
      const onHand = (rows: StockRowJson[], sku: string) =>
        rows.find((r) => r.store_id === 'NYC-01' && r.sku === sku)?.on_hand;
      const before = onHand((pushes[0] as { rows: StockRowJson[] }).rows, 'INV-A') as number;
      expect(before).toBe(expectedStock(producedMovements()).get('NYC-01\u0000INV-A'));

      const receipt = (store: string, quantity: number) => ({
        key: `${store}:INV-A`,
        value: bytes({
          event_id: uniqueName(`live-${store}`),
          type: 'receipt',
          occurred_at: new Date().toISOString(),
          store_id: store,
          sku: 'INV-A',
          quantity,
        }),
      });
      await stack.producer.send({
        topic: stack.inventoryTopic,
        messages: [receipt('PAR-01', 5), receipt('NYC-01', 7)],
      });
      await waitFor(
        'a push with the receipt',
        async () => pushes.some((p) => onHand(p.rows, 'INV-A') === before + 7),
        30_000,
      );
      expect(pushes.every((p) => p.rows.every((r) => r.store_id === 'NYC-01'))).toBe(true);
    } finally {
      socket.disconnect();
    }
  });

  it('gives each row the demand figures of the pure model on the exact hourly units of the produced sales', async () => {
    // Overrides: a category rule and a SKU rule over it (the SKU's field wins, the others fall through).
    await stack.db.query(
      `INSERT INTO inventory_rule (scope_kind, scope_value, reorder_point, target_cover_days, low_cover_days)
       VALUES ('category', 'Home', 50, 7, 2), ('sku', 'INV-A', NULL, 3, NULL)`,
    );
    const answer = await inventoryAnswer('/api/v1/inventory?limit=500&sort=sku');
    expect(answer.status).toBe(200);
    const body = answer.body as {
      rows: (StockRowJson & Record<string, unknown>)[];
      demand_as_of: string;
      demand_window_hours: number;
    };
    const settings = inventorySettings(parseEnv(stack.env));
    const asOf = Date.parse(body.demand_as_of);
    expect(asOf % HOUR_MS).toBe(0);
    expect(asOf).toBeLessThanOrEqual(Date.now());
    expect(body.demand_window_hours).toBe(settings.windowHours);

    // Net units per store×SKU and UTC hour, from the distinct valid sales and refunds produced.
    const window = settings.windowHours;
    const units = new Map<string, number[]>();
    let first = Number.POSITIVE_INFINITY;
    for (const m of producedMovements()) {
      if (m.kind !== 'sale' && m.kind !== 'refund') continue;
      first = Math.min(first, m.occurredAt);
      const i = Math.floor(m.occurredAt / HOUR_MS) - (asOf / HOUR_MS - window);
      if (i < 0 || i >= window) continue;
      const key = `${m.storeId}\u0000${m.sku}`;
      const series = units.get(key) ?? new Array<number>(window).fill(0);
      series[i] = (series[i] ?? 0) - m.qty; // a sale's movement is negative, a refund's positive
      units.set(key, series);
    }
    const historyHours = Math.min(window, (asOf - Math.floor(first / HOUR_MS) * HOUR_MS) / HOUR_MS);
    expect(historyHours).toBeGreaterThanOrEqual(2);
    const rules = {
      category: new Map([['Home', { reorderPoint: 50, targetCoverDays: 7, lowCoverDays: 2 }]]),
      sku: new Map([['INV-A', { reorderPoint: null, targetCoverDays: 3, lowCoverDays: null }]]),
    };
    let withDemand = 0;
    for (const row of body.rows) {
      const series = units.get(`${row.store_id}\u0000${row.sku}`) ?? new Array<number>(window).fill(0);
      if (series.some((u) => u !== 0)) withDemand += 1;
      const rule = resolveRule(
        settings.defaults,
        row.category === null ? null : rules.category.get(row.category),
        rules.sku.get(row.sku),
      );
      const expected = demandFields(row.on_hand, { units: series, endMs: asOf, historyHours }, settings.demand, rule);
      const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, row[k]]));
      expect(actual, `${row.store_id}/${row.sku}`).toEqual(expected);
    }
    // The sold pairs have demand; the rules reached the rows.
    expect(withDemand).toBeGreaterThanOrEqual(4);
    const mug = body.rows.find((r) => r.store_id === 'NYC-01' && r.sku === 'INV-A');
    expect([mug?.reorder_point, mug?.target_cover_days]).toEqual([50, 3]);
    const hoodie = body.rows.find((r) => r.sku === 'INV-B');
    expect([hoodie?.reorder_point, hoodie?.target_cover_days]).toEqual([
      settings.defaults.reorderPoint,
      settings.defaults.targetCoverDays,
    ]);
    // Never counted and never sold: no demand, no cover.
    const lamp = body.rows.find((r) => r.store_id === 'PAR-01' && r.sku === 'INV-D');
    expect([lamp?.velocity_units_per_hour, lamp?.days_of_cover]).toEqual([0, null]);
  });
});
