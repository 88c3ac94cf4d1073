// Sales simulator: produces realistic contract-v1 sale events to Kafka at a steady rate, and
// inventory events to INVENTORY_TOPIC (workers/simulator/inventory.ts; --inventory off: none), and
// now and then a flash sale at one store (workers/simulator/flash-sale.ts; --flash-sales off: none).
//   npm run simulate -- --rate 20 [--count 1000] [--duplicates 0.005] [--refunds 0.03] [--seed 7] [--inventory off] [--flash-sales off]
import { parseArgs } from 'node:util';
import { loadEnvOrExit } from '@/lib/env';
import { createKafka, createProducer, ensureSalesTopics, inventoryTopics, salesTopics } from '@/lib/ingest/kafka';
import { createWorld } from './catalog';
import { FlashSales } from './flash-sale';
import { type SaleEventJson, SaleGenerator } from './generate';
import { InventoryGenerator } from './inventory';

/** How often deliveries come, and how often a pair may lose a few units. */
const RECEIPTS_EVERY_MS = 20_000;
const SHRINKAGE_EVERY_MS = 3_000;

const TICK_MS = 100;

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number (got ${JSON.stringify(value)})`);
    process.exit(64);
  }
  return n;
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
      quiet: { type: 'boolean', default: false },
    },
  });
  const rate = positiveNumber('rate', values.rate, 20);
  const count = positiveNumber('count', values.count, Number.POSITIVE_INFINITY);
  const duplicateShare = positiveNumber('duplicates', values.duplicates, 0.005);
  const refundShare = positiveNumber('refunds', values.refunds, 0.03);
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
  const flashSales = values['flash-sales'] === 'on' ? new FlashSales(world, rate, seed, Date.now()) : null;

  const kafka = createKafka(`${config.KAFKA_CLIENT_ID}-simulator`, config.KAFKA_BROKERS);
  await ensureSalesTopics(kafka, [...salesTopics(config), ...(stock ? inventoryTopics(config) : [])]);
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
  if (stock) await sendInventory(stock.initialSnapshots());
  let receiptsAt = Date.now() + RECEIPTS_EVERY_MS;
  let shrinkageAt = Date.now() + SHRINKAGE_EVERY_MS;

  let sent = 0;
  let duplicates = 0;
  let refunds = 0;
  let carry = 0;
  let stopping = false;
  const started = Date.now();
  const recent: SaleEventJson[] = [];
  const say = (line: string) => values.quiet || console.log(`[simulator] ${line}`);
  say(`producing ~${rate} sales/s to ${config.SALES_TOPIC} on ${config.KAFKA_BROKERS.join(',')}`);

  const progress = setInterval(() => {
    const secs = (Date.now() - started) / 1000;
    say(
      `${sent} events sent (${(sent / secs).toFixed(1)}/s), ${refunds} refunds, ${duplicates} deliberate duplicates${stock ? `, ${inventorySent} inventory events` : ''}`,
    );
  }, 10_000);

  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopping && sent < count) {
    const tickStarted = Date.now();
    carry += (rate * TICK_MS) / 1000;
    const n = Math.min(Math.floor(carry), count - sent);
    carry -= n;
    const flash = flashSales?.tick(tickStarted, TICK_MS) ?? null;
    if (flash?.started) {
      say(
        `flash sale at ${flash.started.store.id} for ${Math.round((flash.started.endsAt - flash.started.startsAt) / 60_000)} min (a sales anomaly)`,
      );
    }
    const extra = Math.min(flash?.count ?? 0, count - sent - n);
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
        event = original?.type === 'sale' ? generator.refundOf(original) : generator.next(Date.now(), atStore);
        if (event.type === 'refund') refunds += 1;
        stock?.sold(event);
        recent.push(event);
        if (recent.length > 200) recent.shift();
      }
      messages.push({ key: event.order_id, value: JSON.stringify(event) });
    }
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
