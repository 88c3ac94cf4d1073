// Starts the real stack for the browser tests: a fresh database, topics on the broker from
// scripts/test.ts, the sales worker, the inventory worker, the actions worker and the production web server; seeds
// recent sales and the simulator's stock counts (the inventory page's rows); signs in as
// the test admin and writes the session as Playwright's storage state (every spec runs signed
// in). Returns the teardown. Topic names reach the tests through process.env.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmbedPortal } from '@/e2e/portal/setup';
import { E2E_PORT, E2E_STORAGE_STATE } from '@/playwright.config';
import { type Managed, root } from '@/scripts/lib/processes';
import {
  connectProducer,
  createTestDatabase,
  createTopics,
  signIn,
  startActionsWorker,
  startInventoryWorker,
  startWeb,
  startWorker,
  testBrokers,
  testKafka,
  uniqueName,
  waitUntilConsumed,
  waitUntilInventoryConsumed,
  webUrl,
} from '@/tests/support/stack';
import { createWorld } from '@/workers/simulator/catalog';
import { SaleGenerator } from '@/workers/simulator/generate';
import { InventoryGenerator } from '@/workers/simulator/inventory';

const SEED_EVENTS = 400;

export default async function globalSetup() {
  const kafka = testKafka('pulse-e2e-setup');
  const db = await createTestDatabase('pulse_e2e');
  const topic = uniqueName('e2e.sales').replaceAll('_', '.');
  const inventoryTopic = `${topic}.inventory`;
  const actionsTopic = `${topic}.actions`;
  await createTopics(kafka, [
    { topic: actionsTopic, numPartitions: 3 },
    { topic, numPartitions: 3 },
    { topic: `${topic}.dlq`, numPartitions: 1 },
    { topic: inventoryTopic, numPartitions: 2 },
    { topic: `${inventoryTopic}.dlq`, numPartitions: 1 },
  ]);
  // Embeds (e2e/embed.spec.ts): the example portal on other origins, allowed to frame Pulse.
  const portal = await startEmbedPortal(db.url, `http://127.0.0.1:${E2E_PORT}`);
  const env = {
    ...portal.webEnv,
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testBrokers(),
    SALES_TOPIC: topic,
    SALES_DLQ_TOPIC: `${topic}.dlq`,
    WORKER_GROUP_ID: uniqueName('e2e-group'),
    INVENTORY_TOPIC: inventoryTopic,
    INVENTORY_DLQ_TOPIC: `${inventoryTopic}.dlq`,
    INVENTORY_GROUP_ID: uniqueName('e2e-inventory'),
    ACTIONS_TOPIC: actionsTopic,
    OPS_TOKEN: 'e2e-ops-token-0123456789',
  };
  process.env.E2E_SALES_TOPIC = topic;
  process.env.E2E_INVENTORY_TOPIC = inventoryTopic;
  process.env.E2E_ACTIONS_TOPIC = actionsTopic;
  process.env.E2E_OPS_TOKEN = env.OPS_TOKEN;
  process.env.E2E_DATABASE_URL = db.url;

  const processes: Managed[] = [];
  const storageState = path.join(root, E2E_STORAGE_STATE);
  const teardown = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await portal.close();
    await db.drop();
    await rm(storageState, { force: true });
  };
  try {
    // Seed sales spread over the last 10 minutes, so every range preset shows data.
    const world = createWorld();
    const generator = new SaleGenerator(world, 4242);
    const now = Date.now();
    const producer = await connectProducer(kafka);
    // The simulator's stock counts, taken before the first seeded sale (on-hand counts the
    // sales after a count), sized for its default 20 sales a second.
    const stock = new InventoryGenerator(world, 20, 4242);
    const counts = stock.initialSnapshots(now - 660_000).map((event) => ({
      key: `${event.store_id}:${event.sku}`,
      value: JSON.stringify(event),
    }));
    const messages = Array.from({ length: SEED_EVENTS }, (_, i) => {
      const event = generator.next(now - 600_000 + Math.floor((i * 590_000) / SEED_EVENTS));
      return { key: event.order_id, value: JSON.stringify(event) };
    });
    await producer.send({ topic: inventoryTopic, messages: counts });
    await producer.send({ topic, messages });
    await producer.disconnect();

    processes.push(startWorker(env, 'e2e-worker'));
    processes.push(startInventoryWorker(env, 'e2e-inventory-worker'));
    processes.push(startActionsWorker(env, 'e2e-actions-worker'));
    await waitUntilConsumed(kafka, db, topic);
    await waitUntilInventoryConsumed({ kafka, db, topic, inventoryTopic, inventoryGroupId: env.INVENTORY_GROUP_ID });
    processes.push(await startWeb(env, E2E_PORT));
    await writeSession(storageState, await signIn(webUrl(E2E_PORT)));
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

/** Playwright's storage state with the session cookie (`pulse_session=…`) for the e2e server. */
async function writeSession(file: string, cookie: string): Promise<void> {
  const eq = cookie.indexOf('=');
  const state = {
    cookies: [
      {
        name: cookie.slice(0, eq),
        value: cookie.slice(eq + 1),
        domain: '127.0.0.1',
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: 'Lax' as const,
      },
    ],
    origins: [],
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
