// Starts the real stack for the browser tests: a fresh database, topics on the broker from
// scripts/test.ts, one worker and the production web server; seeds recent sales. Returns
// the teardown. Topic names reach the tests through process.env.

import { E2E_PORT } from '../playwright.config';
import type { Managed } from '../scripts/lib/processes';
import {
  connectProducer,
  createTestDatabase,
  createTopics,
  startWeb,
  startWorker,
  testBrokers,
  testKafka,
  uniqueName,
  waitUntilConsumed,
} from '../tests/support/stack';
import { createWorld } from '../workers/simulator/catalog';
import { SaleGenerator } from '../workers/simulator/generate';

const SEED_EVENTS = 400;

export default async function globalSetup() {
  const kafka = testKafka('pulse-e2e-setup');
  const db = await createTestDatabase('pulse_e2e');
  const topic = uniqueName('e2e.sales').replaceAll('_', '.');
  await createTopics(kafka, [
    { topic, numPartitions: 3 },
    { topic: `${topic}.dlq`, numPartitions: 1 },
  ]);
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testBrokers(),
    SALES_TOPIC: topic,
    SALES_DLQ_TOPIC: `${topic}.dlq`,
    WORKER_GROUP_ID: uniqueName('e2e-group'),
    OPS_TOKEN: 'e2e-ops-token-0123456789',
  };
  process.env.E2E_SALES_TOPIC = topic;
  process.env.E2E_OPS_TOKEN = env.OPS_TOKEN;
  process.env.E2E_DATABASE_URL = db.url;

  const processes: Managed[] = [];
  const teardown = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await db.drop();
  };
  try {
    // Seed sales spread over the last 10 minutes, so every range preset shows data.
    const generator = new SaleGenerator(createWorld(), 4242);
    const now = Date.now();
    const producer = await connectProducer(kafka);
    const messages = Array.from({ length: SEED_EVENTS }, (_, i) => {
      const event = generator.next(now - 600_000 + Math.floor((i * 590_000) / SEED_EVENTS));
      return { key: event.order_id, value: JSON.stringify(event) };
    });
    await producer.send({ topic, messages });
    await producer.disconnect();

    processes.push(startWorker(env, 'e2e-worker'));
    await waitUntilConsumed(kafka, db, topic);
    processes.push(await startWeb(env, E2E_PORT));
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
