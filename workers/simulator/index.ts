// Sales simulator: produces realistic contract-v1 sale events to Kafka at a steady rate.
//   npm run simulate -- --rate 20 [--count 1000] [--duplicates 0.005] [--refunds 0.03] [--seed 7]
import { parseArgs } from 'node:util';
import { loadEnvOrExit } from '../../lib/env';
import { createKafka, createProducer, ensureSalesTopics } from '../../lib/kafka';
import { createWorld } from './catalog';
import { type SaleEventJson, SaleGenerator } from './generate';

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
      quiet: { type: 'boolean', default: false },
    },
  });
  const rate = positiveNumber('rate', values.rate, 20);
  const count = positiveNumber('count', values.count, Number.POSITIVE_INFINITY);
  const duplicateShare = positiveNumber('duplicates', values.duplicates, 0.005);
  const refundShare = positiveNumber('refunds', values.refunds, 0.03);
  const generator = new SaleGenerator(
    createWorld(),
    positiveNumber('seed', values.seed, Date.now()),
    config.REPORTING_CURRENCY,
  );

  const kafka = createKafka(`${config.KAFKA_CLIENT_ID}-simulator`);
  await ensureSalesTopics(kafka);
  const producer = createProducer(kafka);
  await producer.connect();

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
    say(`${sent} events sent (${(sent / secs).toFixed(1)}/s), ${refunds} refunds, ${duplicates} deliberate duplicates`);
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
    const messages = [];
    for (let i = 0; i < n; i++) {
      // Real producers retry and resend: now and then repeat a recent event byte for byte.
      const repeat = recent.length > 0 && Math.random() < duplicateShare;
      const pick = () => recent[Math.floor(Math.random() * recent.length)] as SaleEventJson;
      let event: SaleEventJson;
      if (repeat) {
        event = pick();
        duplicates += 1;
      } else {
        // Customers return part of what they bought a little earlier.
        const original = recent.length > 0 && Math.random() < refundShare ? pick() : null;
        event = original?.type === 'sale' ? generator.refundOf(original) : generator.next();
        if (event.type === 'refund') refunds += 1;
        recent.push(event);
        if (recent.length > 200) recent.shift();
      }
      messages.push({ key: event.order_id, value: JSON.stringify(event) });
    }
    if (messages.length > 0) {
      await producer.send({ topic: config.SALES_TOPIC, messages });
      sent += messages.length;
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
