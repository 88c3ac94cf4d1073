// npm run replay -- --what inventory against the real broker and PostgreSQL, with the real
// inventory worker running all along and inventory events and sales still arriving. The stock is
// damaged first (a row off, a row gone, a demand hour gone): the replay must rebuild it from both
// topics, say that it differed from what it replaced, and leave on-hand per store×SKU and the
// demand hours exactly as an independent model of the produced events says — and the worker must
// carry on counting on the swapped-in tables. A second replay of undamaged tables must find them
// equal. The worker compacts its ledger as it goes (INVENTORY_HISTORY_DAYS=0), so the check also
// shows that the replay brings housekeeping on both sides to the same point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryEventJson, StockMovement } from '@/lib/domain/inventory-event';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, sale } from '@/tests/support/events';
import {
  distinctMovements,
  expectedStock,
  lastThreeHours,
  type ProducedEvent,
  seededRandom,
} from '@/tests/support/inventory-model';
import {
  type CommandRun,
  createInventoryStack,
  type InventoryStack,
  runCommand,
  startInventoryWorker,
  waitFor,
  waitUntilInventoryConsumed,
} from '@/tests/support/stack';

const TIMEOUT = 300_000;
const HOUR_MS = 3_600_000;
const STORES = [
  { id: 'NYC-01', region: 'us-east' },
  { id: 'PAR-01', region: 'eu-west' },
];
const SKUS = ['RP-A', 'RP-B', 'RP-C'];

const { int, pick } = seededRandom(20261207);
// Event times: the last three hours, to the minute (several events share an instant), in any order.
const at = lastThreeHours();
type Produced = ProducedEvent;

let seq = 0;
function inventory(
  type: InventoryEventJson['type'],
  minute: number,
  quantity: number,
  store = pick(STORES).id,
  sku = pick(SKUS),
): Produced {
  seq += 1;
  const event: InventoryEventJson = {
    event_id: `rp-inv-${seq}`,
    type,
    occurred_at: at(minute),
    store_id: store,
    sku,
    quantity,
  };
  return { topic: 'inventory', key: `${store}:${sku}`, value: bytes(event) };
}

function saleOf(type: 'sale' | 'refund', minute: number, store = pick(STORES), skus = SKUS): Produced {
  seq += 1;
  const lines = Array.from({ length: 1 + int(2) }, () => ({
    sku: pick(skus),
    name: 'Replay item',
    category: 'Home',
    quantity: 1 + int(3),
    unit_price_cents: 900,
  }));
  const event = sale({
    event_id: `rp-sale-${seq}`,
    type,
    order_id: `rp-ord-${seq}`,
    occurred_at: at(minute),
    store_id: store.id,
    region: store.region,
    lines,
  });
  return { topic: 'sales', key: event.order_id, value: bytes(event) };
}

/** A mixed batch: counts, receipts, adjustments, sales and refunds at random times, now and then a redelivery. */
function batchOf(size: number, produced: readonly Produced[]): Produced[] {
  return Array.from({ length: size }, (_, i) => {
    const kind = int(10);
    if (i === 0 && produced.length > 0 && int(3) === 0) return pick(produced); // a producer retry
    if (kind < 2) return inventory('snapshot', int(175), 20 + int(60));
    if (kind < 4) return inventory('receipt', int(175), 5 + int(20));
    if (kind < 5) return inventory('adjustment', int(175), -(1 + int(6)));
    return saleOf(kind === 9 ? 'refund' : 'sale', int(175));
  });
}

/** Net units sold per store×SKU×UTC hour (a sale's movement is negative, so units are -qty). */
function expectedDemand(sales: readonly StockMovement[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of sales) {
    const key = `${m.storeId}\u0000${m.sku}\u0000${Math.floor(m.occurredAt / HOUR_MS) * HOUR_MS}`;
    out.set(key, (out.get(key) ?? 0) - m.qty);
  }
  return out;
}

