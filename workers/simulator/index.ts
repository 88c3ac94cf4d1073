// Sales simulator: produces realistic contract-v1 sale events to Kafka at a steady rate, and
// inventory events to INVENTORY_TOPIC (workers/simulator/inventory.ts; --inventory off: none), and
// now and then a flash sale at one store (workers/simulator/flash-sale.ts; --flash-sales off: none).
// --history N first produces N minutes of past sales as fast as the broker takes them, so that
// the dashboard and the anomaly rules have data from the start (not when the topic already holds
// sales: a restart must not add a second, overlapping past). --count caps every sale event sent.
//   npm run simulate -- --rate 20 [--count 1000] [--duplicates 0.005] [--refunds 0.03] [--seed 7] [--inventory off] [--flash-sales off] [--history 60]
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { loadEnvOrExit } from '@/lib/env';
import { createKafka, createProducer, ensureSalesTopics, inventoryTopics, salesTopics } from '@/lib/ingest/kafka';
import { createWorld } from './catalog';
import { FlashSales, firstFlashSaleAt } from './flash-sale';
import { type SaleEventJson, SaleGenerator } from './generate';
import { InventoryGenerator } from './inventory';

/** How often deliveries come, and how often a pair may lose a few units. */
const RECEIPTS_EVERY_MS = 20_000;
const SHRINKAGE_EVERY_MS = 3_000;

