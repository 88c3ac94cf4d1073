// Shared machinery of the fault tests: worker processes that can be SIGKILLed and restarted,
// paced production, reading a topic back, and the comparison of everything the system
// reports (HTTP API, rollup tables, dead letters, offsets) with the independent expectation.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Kafka, Kafka as KafkaClient, logLevel, Partitioners, type Producer } from 'kafkajs';
// The harness reads the dead-letter topic, which the workers compress with KAFKA_COMPRESSION.
import '@/lib/ingest/kafka-codecs';
import { type Managed, root, startNode, waitFor } from '@/scripts/lib/processes';
import { API_FIELDS, INCLUDE_REFUNDS } from '@/tests/support/contract';
import { aovOf, DIMENSIONS, type Expected, expectedFrom, type Figures, ranked } from '@/tests/support/expected';
import { judge } from '@/tests/support/model';
import { authedFetch, type TestDatabase } from '@/tests/support/stack';
import { offsetsIn, topicEnd } from '@/tests/support/topics';
import type { Rng } from '@/workers/simulator/catalog';
import type { Outgoing } from './dataset';

export const FAULT_LOG_DIR = path.join(root, '.pulse', 'test-logs', 'faults');
export const FIGURES_DIR = path.join(root, '.pulse', 'test-results', 'faults');

/** Kafka port of the suite's broker (scripts/test.ts); brokers a test starts itself use +10 and up. */
export const KAFKA_PORT = Number(process.env.TEST_KAFKA_PORT ?? 19092);
/** Web and worker HTTP ports: E2E_PORT's neighbourhood is someone else's; these sit below it. */
export const PORT_BASE = Number(process.env.FAULTS_PORT_BASE ?? 3700);

const started = Date.now();

export function say(scenario: string, message: string): void {
  const secs = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[faults:${scenario} ${secs}s] ${message}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function kafkaClient(brokers: string, clientId = 'pulse-faults'): Kafka {
  return new KafkaClient({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    // Patient: the broker-restart test keeps producing across a broker outage of a minute or so.
    retry: { initialRetryTime: 300, maxRetryTime: 2000, retries: 300 },
  });
}

/**
 * Idempotent producer that waits out broker outages (the broker restart test) instead of
 * failing: retries inside kafkajs keep their sequence numbers, so nothing is written twice.
 */
export async function patientProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { initialRetryTime: 300, maxRetryTime: 2000, retries: Number.MAX_SAFE_INTEGER },
  });
  await producer.connect();
  return producer;
}

/** Bytes per producer request: the broker refuses record batches over 1 MB. */
const MAX_REQUEST_BYTES = 512 * 1024;

/** Send `messages` in requests of up to 1,000 messages spread over about `durationMs`. */
export async function producePaced(
  producer: Producer,
  topic: string,
  messages: Outgoing[],
  durationMs: number,
  log: (m: string) => void,
  onSent?: (sent: number) => Promise<void> | void,
): Promise<void> {
  const begin = Date.now();
  let nextReport = 0.1;
  let i = 0;
  while (i < messages.length) {
    const part: Outgoing[] = [];
    let bytes = 0;
    while (i < messages.length && part.length < 1000) {
      const m = messages[i] as Outgoing;
      const size = (m.value?.length ?? 0) + 100;
      if (part.length > 0 && bytes + size > MAX_REQUEST_BYTES) break;
      part.push(m);
      bytes += size;
      i += 1;
    }
    await producer.send({ topic, messages: part.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
    await onSent?.(i);
    if (i / messages.length >= nextReport) {
      log(`produced ${i.toLocaleString('en-US')} / ${messages.length.toLocaleString('en-US')} messages`);
      while (nextReport <= i / messages.length) nextReport += 0.1;
    }
    const due = begin + (durationMs * i) / messages.length;
    if (due > Date.now()) await sleep(due - Date.now());
  }
}

export interface StoredMessage {
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Every message of a topic as it is stored, read with a throw-away consumer group. */
export async function readTopic(kafka: Kafka, topic: string, groupId: string): Promise<StoredMessage[]> {
  const end = await topicEnd(kafka, topic);
  const total = offsetsIn(end);
  const out: StoredMessage[] = [];
  if (total === 0n) return out;
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        if (BigInt(m.offset) >= (end.get(batch.partition) ?? 0n)) continue;
        const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
        out.push({ partition: batch.partition, offset: BigInt(m.offset), key: m.key, value: m.value, headers });
      }
      if (BigInt(out.length) >= total) done();
    },
  });
  await Promise.race([
    finished,
    sleep(180_000).then(() => {
      throw new Error(`read ${out.length} of ${total} messages of ${topic} in 3 minutes`);
    }),
  ]);
  await consumer.disconnect();
  return out;
}