// Two pairs that get no events after the first ones: the damage done to them cannot heal before the replay.
const DAMAGED = { store: STORES[0] as (typeof STORES)[number], sku: 'RP-Y' };
const DELETED = { store: STORES[1] as (typeof STORES)[number], sku: 'RP-Z' };
const QUIET: Produced[] = [
  inventory('snapshot', 10, 50, DAMAGED.store.id, DAMAGED.sku),
  inventory('receipt', 20, 7, DAMAGED.store.id, DAMAGED.sku),
  saleOf('sale', 30, DAMAGED.store, [DAMAGED.sku]),
  inventory('snapshot', 10, 30, DELETED.store.id, DELETED.sku),
  inventory('adjustment', 40, -3, DELETED.store.id, DELETED.sku),
];

let stack: InventoryStack;
let worker: Managed | undefined;
const produced: Produced[] = [];

async function produce(messages: Produced[]): Promise<void> {
  for (const topic of ['inventory', 'sales'] as const) {
    const batch = messages.filter((m) => m.topic === topic).map(({ key, value }) => ({ key, value }));
    if (batch.length > 0) {
      await stack.producer.send({ topic: topic === 'inventory' ? stack.inventoryTopic : stack.topic, messages: batch });
    }
  }
  produced.push(...messages);
}

