// npm run screenshots — the README's pictures (docs/screenshots/*.png) taken from a real stack:
// a fresh database, a worker counting simulator sales of the last two days, the
// production web server (run `next build` first), and Debian's chromium through Playwright with
// the flags of playwright.config.ts. Uses the broker at KAFKA_BROKERS, or starts one of its own
// (SCREENSHOTS_KAFKA_PORT, default 19192). Everything it starts it stops; the database is dropped.
//
//   dashboard-light.png, dashboard-dark.png  1440 × 1000, last 24 hours
//   phone.png                                390 × 844, last hour
//   tv.png                                   1920 × 1080, TV mode, last 24 hours, dark

import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import config from '@/playwright.config';
import { type RunningBroker, startKafkaBroker } from '@/scripts/kafka/broker';
import { type Managed, root } from '@/scripts/lib/processes';
import { fail, step } from '@/scripts/lib/progress';
import {
  connectProducer,
  createTestDatabase,
  createTopics,
  signIn,
  startWeb,
  startWorker,
  type TestDatabase,
  testKafka,
  uniqueName,
  waitUntilConsumed,
  webUrl,
} from '@/tests/support/stack';
import { createWorld } from '@/workers/simulator/catalog';
import { SaleGenerator } from '@/workers/simulator/generate';

const OUT = path.join(root, 'docs', 'screenshots');
const PORT = Number(process.env.SCREENSHOTS_PORT ?? 3481);
/** Sales over the last two days: a trend with its previous period, rankings with rank changes, a ticker. */
const HISTORY = 8000;
const HISTORY_MS = 48 * 3_600_000;
/** Above this a picture is too heavy for the README. */
const MAX_BYTES = 400 * 1024;

const SHOTS = [
  { file: 'dashboard-light.png', url: '/?range=24h', viewport: { width: 1440, height: 1000 }, theme: 'light' },
  { file: 'dashboard-dark.png', url: '/?range=24h', viewport: { width: 1440, height: 1000 }, theme: 'dark' },
  { file: 'phone.png', url: '/?range=1h', viewport: { width: 390, height: 844 }, theme: 'light' },
  { file: 'tv.png', url: '/?range=24h&tv=1', viewport: { width: 1920, height: 1080 }, theme: 'dark' },
] as const;

async function main(): Promise<void> {
  let broker: RunningBroker | null = null;
  let brokerDir: string | null = null;
  let db: TestDatabase | null = null;
  const processes: Managed[] = [];
  try {
    if (!process.env.KAFKA_BROKERS) {
      brokerDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-screenshots-kafka-'));
      const port = Number(process.env.SCREENSHOTS_KAFKA_PORT ?? 19192);
      broker = await startKafkaBroker({ dataDir: brokerDir, port, controllerPort: port + 1, onProgress: step });
      process.env.KAFKA_BROKERS = broker.brokers.join(',');
    }
    const kafka = testKafka('pulse-screenshots');
    db = await createTestDatabase('pulse_screenshots');
    const topic = uniqueName('screenshots.sales').replaceAll('_', '.');
    await createTopics(kafka, [
      { topic, numPartitions: 3 },
      { topic: `${topic}.dlq`, numPartitions: 1 },
    ]);
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      SALES_TOPIC: topic,
      SALES_DLQ_TOPIC: `${topic}.dlq`,
      WORKER_GROUP_ID: uniqueName('screenshots-group'),
      LOG_LEVEL: 'warn',
    };

    step(`producing ${HISTORY} simulator sales`);
    const generator = new SaleGenerator(createWorld(), 2026);
    const now = Date.now();
    const at = (i: number, count: number, spanMs: number) => now - spanMs + Math.floor((i * (spanMs - 5_000)) / count);
    const events = Array.from({ length: HISTORY }, (_, i) => generator.next(at(i, HISTORY, HISTORY_MS)));
    const producer = await connectProducer(kafka);
    for (let i = 0; i < events.length; i += 500) {
      await producer.send({
        topic,
        messages: events.slice(i, i + 500).map((e) => ({ key: e.order_id, value: JSON.stringify(e) })),
      });
    }
    await producer.disconnect();

    processes.push(startWorker(env, 'screenshots-worker'));
    await waitUntilConsumed(kafka, db, topic);
    step('starting the web server');
    processes.push(await startWeb(env, PORT));
    const cookie = await signIn(webUrl(PORT));
    const [name, value] = cookie.split('=') as [string, string];

    await mkdir(OUT, { recursive: true });
    const browser = await chromium.launch(config.use?.launchOptions);
    try {
      for (const shot of SHOTS) {
        const context = await browser.newContext({ viewport: shot.viewport, colorScheme: shot.theme });
        await context.addCookies([{ name, value, url: webUrl(PORT) }]);
        const page = await context.newPage();
        await page.goto(`${webUrl(PORT)}${shot.url}`);
        await page.locator('[data-testid="freshness"][data-connection="live"]').waitFor({ timeout: 30_000 });
        await page.getByTestId('ticker-row').first().waitFor({ timeout: 30_000 });
        await page.evaluate(() => document.fonts.ready);
        await page.waitForTimeout(1500); // the ticker's entry transition and the charts' animation
        const file = path.join(OUT, shot.file);
        await page.screenshot({ path: file });
        const { size } = await stat(file);
        step(`${shot.file}: ${Math.round(size / 1024)} KB`);
        if (size > MAX_BYTES)
          throw new Error(`${shot.file} is ${Math.round(size / 1024)} KB, over ${MAX_BYTES / 1024} KB`);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await db?.drop();
    await broker?.stop();
    if (brokerDir) await rm(brokerDir, { recursive: true, force: true });
  }
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