/** Sum over partitions of the next offset the workers stored in Postgres. */
export async function storedProgress(db: TestDatabase, topic: string): Promise<number> {
  const rows = await db.query<{ n: string | null }>(
    'SELECT SUM(next_offset)::text AS n FROM consumer_offset WHERE topic = $1',
    [topic],
  );
  return Number(rows[0]?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Worker processes

export interface WorkerSlot {
  index: number;
  httpPort: number;
  process: Managed | null;
  starts: number;
  startedAt: number;
  /** Log of the latest process in this slot (kept after it stops). */
  logFile: string;
}

/** Worker processes by slot; each slot can be SIGKILLed and started again. */
export class Workers {
  readonly slots: WorkerSlot[];
  kills = 0;
  unexpectedExits: string[] = [];

  constructor(
    private readonly scenario: string,
    private readonly env: Record<string, string>,
    count: number,
    httpPortBase: number,
  ) {
    this.slots = Array.from({ length: count }, (_, index) => ({
      index,
      httpPort: httpPortBase + index,
      process: null,
      starts: 0,
      startedAt: 0,
      logFile: '',
    }));
  }

  start(index: number): void {
    const slot = this.slots[index] as WorkerSlot;
    slot.starts += 1;
    const name = `${this.scenario}-w${index}-${slot.starts}`;
    const worker = startNode(
      name,
      'workers/index.ts',
      [],
      { LOG_LEVEL: 'info', ...this.env, WORKER_HTTP_PORT: String(slot.httpPort) },
      FAULT_LOG_DIR,
    );
    slot.process = worker;
    slot.startedAt = Date.now();
    slot.logFile = worker.logFile;
    worker.exited.then((code) => {
      // Only our SIGKILLs and SIGTERMs may end a worker.
      if (slot.process === worker && worker.child.signalCode === null) {
        this.unexpectedExits.push(`${name} exited with code ${code} (log: ${worker.logFile})`);
      }
    });
  }

  startAll(): void {
    for (const slot of this.slots) this.start(slot.index);
  }

  async kill(index: number): Promise<void> {
    const slot = this.slots[index] as WorkerSlot;
    const worker = slot.process;
    if (!worker) return;
    worker.child.kill('SIGKILL');
    await worker.exited;
    slot.process = null;
    this.kills += 1;
  }

  alive(index: number): boolean {
    const worker = this.slots[index]?.process;
    return !!worker && worker.child.exitCode === null && worker.child.signalCode === null;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.process;
        slot.process = null;
        await worker?.stop('SIGTERM');
      }),
    );
  }

  async readiness(index: number): Promise<number | null> {
    const slot = this.slots[index] as WorkerSlot;
    try {
      const res = await fetch(`http://127.0.0.1:${slot.httpPort}/readyz`, { signal: AbortSignal.timeout(2000) });
      return res.status;
    } catch {
      return null;
    }
  }
}

/**
 * SIGKILL workers at random points mid-stream: each kill waits for a random amount of
 * committed progress (so the victim dies inside real work, not while idle), then a random few
 * hundred milliseconds more. Every fourth kill instead hits the worker just restarted, 0.5–3.5 s
 * into its start-up (joining the group, seeking, first batch). Victims come from `victim(k)`;
 * each is restarted after a random pause of up to a second.
 */
