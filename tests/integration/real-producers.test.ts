// Batches written by the real Apache Kafka Java producer (tests/support/java/PulseJavaProducer.java,
// kafka-clients from the broker's classpath) in every codec — plain, idempotent and
// transactional, with an aborted transaction among them — read by a real worker, counted
// exactly, served by the web server, and read again the same way by `npm run replay`. Also
// Pulse's own producers (the worker's dead letters) in each KAFKA_COMPRESSION codec, read back
// with kafkajs and the codecs of lib/kafka-codecs.ts.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import kafkajs, { CompressionTypes, type Kafka, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@/lib/ingest/kafka-codecs';
import { ensureKafkaJars } from '@/scripts/kafka/broker';
import { type Managed, root } from '@/scripts/lib/processes';
import { bytes, type SaleJson, sale } from '@/tests/support/events';
import { type ExpectedOverview, expectedOverview } from '@/tests/support/expected';
import {
  authedFetch,
  type CommandRun,
  createSalesStack,
  createTopics,
  offsetsIn,
  runCommand,
  type SalesStack,
  startWeb,
  startWorker,
  type TestDatabase,
  testBrokers,
  topicEnd,
  uniqueName,
  waitFor,
} from '@/tests/support/stack';

const WINDOW_FROM = '2026-04-07T12:00:00Z';
const WINDOW_TO = '2026-04-07T13:00:00Z';
const WEB_PORT = 3700 + (process.pid % 40);
const WORKER_PORT = 9700 + (process.pid % 40);
const JAVA_PRODUCER = path.join(root, 'tests', 'support', 'java', 'PulseJavaProducer.java');
const TIMEOUT = 240_000;

type Codec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

// ---------------------------------------------------------------------------------------------
// Which codecs kafkajs decoded in this process: the real codecs, wrapped to count their calls.

const decoded = new Map<number, number>();
{
  type KafkajsCodec = { compress(encoder: unknown): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
  const codecs = kafkajs.CompressionCodecs as unknown as Record<number, () => KafkajsCodec>;
  for (const type of [CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
    const factory = codecs[type] as () => KafkajsCodec;
    codecs[type] = () => {
      const codec = factory();
      return {
        compress: (encoder) => codec.compress(encoder),
        decompress: (buffer) => {
          decoded.set(type, (decoded.get(type) ?? 0) + 1);
          return codec.decompress(buffer);
        },
      };
    };
  }
}
const TYPE_OF: Record<Exclude<Codec, 'none'>, CompressionTypes> = {
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};
const decodedCounts = (): Record<string, number> =>
  Object.fromEntries(Object.entries(TYPE_OF).map(([name, t]) => [name, decoded.get(t) ?? 0]));

/** Between two counts, batches of `codec` and of no other codec were decoded: the producer used it. */
function expectOnlyDecoded(codec: Codec, before: Record<string, number>, after: Record<string, number>): void {
  const delta = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]));
  expect(delta[codec], `${codec}: batches decoded per codec ${JSON.stringify(delta)}`).toBeGreaterThan(0);
  expect(
    Object.entries(delta).filter(([k, n]) => k !== codec && n !== 0),
    `${codec}: other codecs decoded`,
  ).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// The Java producer

/**
 * `java` arguments that start PulseJavaProducer: compiled once with javac into `classDir` (the
 * source launcher compiles on every run, 2–3 s each), or from its source without a javac.
 */
async function javaProducerArgs(libDir: string, classDir: string): Promise<string[]> {
  const classpath = path.join(libDir, '*');
  const compiled = await runCommand('javac', ['-cp', classpath, '-d', classDir, JAVA_PRODUCER]).catch(() => null);
  // A short-lived client: the quick JIT tier and one GC thread start it with a third less CPU.
  const jvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
  return compiled?.code === 0
    ? [...jvm, '-cp', `${classpath}${path.delimiter}${classDir}`, 'PulseJavaProducer']
    : [...jvm, '-cp', classpath, JAVA_PRODUCER];
}

/** Run the Java producer with `lines` on stdin (`key<TAB>value`, or #begin/#commit/#abort). */
function runJavaProducer(java: string[], topic: string, codec: Codec, lines: string[], extra: string[] = []) {
  const args = [...java, '--brokers', testBrokers(), '--topic', topic, '--compression', codec, ...extra];
  return runCommand('java', args, {}, `${lines.join('\n')}\n`);
}

