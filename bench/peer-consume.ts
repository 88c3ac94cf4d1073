// Child process of `npm run bench -- --peer`: a plain kafkajs consumer that reads a topic from
// the start until it has seen `expected` messages, either doing nothing with them (raw) or
// JSON.parse-ing each and summing its lines' net revenue (json). Prints `joined` once it has
// joined its group, `progress <n>` lines while it reads, then one `result <json>` line with what it read and its own CPU time and
// peak RSS, and exits.
//   node --import tsx bench/peer-consume.ts <raw|json> <brokers> <topic> <groupId> <expected>

import type { SaleEventJson } from '@/lib/domain/sales-event';
import { createKafka } from '@/lib/ingest/kafka';

export interface ConsumeResult {
  messages: number;
  bytes: number;
  /** json: Σ over every message (duplicates too) of its lines' net revenue. */
  revenueCents: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

const [mode, brokers, topic, groupId, expectedArg] = process.argv.slice(2);
if ((mode !== 'raw' && mode !== 'json') || !brokers || !topic || !groupId || !expectedArg) {
  console.error('usage: peer-consume.ts <raw|json> <brokers> <topic> <groupId> <expected>');
  process.exit(64);
}
const expected = Number(expectedArg);

function revenueOf(value: Buffer): number {
  const event = JSON.parse(value.toString('utf8')) as SaleEventJson;
  const sign = event.type === 'refund' ? -1 : 1;
  let cents = 0;
  for (const line of event.lines) cents += line.quantity * line.unit_price_cents - (line.discount_cents ?? 0);
  return sign * cents;
}

const consumer = createKafka('pulse-bench-peer-consume', brokers.split(',')).consumer({ groupId });
const result: ConsumeResult = {
  messages: 0,
  bytes: 0,
  revenueCents: 0,
  cpuSeconds: 0,
  peakRssBytes: 0,
};
let finish: () => void = () => undefined;
const done = new Promise<void>((resolve) => {
  finish = resolve;
});

const PROGRESS_MS = 250;
const ticker = setInterval(() => console.log(`progress ${result.messages}`), PROGRESS_MS);

consumer.on(consumer.events.GROUP_JOIN, () => console.log('joined'));
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch }) => {
    for (const message of batch.messages) {
      if (!message.value) continue;
      result.messages += 1;
      result.bytes += message.value.length;
      if (mode === 'json') result.revenueCents += revenueOf(message.value);
    }
    if (result.messages >= expected) finish();
  },
});
await done;
clearInterval(ticker);
const usage = process.resourceUsage();
result.cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
result.peakRssBytes = usage.maxRSS * 1024;
console.log(`result ${JSON.stringify(result)}`);
await consumer.disconnect();
process.exit(0);