const TICK_MS = 100;
/** History sales per send, and how often the history reports its progress. */
const HISTORY_BATCH = 1000;
const HISTORY_PROGRESS_MS = 10_000;
/** Reading the sales topic's offsets: attempts, and the pause between them. */
const OFFSETS_ATTEMPTS = 20;
const OFFSETS_RETRY_MS = 500;

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number (got ${JSON.stringify(value)})`);
    process.exit(64);
  }
  return n;
}

/**
 * Messages in every partition of `topic` (the sum of their high watermarks). A topic created a
 * moment ago may have no leader yet ("not the leader for that topic-partition", which kafkajs'
 * admin does not retry): retriable errors are retried with fresh metadata.
 */
async function messagesIn(kafka: Kafka, topic: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || attempt >= OFFSETS_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, OFFSETS_RETRY_MS));
    } finally {
      await admin.disconnect();
    }
  }
}

async function main(): Promise<void> {
  const config = loadEnvOrExit();
  const { values } = parseArgs({
    options: {
      rate: { type: 'string' },
      count: { type: 'string' },
      duplicates: { type: 'string' },
      refunds: { type: 'string' },
      seed: { type: 'string' },
      inventory: { type: 'string', default: 'on' },
      'flash-sales': { type: 'string', default: 'on' },
      history: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const rate = positiveNumber('rate', values.rate, 20);
  const count = positiveNumber('count', values.count, Number.POSITIVE_INFINITY);
  const duplicateShare = positiveNumber('duplicates', values.duplicates, 0.005);
  const refundShare = positiveNumber('refunds', values.refunds, 0.03);
  const historyMinutes = positiveNumber('history', values.history, 0);
  if (values.inventory !== 'on' && values.inventory !== 'off') {
    console.error(`--inventory must be on or off (got ${JSON.stringify(values.inventory)})`);
    process.exit(64);
  }
  if (values['flash-sales'] !== 'on' && values['flash-sales'] !== 'off') {
    console.error(`--flash-sales must be on or off (got ${JSON.stringify(values['flash-sales'])})`);
    process.exit(64);
  }
  const seed = positiveNumber('seed', values.seed, Date.now());
  const world = createWorld();
  const generator = new SaleGenerator(world, seed, config.REPORTING_CURRENCY);
  const stock = values.inventory === 'on' ? new InventoryGenerator(world, rate, seed) : null;
  const say = (line: string) => values.quiet || console.log(`[simulator] ${line}`);

  const kafka = createKafka(`${config.KAFKA_CLIENT_ID}-simulator`, config.KAFKA_BROKERS);
  await ensureSalesTopics(kafka, [...salesTopics(config), ...(stock ? inventoryTopics(config) : [])]);
  let historyMs = historyMinutes * 60_000;
  if (historyMs > 0) {
    const held = await messagesIn(kafka, config.SALES_TOPIC);
    if (held > 0) {
      say(`the sales topic already holds ${held} messages: no history seeded`);
      historyMs = 0;
    }
  }
  /** The initial stock counts' time: a sale at or before it is in them (README "The on-hand rule"). */
  const countedAt = Date.now();
  const flashSales =
    values['flash-sales'] === 'on' ? new FlashSales(world, rate, seed, firstFlashSaleAt(countedAt, historyMs)) : null;
  const producer = createProducer(kafka, config.KAFKA_COMPRESSION);
  await producer.connect();
  let inventorySent = 0;
  const sendInventory = async (events: { store_id: string; sku: string }[]) => {
    if (events.length === 0) return;
    // Key store_id:sku (the contract): one pair's events stay in one partition, in order.
    const messages = events.map((e) => ({ key: `${e.store_id}:${e.sku}`, value: JSON.stringify(e) }));
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({ topic: config.INVENTORY_TOPIC, messages: messages.slice(i, i + 1000) });
    }
    inventorySent += events.length;
  };
  // The counts come first: sales then take units off known stock.
  if (stock) await sendInventory(stock.initialSnapshots(countedAt));

  let sent = 0;
  let duplicates = 0;
  let refunds = 0;
  let carry = 0;
  let stopping = false;
  const recent: SaleEventJson[] = [];

  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  /** The sale events of one tick of TICK_MS at time `t` (simulated in the history), at most `room`. */
  const tick = (t: number, room: number) => {
    carry += (rate * TICK_MS) / 1000;
    const n = Math.min(Math.floor(carry), room);
    carry -= n;
    const flash = flashSales?.tick(t, TICK_MS) ?? null;
    if (flash?.started) {
      const { store, startsAt, endsAt } = flash.started;
      say(
        `flash sale at ${store.id} for ${Math.round((endsAt - startsAt) / 60_000)} min from ${new Date(startsAt).toISOString()} (a sales anomaly)`,
      );
    }
    const extra = Math.min(flash?.count ?? 0, room - n);
    const messages = [];
    for (let i = 0; i < n + extra; i++) {
      // Real producers retry and resend: now and then repeat a recent event byte for byte.
      const repeat = recent.length > 0 && Math.random() < duplicateShare;
      const pick = () => recent[Math.floor(Math.random() * recent.length)] as SaleEventJson;
      let event: SaleEventJson;
      if (repeat) {
        event = pick();
        duplicates += 1;
      } else {
        // Customers return part of what they bought a little earlier.
        const original = i < n && recent.length > 0 && Math.random() < refundShare ? pick() : null;
        const atStore = i >= n ? flash?.store : undefined;
        event = original?.type === 'sale' ? generator.refundOf(original, t) : generator.next(t, atStore);
        if (event.type === 'refund') refunds += 1;
        if (Date.parse(event.occurred_at) > countedAt) stock?.sold(event);
        recent.push(event);
        if (recent.length > 200) recent.shift();
      }
      messages.push({ key: event.order_id, value: JSON.stringify(event) });
    }
    return messages;
  };

  if (historyMs > 0) {
    // The simulated clock runs from historyMs back until it catches up with the real one, so
    // the live sales follow without a gap (producing the history takes a while).
    const from = countedAt - historyMs;
    const historyStarted = Date.now();
    let reportedAt = historyStarted;
    let batch: { key: string; value: string }[] = [];
    const flush = async () => {
      await producer.send({ topic: config.SALES_TOPIC, messages: batch });
      sent += batch.length;
      batch = [];
    };
    let t = from;
    while (!stopping && t < Date.now() && sent + batch.length < count) {
      batch.push(...tick(t, count - sent - batch.length));
      t += TICK_MS;
      if (batch.length >= HISTORY_BATCH) await flush();
      if (Date.now() - reportedAt >= HISTORY_PROGRESS_MS) {
        reportedAt = Date.now();
        const expected = Math.round((rate * (reportedAt - from)) / 1000);
        say(`history: ${sent} of ~${expected} sales (${((reportedAt - t) / 60_000).toFixed(1)} min back)`);
      }
    }
    if (batch.length > 0) await flush();
    say(
      `history: ${sent} sales from ${new Date(from).toISOString()} on, in ${((Date.now() - historyStarted) / 1000).toFixed(1)} s`,
    );
  }

  let receiptsAt = Date.now() + RECEIPTS_EVERY_MS;
  let shrinkageAt = Date.now() + SHRINKAGE_EVERY_MS;
  const started = Date.now();
  const sentBefore = sent;
  say(`producing ~${rate} sales/s to ${config.SALES_TOPIC} on ${config.KAFKA_BROKERS.join(',')}`);
  const progress = setInterval(() => {
    const secs = (Date.now() - started) / 1000;
    say(
      `${sent} events sent (${((sent - sentBefore) / secs).toFixed(1)}/s), ${refunds} refunds, ${duplicates} deliberate duplicates${stock ? `, ${inventorySent} inventory events` : ''}`,
    );
  }, 10_000);

  while (!stopping && sent < count) {
    const tickStarted = Date.now();
    const messages = tick(tickStarted, count - sent);
    if (messages.length > 0) {
      await producer.send({ topic: config.SALES_TOPIC, messages });
      sent += messages.length;
    }
    if (stock && Date.now() >= receiptsAt) {
      receiptsAt += RECEIPTS_EVERY_MS;
      await sendInventory(stock.receipts());
    }
    if (stock && Date.now() >= shrinkageAt) {
      shrinkageAt += SHRINKAGE_EVERY_MS;
      const lost = stock.shrinkage();
      if (lost) await sendInventory([lost]);
    }
    const wait = TICK_MS - (Date.now() - tickStarted);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  clearInterval(progress);
  await producer.disconnect();
  say(`done: ${sent} events sent, ${refunds} refunds, ${duplicates} duplicates`);
}

main().catch((err: unknown) => {
  console.error(`[simulator] ${(err as Error).message}`);
  process.exit(1);
});