const showRun = (r: CommandRun) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-4000)}`;

const record = (key: string | null, value: string) => `${key ?? ''}\t${value}`;
const saleRecord = (event: SaleJson) => record(event.order_id, JSON.stringify(event));

// ---------------------------------------------------------------------------------------------
// The sales: one store and one unit price per producer, so a lost or doubled batch shows.

interface Source {
  store: string;
  codec: Codec;
  price: number;
  count: number;
}

const PLAIN: Source[] = [
  { store: 'JAVA-GZIP', codec: 'gzip', price: 1013, count: 100 },
  { store: 'JAVA-SNAPPY', codec: 'snappy', price: 2027, count: 100 },
  { store: 'JAVA-LZ4', codec: 'lz4', price: 3041, count: 100 },
  { store: 'JAVA-ZSTD', codec: 'zstd', price: 4057, count: 100 },
];
const IDEMPOTENT: Source = { store: 'JAVA-IDEMPOTENT', codec: 'zstd', price: 5077, count: 100 };
const COMMITTED: Source = { store: 'JAVA-TXN-COMMITTED', codec: 'lz4', price: 6089, count: 150 };
const ABORTED: Source = { store: 'JAVA-TXN-ABORTED', codec: 'lz4', price: 7103, count: 150 };

const RUN = randomBytes(4).toString('hex');
let sequence = 0;

function sales(source: Source): SaleJson[] {
  return Array.from({ length: source.count }, (_, i) => {
    const id = `${source.store.toLowerCase()}-${i}`;
    const at = Date.parse(WINDOW_FROM) + 1000 + sequence++ * 3571; // < 1,000 sales: inside the hour
    return sale({
      event_id: `java-${RUN}-${id}`,
      order_id: `ORD-${id}`,
      store_id: source.store,
      occurred_at: new Date(at).toISOString(),
      channel: i % 2 === 0 ? 'web' : 'store',
      lines: [
        {
          sku: `SKU-${source.store}`,
          name: `${source.store} item`,
          category: 'Java',
          quantity: 1 + (i % 3),
          unit_price_cents: source.price,
          discount_cents: i % 5 === 0 ? 7 : 0,
        },
      ],
      // Not in the contract (ignored): hard-to-compress bytes, so every producer writes
      // several batches per partition (the Java client closes a batch at 16 KB compressed).
      note: randomBytes(300).toString('hex'),
    });
  });
}

const GZIP_SALES = sales(PLAIN[0] as Source);
const PLAIN_SALES = [GZIP_SALES, ...PLAIN.slice(1).map(sales)];
const IDEMPOTENT_SALES = sales(IDEMPOTENT);
const COMMITTED_SALES = sales(COMMITTED);
const ABORTED_SALES = sales(ABORTED);
/** Everything a reader must count: the aborted transaction's sales are not among them. */
const COUNTED = [...PLAIN_SALES.flat(), ...IDEMPOTENT_SALES, ...COMMITTED_SALES];

// Malformed records from the Java producer, dead-lettered by the worker (which compresses its
// dead letters with KAFKA_COMPRESSION=zstd).
const JAVA_MALFORMED: { key: string | null; value: string; reason: string }[] = [
  { key: 'bad-java-json', value: '{"event_id": "x", ', reason: 'invalid_json' },
  { key: 'bad-java-array', value: '[1,2,3]', reason: 'not_an_object' },
  {
    key: null,
    value: JSON.stringify(sale({ event_id: `java-${RUN}-eur`, occurred_at: '2026-04-07T12:30:00Z', currency: 'EUR' })),
    reason: 'currency_mismatch',
  },
];

// ---------------------------------------------------------------------------------------------
// Helpers

type Totals = ExpectedOverview['totals'];

interface Overview {
  totals: Totals;
  freshness: { as_of: string | null; lag_ms: number | null; backlog: number; behind_ms: number };
}

const ZERO: Totals = { revenue_cents: 0, gross_cents: 0, refund_cents: 0, orders: 0, units: 0, aov_cents: 0 };

/** GET /readyz every 200 ms, one request at a time, until stopped. */
function sampleReadyz(port: number) {
  const samples: { at: string; status: number; body: string }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = new Date().toISOString();
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
        const body = await res.text();
        samples.push({ at, status: res.status, body: res.ok ? '' : body });
      } catch (err) {
        samples.push({ at, status: 0, body: (err as Error).message });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** For a failure message: is the worker alive, its last log lines and /readyz answers. */
async function workerState(worker: Managed | null, readyz?: { at: string; status: number; body: string }[]) {
  if (!worker) return 'no worker';
  const { exitCode, signalCode, pid } = worker.child;
  const state =
    exitCode === null && signalCode === null ? 'running' : `exited (code ${exitCode}, signal ${signalCode})`;
  const log = (await readFile(worker.logFile, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-15).join('\n');
  return [
    `${worker.name} (pid ${pid}): ${state}`,
    ...(readyz ? [`last /readyz answers: ${JSON.stringify(readyz.slice(-3))}`] : []),
    `--- last lines of ${worker.logFile}`,
    log,
  ].join('\n');
}

/** Every answer from the first 200 on (at least `min` of them) must be 200. */
function expectReadyThroughout(samples: { at: string; status: number; body: string }[], min: number) {
  const first = samples.findIndex((s) => s.status === 200);
  expect(first, 'the worker never answered 200 on /readyz').toBeGreaterThanOrEqual(0);
  expect(samples.length - first).toBeGreaterThanOrEqual(min);
  expect(samples.slice(first).filter((s) => s.status !== 200)).toEqual([]);
}

/**
 * The messages of a topic, read from the beginning by a group of its own until there are
 * `count` (default: the sum of the high watermarks — a topic without transaction markers).
 */
async function readTopic(
  kafka: Kafka,
  topic: string,
  { count, readUncommitted = false }: { count?: number; readUncommitted?: boolean } = {},
): Promise<KafkaMessage[]> {
  const expected = count ?? Number(offsetsIn(await topicEnd(kafka, topic)));
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('it-java-read'), readUncommitted });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message);
      },
    });
    await waitFor(`${expected} messages on ${topic}`, async () => messages.length >= expected, 60_000, 100);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString() ?? null;

async function countRows(db: TestDatabase, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await db.query<{ n: string }>(sql, params))[0]?.n);
}

// ---------------------------------------------------------------------------------------------

describe('real producers: the Java client in every codec, and Pulse’s own producers (real Kafka, Postgres, processes)', () => {
  let java: string[];
  let classDir: string | null = null;
  let stack: SalesStack;
  let env: Record<string, string>;
  let worker: Managed | null = null;
  let web: Managed | null = null;
  const extraWorkers: Managed[] = [];
  const samplers: ReturnType<typeof sampleReadyz>[] = [];

  const overview = async (qs = ''): Promise<Overview> => {
    const res = await authedFetch(
      `http://127.0.0.1:${WEB_PORT}/api/v1/overview?from=${WINDOW_FROM}&to=${WINDOW_TO}${qs ? `&${qs}` : ''}`,
    );
    expect(res.status, qs).toBe(200);
    return (await res.json()) as Overview;
  };

  /** Totals overall and per producer (store) are exactly the model's; the aborted store has none. */
  async function expectExactTotals(): Promise<void> {
    expect((await overview()).totals).toEqual(expectedOverview(COUNTED).totals);
    const perStore: [Source, SaleJson[]][] = [
      ...PLAIN.map((s, i): [Source, SaleJson[]] => [s, PLAIN_SALES[i] as SaleJson[]]),
      [IDEMPOTENT, IDEMPOTENT_SALES],
      [COMMITTED, COMMITTED_SALES],
    ];
    for (const [source, events] of perStore) {
      const expected = expectedOverview(events).totals;
      expect(expected.orders).toBe(source.count);
      expect((await overview(`store=${source.store}`)).totals, `${source.store} (${source.codec})`).toEqual(expected);
    }
    expect((await overview(`store=${ABORTED.store}`)).totals, 'the aborted transaction').toEqual(ZERO);
    const aborted = await countRows(stack.db, 'SELECT count(*) AS n FROM processed_event WHERE event_id = ANY($1)', [
      ABORTED_SALES.map((e) => e.event_id),
    ]);
    expect(aborted, 'aborted sales in processed_event').toBe(0);
  }

  beforeAll(async () => {
    classDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-java-producer-'));
    java = await javaProducerArgs(await ensureKafkaJars(), classDir);
    stack = await createSalesStack('pulse_it_java', 3);
    env = { ...stack.env, KAFKA_COMPRESSION: 'zstd' };
    worker = startWorker({ ...env, WORKER_HTTP_PORT: String(WORKER_PORT), HOST: '127.0.0.1' }, 'java-worker');
    web = await startWeb(env, WEB_PORT);
    await waitFor(
      'the worker to be ready',
      async () => (await fetch(`http://127.0.0.1:${WORKER_PORT}/readyz`).catch(() => null))?.status === 200,
      90_000,
    );
  });

  afterAll(async () => {
    for (const sampler of samplers) await sampler.stop();
    await Promise.all([worker?.stop(), web?.stop(), ...extraWorkers.map((w) => w.stop())]);
    await stack?.stop();
    if (classDir) await rm(classDir, { recursive: true, force: true });
  });

  it(
    'counts every sale the Java producer wrote — gzip, snappy, lz4, zstd, idempotent, transactional — and none of an aborted transaction',
    async () => {
      const readyz = sampleReadyz(WORKER_PORT);
      samplers.push(readyz);
      const started = Date.now();

      // The plain and the idempotent producers at once (each its own JVM).
      const runs = await Promise.all([
        ...PLAIN.map((source, i) => {
          const lines = (PLAIN_SALES[i] as SaleJson[]).map(saleRecord);
          // The malformed ones among the gzip sales.
          if (source.codec === 'gzip') lines.splice(50, 0, ...JAVA_MALFORMED.map((m) => record(m.key, m.value)));
          return runJavaProducer(java, stack.topic, source.codec, lines).then((r) => ({ r, sent: lines.length }));
        }),
        runJavaProducer(java, stack.topic, IDEMPOTENT.codec, IDEMPOTENT_SALES.map(saleRecord), ['--idempotent']).then(
          (r) => ({ r, sent: IDEMPOTENT.count }),
        ),
      ]);
      for (const { r, sent } of runs) {
        expect(r.code, showRun(r)).toBe(0);
        expect(r.stdout.trim(), showRun(r)).toBe(`sent ${sent}`);
      }
      // One committed and one aborted transaction, each over several batches on every partition.
      const transactional = await runJavaProducer(
        java,
        stack.topic,
        COMMITTED.codec,
        ['#begin', ...COMMITTED_SALES.map(saleRecord), '#commit', '#begin', ...ABORTED_SALES.map(saleRecord), '#abort'],
        ['--transactional-id', uniqueName('it-java-txn'), '--linger-ms', '20'],
      );
      expect(transactional.code, showRun(transactional)).toBe(0);
      expect(transactional.stdout.trim()).toBe(`sent ${COMMITTED.count + ABORTED.count}`);
      const produced = Date.now();

      // Counted: every valid sale once, the malformed ones dead-lettered.
      await waitFor(
        'the worker to count every committed sale',
        async () =>
          (await countRows(stack.db, 'SELECT count(*) AS n FROM processed_event')) >= COUNTED.length &&
          (await countRows(stack.db, 'SELECT count(*) AS n FROM dead_letter WHERE topic = $1', [stack.topic])) >=
            JAVA_MALFORMED.length,
        120_000,
        200,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await workerState(worker, readyz.samples)}`);
      });
      // A moment for anything that should not be there (an aborted batch read late) to arrive.
      await new Promise((r) => setTimeout(r, 2000));
      expect(await countRows(stack.db, 'SELECT count(*) AS n FROM processed_event')).toBe(COUNTED.length);
      await expectExactTotals();
      const samples = await readyz.stop();
      console.log(
        `java producers: ${((produced - started) / 1000).toFixed(1)} s for 6 runs; counted ${((Date.now() - produced) / 1000).toFixed(1)} s later; ${samples.length} /readyz samples`,
      );
      expectReadyThroughout(samples, 10);

      // What the log holds is what this test means it to: every record the Java producer sent,
      // the aborted transaction's included (read uncommitted), in batches of each codec — at
      // least one per partition and producer, and several per partition for each transaction.
      const sent =
        PLAIN_SALES.flat().length + JAVA_MALFORMED.length + IDEMPOTENT.count + COMMITTED.count + ABORTED.count;
      const beforeLog = decodedCounts();
      const log = await readTopic(stack.kafka, stack.topic, { count: sent, readUncommitted: true });
      const batches = Object.fromEntries(
        Object.entries(decodedCounts()).map(([codec, n]) => [codec, n - (beforeLog[codec] ?? 0)]),
      );
      console.log(`compressed batches in the sales topic: ${JSON.stringify(batches)}`);
      expect(log.length).toBe(sent);
      const keys = new Set(log.map((m) => m.key?.toString()));
      expect(ABORTED_SALES.filter((e) => !keys.has(e.order_id))).toEqual([]);
      expect(batches.gzip).toBeGreaterThanOrEqual(3);
      expect(batches.snappy).toBeGreaterThanOrEqual(3);
      expect(batches.zstd).toBeGreaterThanOrEqual(6); // plain and idempotent
      expect(batches.lz4).toBeGreaterThanOrEqual(3 + 2 * 2 * 3); // plain, then 2 transactions × 3 partitions × ≥ 2

      // The Java producer's malformed records: in the dead_letter table, and on the DLQ topic
      // as zstd batches (KAFKA_COMPRESSION) that kafkajs reads back byte for byte.
      const rows = await stack.db.query<{ reason: string; key: string | null; payload: Buffer }>(
        'SELECT reason, key, payload FROM dead_letter WHERE topic = $1 ORDER BY "offset"',
        [stack.topic],
      );
      const sortByKey = <T extends { key: string | null }>(list: T[]) =>
        [...list].sort((a, b) => String(a.key).localeCompare(String(b.key)));
      const expectedDead = sortByKey(JAVA_MALFORMED).map((m) => ({ reason: m.reason, key: m.key, payload: m.value }));
      expect(sortByKey(rows).map((r) => ({ ...r, payload: r.payload.toString() }))).toEqual(expectedDead);
      const before = decodedCounts();
      const dlq = await readTopic(stack.kafka, stack.dlqTopic);
      const after = decodedCounts();
      expectOnlyDecoded('zstd', before, after);
      expect(
        sortByKey(
          dlq.map((m) => ({
            reason: header(m, 'x-dlq-reason'),
            key: m.key?.toString() ?? null,
            payload: m.value?.toString(),
          })),
        ),
      ).toEqual(expectedDead);
      expect(new Set(dlq.map((m) => header(m, 'x-source-topic')))).toEqual(new Set([stack.topic]));
    },
    TIMEOUT,
  );

  it('reports the pipeline caught up once the transactional producer’s batches are counted: no backlog, “as of” moving', async () => {
    // Every transaction ends with a commit or abort marker (an offset that carries no message),
    // and an aborted transaction's records are never delivered: the log's end is beyond the
    // offset after the last message. Idle and caught up, a worker refreshes "as of" every 5 s.
    const first = (await overview()).freshness;
    let last = first;
    const caughtUp = await waitFor(
      'no backlog, nothing behind, and "as of" refreshed',
      async () => {
        last = (await overview()).freshness;
        return (
          last.backlog === 0 && last.behind_ms === 0 && Date.parse(last.as_of ?? '') > Date.parse(first.as_of ?? '')
        );
      },
      20_000,
      500,
    ).catch(() => false);
    const stored = await stack.db.query<{ partition: number; next_offset: string; high_watermark: string }>(
      'SELECT partition, next_offset::text, high_watermark::text FROM consumer_offset WHERE topic = $1 ORDER BY partition',
      [stack.topic],
    );
    const end = await topicEnd(stack.kafka, stack.topic);
    const detail = JSON.stringify({
      first,
      last,
      stored,
      kafkaEnd: Object.fromEntries([...end].map(([p, h]) => [p, h.toString()])),
    });
    expect(caughtUp, detail).toBe(true);
  });

  it(
    'dead-letters with Pulse’s own producer in every codec (KAFKA_COMPRESSION), readable with kafkajs',
    async () => {
      // zstd was the first test's worker; one cheap worker per other codec, all at once.
      const codecs: Codec[] = ['gzip', 'snappy', 'lz4'];
      const runs = codecs.map((codec) => {
        const t = uniqueName(`it.java.own.${codec}`).replaceAll('_', '.');
        return { codec, topic: t, dlqTopic: `${t}.dlq` };
      });
      await createTopics(
        stack.kafka,
        runs.flatMap((r) => [
          { topic: r.topic, numPartitions: 1 },
          { topic: r.dlqTopic, numPartitions: 1 },
        ]),
      );
      const malformed = (codec: Codec) => [
        { key: `bad-${codec}-json`, value: Buffer.from(`{"codec": "${codec}", `), reason: 'invalid_json' },
        {
          key: `bad-${codec}-type`,
          value: bytes(sale({ event_id: `own-${RUN}-${codec}`, type: 'return' })),
          reason: 'unknown_type',
        },
      ];
      for (const r of runs) {
        await stack.producer.send({
          topic: r.topic,
          messages: malformed(r.codec).map(({ key, value }) => ({ key, value })),
        });
        extraWorkers.push(
          startWorker(
            {
              ...env,
              SALES_TOPIC: r.topic,
              SALES_DLQ_TOPIC: r.dlqTopic,
              WORKER_GROUP_ID: uniqueName(`it-java-own-${r.codec}`),
              KAFKA_COMPRESSION: r.codec,
            },
            `java-own-${r.codec}-worker`,
          ),
        );
      }
      await waitFor(
        'every codec worker to dead-letter its messages',
        async () => {
          for (const r of runs) {
            const n = await countRows(stack.db, 'SELECT count(*) AS n FROM dead_letter WHERE topic = $1', [r.topic]);
            if (n < 2) return false;
          }
          return true;
        },
        120_000,
        250,
      ).catch(async (err: Error) => {
        const states = await Promise.all(extraWorkers.map((w) => workerState(w)));
        throw new Error(`${err.message}\n${states.join('\n')}`);
      });
      for (const r of runs) {
        const expected = malformed(r.codec).map((m) => ({ key: m.key, reason: m.reason, payload: m.value.toString() }));
        const rows = await stack.db.query<{ key: string; reason: string; payload: Buffer }>(
          'SELECT key, reason, payload FROM dead_letter WHERE topic = $1 ORDER BY "offset"',
          [r.topic],
        );
        expect(
          rows.map((row) => ({ ...row, payload: row.payload.toString() })),
          r.codec,
        ).toEqual(expected);
        const before = decodedCounts();
        const dlq = await readTopic(stack.kafka, r.dlqTopic);
        const after = decodedCounts();
        expectOnlyDecoded(r.codec, before, after);
        expect(
          dlq.map((m) => ({
            key: m.key?.toString(),
            reason: header(m, 'x-dlq-reason'),
            payload: m.value?.toString(),
          })),
          r.codec,
        ).toEqual(expected);
      }
      await Promise.all(extraWorkers.map((w) => w.stop()));
    },
    TIMEOUT,
  );

  it(
    'npm run replay reads the same batches: totals unchanged and exact, the aborted transaction still absent',
    async () => {
      const readyz = sampleReadyz(WORKER_PORT);
      samplers.push(readyz);
      const replay = await runCommand('npm', ['run', '--silent', 'replay'], env); // as an operator runs it
      const samples = await readyz.stop();
      const show = showRun(replay);
      console.log(
        replay.stdout
          .split('\n')
          .filter((l) => /messages read|events counted|rejected|duration|fenced|result/.test(l))
          .join('\n'),
      );
      expect(replay.code, show).toBe(0);
      expect(replay.stdout, show).toContain('full: every bucket is rebuilt from offset 0');
      expect(replay.stdout, show).toContain('result: equal. The replaced tables were dropped.');
      const summary = (label: string) =>
        Number(new RegExp(`${label}\\s+([\\d,]+)`).exec(replay.stdout)?.[1]?.replaceAll(',', ''));
      // Every committed record once; aborted records and transaction markers are no messages.
      expect(summary('messages read'), show).toBe(COUNTED.length + JAVA_MALFORMED.length);
      expect(summary('events counted'), show).toBe(COUNTED.length);
      expect(summary('duplicates dropped'), show).toBe(0);
      expect(summary('rejected \\(invalid\\)'), show).toBe(JAVA_MALFORMED.length);
      await expectExactTotals();
      expectReadyThroughout(samples, 3);
      // The replay published no dead letters of its own.
      const dlqEnd = offsetsIn(await topicEnd(stack.kafka, stack.dlqTopic));
      expect(dlqEnd).toBe(BigInt(JAVA_MALFORMED.length));
    },
    TIMEOUT,
  );
});
