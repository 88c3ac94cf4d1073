// The ingest bench's inventory dataset (issue 13: inventory writes must not slow sales ingest).
// The same sales as the 1-worker run, plus an inventory topic — a count of every store×SKU at
// the start of the span, deliveries and shrinkage through it — consumed by one sales worker
// and the inventory worker (a process of its own, workers/inventory/) side by side. It measures
// the sales worker's rate next to the inventory worker, to compare with the 1-worker run alone,
// the inventory worker's catch-up over both topics, and checks every store×SKU's on-hand.
import type { Kafka } from 'kafkajs';
import type { InventoryEventJson } from '@/lib/domain/inventory-event';
import { ensureTopics } from '@/lib/ingest/kafka';
import { type Managed, startNode } from '@/scripts/lib/processes';
import { offsetsIn, topicEnd } from '@/tests/support/topics';
import type { SaleEventJson } from '@/workers/simulator/generate';
import type { Dataset, Message } from './dataset';
import {
  type IngestFigures,
  LOG_DIR,
  measureIngest,
  PARTITIONS,
  type PulseTarget,
  produceAll,
  workerEnv,
} from './ingest';
import { cpuSeconds, peakRssBytes, rssBytes } from './proc-stats';
import { counter, step } from './progress';
import type { BenchDatabase } from './services';

/** Units each store×SKU is counted at, at the start of the span. */
const OPENING_UNITS = 1_000_000;
/** One delivery per this many sales, one shrinkage per twice as many. */
const SALES_PER_RECEIPT = 10;
const POLL_MS = 250;
const STALL_MS = 90_000;

export interface InventoryDataset {
  messages: Message[];
  /** Expected on-hand per `store\u0000sku`. */
  expected: Map<string, bigint>;
}

/** A deterministic generator (Park–Miller), so runs compare like with like. */
function lcg(seed: number) {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

/**
 * Inventory events for the sales of `dataset`: a snapshot of every store×SKU sold (one
 * millisecond before the first sale: all later events count after it), then receipts and
 * adjustments spread in step with the sales. The expected on-hand is the snapshot plus every
 * distinct event's movement.
 */
export function buildInventoryDataset(dataset: Dataset): InventoryDataset {
  const sales: SaleEventJson[] = [];
  const seen = new Set<string>();
  for (const m of dataset.messages) {
    const event = JSON.parse(m.value.toString('utf8')) as SaleEventJson;
    if (seen.has(event.event_id)) continue; // the dataset's redelivered duplicates
    seen.add(event.event_id);
    sales.push(event);
  }
  const expected = new Map<string, bigint>();
  const pairs: { store: string; sku: string }[] = [];
  for (const sale of sales) {
    for (const line of sale.lines) {
      const key = `${sale.store_id}\u0000${line.sku}`;
      if (!expected.has(key)) {
        expected.set(key, BigInt(OPENING_UNITS));
        pairs.push({ store: sale.store_id, sku: line.sku });
      }
      const sign = sale.type === 'refund' ? 1n : -1n;
      expected.set(key, (expected.get(key) as bigint) + sign * BigInt(line.quantity));
    }
  }
  const firstMs = Date.parse(sales[0]?.occurred_at ?? new Date(dataset.endMs).toISOString());
  const event = (
    id: string,
    type: InventoryEventJson['type'],
    ms: number,
    pair: { store: string; sku: string },
    quantity: number,
  ): Message => {
    const value: InventoryEventJson = {
      event_id: id,
      type,
      occurred_at: new Date(ms).toISOString(),
      store_id: pair.store,
      sku: pair.sku,
      quantity,
    };
    return { key: `${pair.store}:${pair.sku}`, value: Buffer.from(JSON.stringify(value)) };
  };
  const messages = pairs.map((pair, i) => event(`bench-count-${i}`, 'snapshot', firstMs - 1, pair, OPENING_UNITS));
  const rnd = lcg(20261207);
  sales.forEach((sale, i) => {
    if (i % SALES_PER_RECEIPT !== 0) return;
    const ms = Date.parse(sale.occurred_at);
    const pair = pairs[Math.floor(rnd() * pairs.length)] as { store: string; sku: string };
    const units = 20 + Math.floor(rnd() * 200);
    messages.push(event(`bench-receipt-${i}`, 'receipt', ms, pair, units));
    const key = `${pair.store}\u0000${pair.sku}`;
    expected.set(key, (expected.get(key) as bigint) + BigInt(units));
    if (i % (2 * SALES_PER_RECEIPT) === 0) {
      const lost = -(1 + Math.floor(rnd() * 5));
      const other = pairs[Math.floor(rnd() * pairs.length)] as { store: string; sku: string };
      messages.push(event(`bench-shrink-${i}`, 'adjustment', ms, other, lost));
      const otherKey = `${other.store}\u0000${other.sku}`;
      expected.set(otherKey, (expected.get(otherKey) as bigint) + BigInt(lost));
    }
  });
  return { messages, expected };
}

export interface InventoryFigures {
  /** The sales worker's run next to the inventory worker. */
  sales: IngestFigures;
  /** The same sales alone (the 1-worker run): countedPerSec with ÷ without. */
  salesRateRatio: number | null;
  inventoryMessages: number;
  /** Inventory worker start → both topics applied to the stock (sales and inventory messages). */
  inventorySeconds: number;
  /** (sales + inventory messages) / inventorySeconds. */
  inventoryPerSec: number;
  inventoryCpuSeconds: number | null;
  inventoryPeakRssBytes: number | null;
  pairs: number;
  /** Every store×SKU's on-hand equals the dataset's. */
  stockExact: boolean;
  stockDifferences: number;
}

interface InventoryRun extends PulseTarget {
  label: string;
  kafka: Kafka;
  brokerPid: number | null;
  dataset: Dataset;
  inventory: InventoryDataset;
  inventoryTopic: string;
  inventoryGroupId: string;
  /** The 1-worker run's figures, to compare with. */
  alone: IngestFigures | undefined;
}

async function storedOffsets(db: BenchDatabase, groupId: string): Promise<Map<string, bigint>> {
  const rows = await db.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM inventory_offset WHERE group_id = $1',
    [groupId],
  );
  return new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
}