export async function killRepeatedly(options: {
  workers: Workers;
  kills: number;
  rng: Rng;
  victim: (k: number) => number;
  progress: () => Promise<number>;
  log: (m: string) => void;
}): Promise<void> {
  const { workers, kills, rng, victim, progress, log } = options;
  let last = victim(0);
  for (let k = 0; k < kills; k++) {
    const early = k % 4 === 3;
    const index = early ? last : victim(k);
    const slot = workers.slots[index] as WorkerSlot;
    if (early) {
      await sleep(Math.max(0, slot.startedAt + 500 + rng() * 3000 - Date.now()));
    } else {
      const from = await progress();
      const need = 300 + Math.floor(rng() * 5000);
      await waitFor(`progress before kill ${k + 1}`, async () => (await progress()) >= from + need, 300_000, 50);
      await sleep(Math.floor(rng() * 400));
    }
    const at = await progress();
    const age = ((Date.now() - slot.startedAt) / 1000).toFixed(1);
    await workers.kill(index);
    log(
      `kill ${k + 1}/${kills}: SIGKILL worker ${index} ${early ? 'during start-up' : 'mid-stream'}, ${age} s after ` +
        `its start (stored offsets ${at.toLocaleString('en-US')})`,
    );
    last = index;
    await sleep(Math.floor(rng() * 1000));
    workers.start(index);
    log(`restarted worker ${index}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison

export class Differences {
  readonly items: string[] = [];
  checked = 0;
  /** Sums beyond 2^53 (only fuzzed amounts get there): doubles on both sides, compared to 1e-12. */
  approximate = 0;

  /** Compare one value; a mismatch is recorded, not thrown, so a run reports all of them. */
  same(what: string, actual: unknown, expected: unknown): void {
    this.checked += 1;
    if (actual !== expected) this.items.push(`${what}: got ${String(actual)}, expected ${String(expected)}`);
  }

  /**
   * An amount. JavaScript numbers are exact integers only below 2^53 (≈ 90 trillion dollars in
   * cents); the worker's batch sums, the API and this expectation all use them, so a sum beyond
   * that is exact nowhere and is compared to a relative 1e-12 instead.
   */
  amount(what: string, actual: number | undefined, expected: number): void {
    const beyond = Math.abs(expected) > Number.MAX_SAFE_INTEGER || Math.abs(actual ?? 0) > Number.MAX_SAFE_INTEGER;
    if (!beyond || actual === undefined) {
      this.same(what, actual, expected);
      return;
    }
    this.checked += 1;
    this.approximate += 1;
    if (Math.abs(actual - expected) > Math.abs(expected) * 1e-12) {
      this.items.push(`${what}: got ${actual}, expected ${expected} (beyond 2^53, compared to 1e-12)`);
    }
  }

  figures(what: string, actual: Partial<Record<keyof Figures, number>>, expected: Figures, keys: (keyof Figures)[]) {
    for (const key of keys) {
      if (key === 'orders') this.same(`${what}.${key}`, actual[key] ?? 0, expected[key]);
      else this.amount(`${what}.${key}`, actual[key] ?? 0, expected[key]);
    }
  }

  get count(): number {
    return this.items.length;
  }

  summary(limit = 40): string {
    return (
      this.items.slice(0, limit).join('\n') + (this.items.length > limit ? `\n… ${this.items.length - limit} more` : '')
    );
  }
}

const MINUTE = 60_000;

/** The API window covering every accepted event, minute-aligned. */
export function windowOf(expected: Expected): { from: string; to: string } {
  const span = expected.span ?? { min: Date.now(), max: Date.now() };
  return {
    from: new Date(Math.floor(span.min / MINUTE) * MINUTE).toISOString(),
    to: new Date(Math.floor(span.max / MINUTE) * MINUTE + MINUTE).toISOString(),
  };
}

type ApiFigures = Record<string, number>;

/** API figures under the names of `Figures` (one place for the API's field names). */
function fromApi(row: ApiFigures): Partial<Record<keyof Figures, number>> {
  return {
    revenue: row[API_FIELDS.revenue],
    orders: row[API_FIELDS.orders],
    units: row[API_FIELDS.units],
    gross: row[API_FIELDS.gross],
    refunds: row[API_FIELDS.refunds],
  };
}

const TOTAL_KEYS: (keyof Figures)[] = INCLUDE_REFUNDS
  ? ['revenue', 'orders', 'units', 'gross', 'refunds']
  : ['revenue', 'orders', 'units'];

/** GET from the web server as the test admin (every API route needs a session). */
async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await authedFetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/**
 * The HTTP API against the expectation: totals, the top 50 products, demographics, and for
 * every category its totals and its full product list (each category has ≤ 50 SKUs), so every
 * SKU's revenue and units are compared; plus the product endpoint for a sample of SKUs.
 */
export async function compareApi(baseUrl: string, expected: Expected, rng: Rng, d: Differences): Promise<void> {
  const { from, to } = windowOf(expected);
  const view = (extra: Record<string, string>) =>
    getJson(`${baseUrl}/api/v1/overview?${new URLSearchParams({ from, to, top: '50', ...extra })}`);

  const all = await view({});
  const totals = all.totals as ApiFigures;
  d.figures('api totals', fromApi(totals), expected.totals, TOTAL_KEYS);
  d.same('api totals.aov', totals[API_FIELDS.aov], aovOf(expected.totals));

  const products = ranked(expected.products);
  const top = all.top_products as ApiFigures[] & { sku: string; name: string; category: string }[];
  const wantTop = products.slice(0, 50);
  d.same('api top_products length', top.length, wantTop.length);
  wantTop.forEach((p, i) => {
    const got = top[i] as unknown as Record<string, unknown> | undefined;
    d.same(`api top_products[${i}].sku`, got?.sku, p.sku);
    d.same(`api top_products[${i}] (${p.sku}).name`, got?.name, p.name);
    d.amount(`api top_products[${i}] (${p.sku}).revenue`, got?.[API_FIELDS.revenue] as number, p.revenue);
    d.amount(`api top_products[${i}] (${p.sku}).units`, got?.[API_FIELDS.units] as number, p.units);
  });

  const demographics = all.demographics as Record<string, { key: string }[]>;
  for (const dim of DIMENSIONS) {
    const got = new Map((demographics[dim] ?? []).map((s) => [s.key, fromApi(s as unknown as ApiFigures)]));
    const keys = new Set([...got.keys(), ...expected.demographics[dim].keys()]);
    for (const key of keys) {
      const want = expected.demographics[dim].get(key) ?? { revenue: 0, gross: 0, refunds: 0, orders: 0, units: 0 };
      d.figures(`api demographics.${dim}[${key}]`, got.get(key) ?? {}, want, ['revenue', 'orders']);
    }
  }

  let skusCompared = 0;
  for (const [category, want] of expected.categories) {
    const body = await view({ category });
    d.figures(`api category ${category} totals`, fromApi(body.totals as ApiFigures), want, TOTAL_KEYS);
    const inCategory = products.filter((p) => p.category === category);
    if (inCategory.length > 50) throw new Error(`category ${category} has more than 50 SKUs: widen the comparison`);
    const list = body.top_products as Record<string, unknown>[];
    d.same(`api category ${category} product count`, list.length, inCategory.length);
    inCategory.forEach((p, i) => {
      d.same(`api category ${category} [${i}].sku`, list[i]?.sku, p.sku);
      d.amount(`api product ${p.sku}.revenue`, list[i]?.[API_FIELDS.revenue] as number, p.revenue);
      d.amount(`api product ${p.sku}.units`, list[i]?.[API_FIELDS.units] as number, p.units);
      skusCompared += 1;
    });
  }
  d.same('api SKUs compared', skusCompared, expected.products.size);

  // The product endpoint also reports orders containing the SKU: the best seller and a sample.
  const sample = new Set([products[0]?.sku]);
  while (sample.size < Math.min(8, products.length)) sample.add(products[Math.floor(rng() * products.length)]?.sku);
  for (const sku of sample) {
    const body = await getJson(`${baseUrl}/api/v1/products/${encodeURIComponent(sku as string)}?from=${from}&to=${to}`);
    const want = expected.products.get(sku as string) as Figures;
    d.figures(`api products/${sku}`, fromApi(body.totals as ApiFigures), want, ['revenue', 'units', 'orders']);
  }
}

/** Rollup tables, offsets and dead letters against the expectation. */
export async function compareTables(
  db: TestDatabase,
  topic: string,
  expected: Expected,
  rejectedAt: Map<string, Set<string>>,
  d: Differences,
) {
  // Hour and day cells from the rollups (every fact rolled up by now), minute cells from the
  // facts themselves (part 1 of a fact is the whole order), as the dashboard reads them.
  const cells = await db.query<{ grain: string; t: string; revenue: string; orders: string; units: string }>(
    `SELECT grain, (extract(epoch FROM bucket) * 1000)::bigint::text AS t, SUM(revenue_cents)::text AS revenue,
            SUM(orders)::text AS orders, SUM(units)::text AS units
     FROM sales_rollup WHERE category = '*' GROUP BY grain, bucket
     UNION ALL
     SELECT 'm', (extract(epoch FROM date_bin('1 minute', occurred_at, timestamptz 'epoch')) * 1000)::bigint::text,
            SUM(part_revenue[1])::text, count(*) FILTER (WHERE NOT refund)::text, SUM(part_units[1])::text
     FROM sale_fact GROUP BY 2`,
  );
  for (const grain of ['m', 'h', 'd'] as const) {
    const got = new Map(
      cells
        .filter((c) => c.grain === grain)
        .map((c) => [Number(c.t), { revenue: Number(c.revenue), orders: Number(c.orders), units: Number(c.units) }]),
    );
    const want = expected.cells[grain];
    d.same(`rollup ${grain} cell count`, got.size, want.size);
    for (const [t, figures] of want) {
      d.figures(`rollup ${grain} ${new Date(t).toISOString()}`, got.get(t) ?? {}, figures, [
        'revenue',
        'orders',
        'units',
      ]);
    }
  }

  const products = await db.query<{ sku: string; revenue: string; units: string; orders: string }>(
    `SELECT sku, SUM(revenue_cents)::text AS revenue, SUM(units)::text AS units, SUM(orders)::text AS orders
     FROM product_rollup WHERE grain = 'd' AND store_id <> '' GROUP BY sku`, // store-level rows (region-level rows repeat them)
  );
  d.same('rollup product count', products.length, expected.products.size);
  for (const p of products) {
    const want = expected.products.get(p.sku);
    if (!want) d.same(`rollup product ${p.sku}`, 'present', 'absent');
    else
      d.figures(
        `rollup product ${p.sku}`,
        { revenue: Number(p.revenue), units: Number(p.units), orders: Number(p.orders) },
        want,
        ['revenue', 'units', 'orders'],
      );
  }

  const processed = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM processed_event');
  d.same('processed_event rows (distinct events counted)', Number(processed[0]?.n), expected.accepted);

  const dead = await db.query<{ partition: number; offset: string; reason: string; detail: string }>(
    'SELECT partition, "offset"::text AS offset, reason, detail FROM dead_letter WHERE topic = $1',
    [topic],
  );
  d.same('dead_letter rows', dead.length, rejectedAt.size);
  for (const row of dead) {
    const source = `${row.partition}/${row.offset}`;
    const reasons = rejectedAt.get(source);
    d.same(`dead_letter ${source} is a rejected message`, !!reasons, true);
    if (reasons)
      d.same(`dead_letter ${source} reason ${row.reason} in [${[...reasons]}]`, reasons.has(row.reason), true);
    d.same(`dead_letter ${source} has a detail`, row.detail.length > 0, true);
  }
  d.same('consumer_offset: stored offsets = messages in the topic', await storedProgress(db, topic), expected.messages);
}

/** The DLQ topic: every rejected source message at least once, with its reason (copies after crashes are allowed). */
export async function compareDlqTopic(
  kafka: Kafka,
  topic: string,
  dlqTopic: string,
  rejectedAt: Map<string, Set<string>>,
  d: Differences,
): Promise<{ letters: number; copies: number }> {
  const letters = await readTopic(kafka, dlqTopic, `faults-dlq-reader-${Date.now()}`);
  const sources = new Set<string>();
  for (const l of letters) {
    const source = `${l.headers['x-source-partition']}/${l.headers['x-source-offset']}`;
    const reason = l.headers['x-dlq-reason'] ?? '';
    sources.add(source);
    d.same(`dlq topic ${source} source topic`, l.headers['x-source-topic'], topic);
    d.same(`dlq topic ${source} reason ${reason} expected`, rejectedAt.get(source)?.has(reason) ?? false, true);
    d.same(`dlq topic ${source} has a detail`, (l.headers['x-dlq-detail'] ?? '').length > 0, true);
  }
  d.same('dlq topic: distinct source messages', sources.size, rejectedAt.size);
  return { letters: letters.length, copies: letters.length - sources.size };
}

/** What the topic's messages must produce, and the reasons each rejected message may carry. */
export function expectationOf(
  stored: StoredMessage[],
  now: number,
): { expected: Expected; rejectedAt: Map<string, Set<string>> } {
  const rejectedAt = new Map<string, Set<string>>();
  for (const m of stored) {
    const verdict = judge(m.value, now);
    if (!verdict.ok) rejectedAt.set(`${m.partition}/${m.offset}`, verdict.reasons);
  }
  return {
    expected: expectedFrom(
      stored.map((m) => m.value),
      now,
    ),
    rejectedAt,
  };
}

export function recordFigures(scenario: string, figures: Record<string, number | string>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(path.join(FIGURES_DIR, `${scenario}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}