/** Produce a batch every 100 ms until stopped: events arriving while the replay runs. */
function keepProducing() {
  let running = true;
  const loop = (async () => {
    while (running) {
      await produce(batchOf(8, produced));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** `npm run replay -- --what inventory` as an operator runs it, while events keep arriving. */
async function replayWhileProducing(args: string[] = []): Promise<CommandRun> {
  const producing = keepProducing();
  try {
    return await runCommand('npm', ['run', '--silent', 'replay', '--', '--what', 'inventory', ...args], {
      ...stack.env,
      LOG_LEVEL: 'warn',
    });
  } finally {
    await producing.stop();
  }
}

const show = (run: CommandRun) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr.slice(-4000)}`;

/** The worker at the end of both topics, then stock and demand hours exactly as the model says. */
async function expectExactStock(): Promise<void> {
  await waitUntilInventoryConsumed(stack);
  const { all, sales } = distinctMovements(produced);
  const rows = await stack.db.query<{ store_id: string; sku: string; on_hand: string; sum: string }>(
    'SELECT store_id, sku, on_hand::text, (snapshot_qty + delta_after)::text AS sum FROM stock ORDER BY 1, 2',
  );
  expect(new Map(rows.map((r) => [`${r.store_id}\u0000${r.sku}`, Number(r.on_hand)]))).toEqual(expectedStock(all));
  for (const r of rows) expect(r.on_hand).toBe(r.sum);
  const hours = await stack.db.query<{ store_id: string; sku: string; ms: string; units: string }>(
    `SELECT store_id, sku, (extract(epoch FROM hour) * 1000)::bigint::text AS ms, units::text FROM stock_demand_hour`,
  );
  expect(new Map(hours.map((h) => [`${h.store_id}\u0000${h.sku}\u0000${h.ms}`, Number(h.units)]))).toEqual(
    expectedDemand(sales),
  );
}

async function replaySchemas(): Promise<string[]> {
  const rows = await stack.db.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pulse\\_replay\\_%' ORDER BY 1`,
  );
  return rows.map((r) => r.nspname);
}

describe('npm run replay -- --what inventory: rebuild the stock while the worker runs', () => {
  beforeAll(async () => {
    stack = await createInventoryStack('pulse_inv_replay', 2, 3);
    // The ledger is compacted as soon as housekeeping runs: the live side is compacted, the replay's not yet.
    stack.env.INVENTORY_HISTORY_DAYS = '0';
    await produce([...batchOf(300, []), ...QUIET]);
    // Rejected by the worker's clock; the replay, later, must take that verdict from its dead letter.
    const future: InventoryEventJson = {
      event_id: 'rp-future',
      type: 'receipt',
      occurred_at: new Date(Date.now() + HOUR_MS).toISOString(),
      store_id: 'NYC-01',
      sku: 'RP-A',
      quantity: 500,
    };
    await produce([
      { topic: 'inventory', key: 'NYC-01:RP-A', value: bytes(future) },
      { topic: 'inventory', key: 'x', value: Buffer.from('{"event_id": ') },
    ]);
    worker = startInventoryWorker({ ...stack.env, LOG_LEVEL: 'warn' });
    await expectExactStock();
  }, TIMEOUT);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await stack?.stop();
  });

  it(
    'repairs damaged stock exactly, reports the difference, and the worker counts on after the swap',
    async () => {
      // Damage: one pair's on-hand off and its demand hour gone, another pair gone.
      const pair = (p: typeof DAMAGED) => [p.store.id, p.sku];
      const changed = async (sql: string, p: typeof DAMAGED) =>
        (await stack.db.query(`${sql} RETURNING 1`, pair(p))).length;
      const damaged =
        'UPDATE stock SET on_hand = on_hand + 1000, delta_after = delta_after + 1000 WHERE store_id = $1 AND sku = $2';
      expect(await changed(damaged, DAMAGED)).toBe(1);
      expect(await changed('DELETE FROM stock_demand_hour WHERE store_id = $1 AND sku = $2', DAMAGED)).toBe(1);
      expect(await changed('DELETE FROM stock WHERE store_id = $1 AND sku = $2', DELETED)).toBe(1);
      const run = await replayWhileProducing();
      expect(run.code, show(run)).toBe(2);
      expect(run.stdout, show(run)).toMatch(/stock: .* replayed cells differ/);
      expect(run.stdout, show(run)).toMatch(/stock_demand_hour: .* replayed cells differ/);
      expect(run.stdout, show(run)).toMatch(/result: DIFFERENT/);
      expect(run.stderr, show(run)).toMatch(/inventory:p0 .* sales:p0 /);
      // The tables it replaced are kept for inspection.
      expect((await replaySchemas()).filter((s) => s.endsWith('_old'))).toHaveLength(1);
      await produce(batchOf(100, produced));
      await expectExactStock();
    },
    TIMEOUT,
  );

  it(
    'finds undamaged stock equal, table by table, and drops the replaced tables',
    async () => {
      // The worker's housekeeping has compacted the live ledger; the replay's build is compacted only at the fence.
      await waitFor(
        'the worker to compact its ledger',
        async () =>
          (
            await stack.db.query(
              `SELECT 1 FROM stock s JOIN stock_movement l USING (store_id, sku)
               WHERE l.occurred_at <= s.snapshot_at AND NOT (l.kind = 'snapshot' AND l.event_id = s.snapshot_event_id) LIMIT 1`,
            )
          ).length === 0,
        60_000,
        500,
      );
      const before = await replaySchemas();
      const run = await replayWhileProducing();
      expect(run.code, show(run)).toBe(0);
      for (const table of ['stock', 'stock_movement', 'stock_demand_hour', 'stock_demand_event']) {
        expect(run.stdout, show(run)).toMatch(new RegExp(`\\n  ${table}: .*every cell equal`));
      }
      expect(run.stdout, show(run)).toMatch(/result: equal/);
      expect(run.stdout, show(run)).toMatch(/workers fenced +\d+ ms/);
      expect(await replaySchemas()).toEqual(before);
      await produce(batchOf(100, produced));
      await expectExactStock();
    },
    TIMEOUT,
  );

  it('refuses a partial inventory replay before touching anything', async () => {
    const run = await runCommand('npm', ['run', '--silent', 'replay', '--', '--what', 'inventory', '--from', '42'], {
      ...stack.env,
    });
    expect(run.code, show(run)).toBe(64);
    expect(run.stderr).toMatch(/--from is for sales only/);
  });
});