async function checkStock(db: BenchDatabase, expected: Map<string, bigint>): Promise<number> {
  const rows = await db.query<{ store_id: string; sku: string; on_hand: string }>(
    'SELECT store_id, sku, on_hand::text FROM stock',
  );
  let differences = Math.abs(rows.length - expected.size);
  for (const r of rows) if (expected.get(`${r.store_id}\u0000${r.sku}`) !== BigInt(r.on_hand)) differences += 1;
  return differences;
}

/** Produces the inventory topic, then runs the sales worker with the inventory worker beside it. */
export async function measureInventory(run: InventoryRun, track: (worker: Managed) => void): Promise<InventoryFigures> {
  const admin = run.kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [
      { topic: run.inventoryTopic, numPartitions: PARTITIONS },
      { topic: `${run.inventoryTopic}.dlq`, numPartitions: 1 },
    ]);
  } finally {
    await admin.disconnect();
  }
  await produceAll(run.kafka, run.inventoryTopic, run.inventory.messages);
  const ends = new Map<string, bigint>();
  for (const topic of [run.topic, run.inventoryTopic]) {
    for (const [p, high] of await topicEnd(run.kafka, topic)) ends.set(`${topic}/${p}`, high);
  }
  const total = Number(offsetsIn(await topicEnd(run.kafka, run.topic))) + run.inventory.messages.length;

  const started = performance.now();
  const inventoryWorker = startNode(
    `${run.label}-inventory`,
    'workers/index.ts',
    ['inventory'],
    {
      ...workerEnv(run),
      INVENTORY_TOPIC: run.inventoryTopic,
      INVENTORY_DLQ_TOPIC: `${run.inventoryTopic}.dlq`,
      INVENTORY_GROUP_ID: run.inventoryGroupId,
    },
    LOG_DIR,
  );
  track(inventoryWorker);
  step(`${run.label}: inventory worker started (pid ${inventoryWorker.child.pid}); the sales worker starts beside it`);
  const sales = await measureIngest({ ...run, label: `${run.label}-sales`, workers: 1 }, track);

  const progress = counter(`  ${run.label} inventory worker applied`, total);
  let peakRss = 0;
  let last = 0;
  let lastAt = performance.now();
  for (;;) {
    const stored = await storedOffsets(run.db, run.inventoryGroupId);
    const applied = [...stored.values()].reduce((s, v) => s + Number(v), 0);
    peakRss = Math.max(peakRss, rssBytes(inventoryWorker.child.pid as number) ?? 0);
    progress.update(applied);
    if ([...ends].every(([k, high]) => (stored.get(k) ?? 0n) >= high)) break;
    if (applied > last) {
      last = applied;
      lastAt = performance.now();
    } else if (performance.now() - lastAt > STALL_MS) {
      throw new Error(`the inventory worker made no progress for ${STALL_MS / 1000} s at ${applied}/${total}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(inventoryWorker.child.pid as number);
  const peak = peakRssBytes(inventoryWorker.child.pid as number) ?? (peakRss || null);
  progress.finish(`${total.toLocaleString('en-US')} messages applied to the stock in ${seconds.toFixed(1)} s`);
  await inventoryWorker.stop('SIGTERM');
  const differences = await checkStock(run.db, run.inventory.expected);
  const ratio = run.alone ? sales.countedPerSec / run.alone.countedPerSec : null;
  step(
    `${run.label}: stock ${differences === 0 ? 'exact' : `✖ ${differences} store×SKU differ`} (${run.inventory.expected.size.toLocaleString('en-US')} pairs); sales counted at ${Math.round(sales.countedPerSec).toLocaleString('en-US')}/s beside the inventory worker${ratio === null ? '' : ` (${(ratio * 100).toFixed(0)}% of the rate alone)`}`,
  );
  return {
    sales,
    salesRateRatio: ratio,
    inventoryMessages: run.inventory.messages.length,
    inventorySeconds: seconds,
    inventoryPerSec: total / seconds,
    inventoryCpuSeconds: cpu,
    inventoryPeakRssBytes: peak,
    pairs: run.inventory.expected.size,
    stockExact: differences === 0,
    stockDifferences: differences,
  };
}
