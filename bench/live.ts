// Live push latency, in two hops:
//   commit → LISTEN      a transaction that notifies like the worker does, timed from COMMIT
//                        to the listening client (the web process) receiving the notice;
//   produce → NOTIFY     one sale produced to Kafka, through a real idle worker, to the same
//                        listener: what a dashboard viewer waits for, minus the socket hop.
// Each probe event gets its own event-time minute so that its notice (from/to = touched
// minutes) identifies it without guesswork.
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { parseSalesUpdatedNotice, SALES_UPDATED_CHANNEL, type SalesUpdatedNotice } from '@/lib/contract/live-channel';
import { createProducer } from '@/lib/ingest/kafka';
import { MINUTE_MS } from '@/lib/web/overview-params';
import { type Managed, startNode } from '@/scripts/lib/processes';
import { BENCH_APP_NAME } from './activity';
import { saleEvents } from './dataset';
import { createSalesTopic, LOG_DIR, workerEnv } from './ingest';
import { step } from './progress';
import type { BenchDatabase } from './services';
import { type Summary, summarize } from './stats';

const PROBE_TIMEOUT_MS = 15_000;

export interface LiveFigures {
  commitToListen: Summary;
  produceToNotify: Summary;
}

class Listener {
  private waiters = new Map<number, (at: number) => void>();
  private constructor(private readonly client: pg.Client) {
    client.on('notification', (msg) => {
      const at = performance.now();
      const notice: SalesUpdatedNotice | null = parseSalesUpdatedNotice(msg.payload);
      if (!notice) return;
      this.waiters.get(notice.from)?.(at);
      this.waiters.delete(notice.from);
    });
  }

  static async open(url: string): Promise<Listener> {
    const client = new pg.Client({ connectionString: url, application_name: BENCH_APP_NAME });
    // A lost connection shows up as probe timeouts; it must not crash the process.
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`LISTEN ${SALES_UPDATED_CHANNEL}`);
    return new Listener(client);
  }

  /** Resolves with the receive time of the notice whose `from` is `key`. */
  wait(key: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`no notice for ${what} within ${PROBE_TIMEOUT_MS / 1000} s`));
      }, PROBE_TIMEOUT_MS);
      this.waiters.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function commitToListen(db: BenchDatabase, listener: Listener, probes: number): Promise<Summary> {
  const writer = new pg.Client({ connectionString: db.url, application_name: BENCH_APP_NAME });
  writer.on('error', () => undefined);
  await writer.connect();
  const samples: number[] = [];
  try {
    for (let i = 1; i <= probes + 2; i++) {
      // Negative minutes: cannot collide with a real notice.
      const key = -i * MINUTE_MS;
      const notice: SalesUpdatedNotice = { from: key, to: key, accepted: 0 };
      await writer.query('BEGIN');
      await writer.query('SELECT pg_notify($1, $2)', [SALES_UPDATED_CHANNEL, JSON.stringify(notice)]);
      const received = listener.wait(key, 'a bench commit');
      const started = performance.now();
      await writer.query('COMMIT');
      const at = await received;
      if (i > 2) samples.push(at - started);
      await pause(20);
    }
  } finally {
    await writer.end();
  }
  return summarize(samples);
}

export async function measureLive(opts: {
  kafka: Kafka;
  brokers: string[];
  db: BenchDatabase;
  topic: string;
  dlqTopic: string;
  groupId: string;
  probes: number;
  label: string;
  track: (worker: Managed) => void;
}): Promise<LiveFigures> {
  const listener = await Listener.open(opts.db.url);
  let worker: Managed | null = null;
  const producer = createProducer(opts.kafka);
  try {
    const commit = await commitToListen(opts.db, listener, opts.probes);
    step(`  commit → LISTEN: p50 ${commit.p50.toFixed(2)} ms, p95 ${commit.p95.toFixed(2)} ms`);

    await createSalesTopic(opts.kafka, opts.topic, opts.dlqTopic);
    await producer.connect();
    worker = startNode(opts.label, 'workers/index.ts', [], workerEnv(opts), LOG_DIR);
    opts.track(worker);

    // Probe minutes lie 30+ days back: they leave the week the query figures were taken on alone.
    const base = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 30 * 24 * 60 * MINUTE_MS;
    const events = saleEvents(opts.probes + 1, base + (opts.probes + 1) * MINUTE_MS, (opts.probes + 1) * MINUTE_MS, 99);
    const samples: number[] = [];
    let i = 0;
    for (const event of events) {
      const key = Math.floor(Date.parse(event.occurred_at) / MINUTE_MS) * MINUTE_MS;
      // The first probe waits for the worker to start and join: it is the warm-up, not a sample.
      const received = i === 0 ? listenerWaitLong(listener, key) : listener.wait(key, `probe ${i}`);
      const started = performance.now();
      await producer.send({ topic: opts.topic, messages: [{ key: event.order_id, value: JSON.stringify(event) }] });
      const at = await received;
      if (i === 0) step('  worker joined and committed its first live event');
      else samples.push(at - started);
      i += 1;
      await pause(50 + Math.random() * 100);
    }
    const produce = summarize(samples);
    step(`  produce → NOTIFY (through a worker): p50 ${produce.p50.toFixed(1)} ms, p95 ${produce.p95.toFixed(1)} ms`);
    return { commitToListen: commit, produceToNotify: produce };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await worker?.stop('SIGTERM');
    await listener.close().catch(() => undefined);
  }
}

/** The warm-up probe covers process start and the group join: allow a minute. */
async function listenerWaitLong(listener: Listener, key: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await listener.wait(key, 'the first live event');
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}
