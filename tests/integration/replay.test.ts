// npm run replay against the real broker and PostgreSQL, with a live worker and web server
// running all along and sales still arriving. Each suite also runs a reference worker that
// consumes the same topic into a database of its own: what a worker alone computes. After a
// replay has swapped its tables in and the workers have caught up, the live tables must equal
// the reference cell for cell (shards added up), the API must answer what an independent
// computation over the produced events says, and it must have answered 200 throughout.
import type { Kafka, Message, Producer } from 'kafkajs';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicRetentionMs } from '@/lib/ingest/kafka';
import { REPLAY_TABLES } from '@/lib/queries/ingest/apply-sales-batch';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, type SaleJson, sale } from '@/tests/support/events';
import { expectedOverview } from '@/tests/support/expected';
import {
  authedFetch,
  type CommandRun,
  connectProducer,
  createTestDatabase,
  offsetsIn,
  runCommand,
  socketOptions,
  startWeb,
  startWorker,
  type TestDatabase,
  testBrokers,
  testKafka,
  topicEnd,
  uniqueName,
  waitFor,
  waitUntilConsumed,
} from '@/tests/support/stack';
import { createWorld } from '@/workers/simulator/catalog';
import { SaleGenerator } from '@/workers/simulator/generate';

const PORT = 3800 + (process.pid % 50);
const TIMEOUT = 420_000;

/** `npm run replay` as an operator runs it. */
const runReplay = (env: Record<string, string>, args: string[] = []) =>
  runCommand('npm', ['run', '--silent', 'replay', '--', ...args], env);

const show = (run: CommandRun) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr.slice(-4000)}`;

/**
 * A table's cells with the shards added up, one JSON line each, sorted. Numeric columns are
 * the figures (summed), numeric arrays are figures slot by slot, the others are the cell's key —
 * whatever columns the table has today. Facts are compared without their partition and offset
 * (which partition counted an event sent on two depends on timing).
 */
async function cells(db: TestDatabase, table: string): Promise<string[]> {
  const columns = await db.query<{ name: string; type: string; udt: string }>(
    `SELECT column_name AS name, data_type AS type, udt_name AS udt FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1 AND column_name <> 'shard'
       AND NOT (table_name = 'sale_fact' AND column_name IN ('partition', 'offset')) ORDER BY ordinal_position`,
    [table],
  );
  const numeric = (type: string) => ['smallint', 'integer', 'bigint', 'numeric'].includes(type);
  const numericArray = (c: { type: string; udt: string }) =>
    c.type === 'ARRAY' && ['_int2', '_int4', '_int8'].includes(c.udt);
  const arrays = columns.filter(numericArray).map((c) => c.name);
  const keys = columns.filter((c) => !numeric(c.type) && !numericArray(c)).map((c) => `"${c.name}"`);
  const sums = [
    ...columns.filter((c) => numeric(c.type)).map((c) => `sum("${c.name}")::text AS "${c.name}"`),
    ...arrays.map((a, i) => `sum(u.v${i})::text AS "${a}"`),
  ];
  const slots = arrays.length
    ? ` CROSS JOIN LATERAL unnest(${arrays.map((a) => `"${a}"`).join(', ')}) WITH ORDINALITY AS u(${arrays.map((_, i) => `v${i}`).join(', ')}, slot)`
    : '';
  const group = arrays.length ? [...keys, 'u.slot'] : keys;
  const rows = await db.query(
    `SELECT ${[...group, ...sums].join(', ')} FROM ${table}${slots} GROUP BY ${group.join(', ')} ORDER BY ${group.join(', ')}`,
  );
  return rows.map((r) => JSON.stringify(r));
}

/** Cells on one side only (at most 5 of each shown), and the sizes. */
async function cellDifferences(a: TestDatabase, b: TestDatabase, table: string) {
  const [left, right] = [await cells(a, table), await cells(b, table)];
  const rightSet = new Set(right);
  const leftSet = new Set(left);
  return {
    table,
    sizes: [left.length, right.length],
    onlyLive: left.filter((c) => !rightSet.has(c)).slice(0, 5),
    onlyReference: right.filter((c) => !leftSet.has(c)).slice(0, 5),
  };
}

async function rollupOids(db: TestDatabase): Promise<string[]> {
  const rows = await db.query<{ oid: string }>(
    `SELECT to_regclass('public.' || t)::oid::text AS oid FROM unnest($1::text[]) AS t`,
    [REPLAY_TABLES.rebuild],
  );
  return rows.map((r) => r.oid);
}

async function replaySchemas(db: TestDatabase): Promise<string[]> {
  const rows = await db.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pulse\\_replay\\_%' ORDER BY 1`,
  );
  return rows.map((r) => r.nspname);
}

/** GET the overview every 100 ms, one request at a time, until stopped. */
function pollOverview(url: string) {
  const seen: { status: number; orders: number | null }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await authedFetch(url);
        const body = res.ok ? ((await res.json()) as { totals: { orders: number } }) : null;
        seen.push({ status: res.status, orders: body?.totals.orders ?? null });
      } catch {
        seen.push({ status: 0, orders: null });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen;
    },
  };
}

/** Produce `next()`'s messages every 100 ms until stopped (sales arriving during the replay). */
function keepProducing(producer: Producer, topic: string, next: () => Message[]) {
  let running = true;
  let sent = 0;
  const loop = (async () => {
    while (running) {
      const messages = next();
      await producer.send({ topic, messages });
      sent += messages.length;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return sent;
    },
  };
}

const message = (event: SaleJson, timestamp?: number): Message => ({
  key: event.order_id,
  value: bytes(event),
  ...(timestamp === undefined ? {} : { timestamp: String(timestamp) }),
});

interface Stack {
  kafka: Kafka;
  producer: Producer;
  topic: string;
  live: TestDatabase;
  reference: TestDatabase;
  env: Record<string, string>;
  processes: Managed[];
}

/**
 * A topic with 3 partitions that the live worker creates (with the retention settings under
 * test), the live worker, and the reference worker (own database, group and dead-letter topic).
 */
async function startStack(name: string): Promise<Stack> {
  const kafka = testKafka();
  const topic = uniqueName(`it.${name}`).replaceAll('_', '.');
  const [live, reference] = [await createTestDatabase(`pulse_${name}`), await createTestDatabase(`pulse_${name}_ref`)];
  const env = {
    DATABASE_URL: live.url,
    KAFKA_BROKERS: testBrokers(),
    SALES_TOPIC: topic,
    SALES_DLQ_TOPIC: `${topic}.dlq`,
    SALES_TOPIC_PARTITIONS: '3',
    // Test data is stamped in the past: kept forever, the broker deletes none of it.
    SALES_RETENTION_DAYS: 'forever',
    SALES_DLQ_RETENTION_DAYS: '45',
    WORKER_GROUP_ID: uniqueName('it-replay-live'),
    WORKER_SESSION_TIMEOUT_MS: '6000',
  };
  const processes = [startWorker(env, `${name}-live-worker`)];
  const admin = kafka.admin();
  await admin.connect();
  await waitFor('the worker to create the topics', async () => (await admin.listTopics()).includes(topic), 60_000);
  await admin.disconnect();
  processes.push(
    startWorker(
      {
        ...env,
        DATABASE_URL: reference.url,
        SALES_DLQ_TOPIC: `${topic}.ref.dlq`,
        WORKER_GROUP_ID: uniqueName('it-replay-ref'),
      },
      `${name}-reference-worker`,
    ),
  );
  return { kafka, producer: await connectProducer(kafka), topic, live, reference, env, processes };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  for (const p of stack.processes) await p.stop();
  await stack.producer.disconnect();
  await stack.live.drop();
  await stack.reference.drop();
}

/** Both workers at the end of the topic, then the live aggregates equal the reference's cell for cell. */
async function expectLiveEqualsReference(stack: Stack): Promise<void> {
  await waitUntilConsumed(stack.kafka, stack.live, stack.topic);
  await waitUntilConsumed(stack.kafka, stack.reference, stack.topic);
  // fact_roll says how far the facts are rolled up: all the way on both sides by now.
  for (const table of REPLAY_TABLES.rebuild.filter((t) => t !== 'fact_roll')) {
    const diff = await cellDifferences(stack.live, stack.reference, table);
    expect(diff.onlyLive, table).toEqual([]);
    expect(diff.onlyReference, table).toEqual([]);
    expect(diff.sizes[0], table).toBeGreaterThan(0);
  }
  const count = async (db: TestDatabase) =>
    (await db.query<{ n: string }>('SELECT count(*) AS n FROM processed_event'))[0]?.n;
  expect(await count(stack.live)).toBe(await count(stack.reference));
}

describe('npm run replay: full rebuild while live', () => {
  const WINDOW_FROM = '2026-02-01T10:00:00Z';
  const WINDOW_TO = '2026-02-01T11:00:00Z';
  const start = Date.parse(WINDOW_FROM);
  const generator = new SaleGenerator(createWorld(), 20260201);
  /** Every valid event produced (each once): what the numbers must be made of. */
  const events: SaleJson[] = [];
  let stack: Stack;
  let web: Managed | null = null;
  // Sales happen up to 1.5 s before the instant asked for (SaleGenerator): 2 s keeps them inside.
  const inWindow = (i: number, n: number) => start + 2000 + Math.floor((i * 3_500_000) / n);

  beforeAll(async () => {
    stack = await startStack('replay');
    const outgoing: Message[] = [];
    const malformed = [
      Buffer.from('{"event_id": "x", '),
      bytes(sale({ event_id: 'bad-currency', currency: 'EUR' })),
      bytes(sale({ event_id: 'bad-channel', channel: 'telephone' })),
    ];
    for (let i = 0; i < 1500; i++) {
      const event = generator.next(inWindow(i, 1500)) as SaleJson;
      events.push(event);
      outgoing.push(message(event));
      if (i % 40 === 13) {
        const refund = generator.refundOf(event, Math.min(Date.parse(event.occurred_at) + 600_000, start + 3_590_000));
        events.push(refund as SaleJson);
        outgoing.push(message(refund as SaleJson));
      }
      if (i % 25 === 7) outgoing.push(message(event)); // a producer retry
      if (i % 500 === 250) outgoing.push({ key: `bad-${i}`, value: malformed[(i - 250) / 500] as Buffer });
    }
    // A producer whose clock is a day ahead: the workers reject it by their clock, which a
    // replay must not second-guess later.
    outgoing.push(
      message(sale({ event_id: 'future-1', occurred_at: new Date(Date.now() + 86_400_000).toISOString() })),
    );
    for (let i = 0; i < outgoing.length; i += 500) {
      await stack.producer.send({ topic: stack.topic, messages: outgoing.slice(i, i + 500) });
    }
    await waitUntilConsumed(stack.kafka, stack.live, stack.topic);
    web = await startWeb(stack.env, PORT);
  }, TIMEOUT);

  afterAll(async () => {
    await web?.stop();
    await stopStack(stack);
  }, TIMEOUT);

  it('creates the topics with the configured retention', async () => {
    const admin = stack.kafka.admin();
    await admin.connect();
    expect(await topicRetentionMs(admin, stack.topic)).toBe(-1);
    expect(await topicRetentionMs(admin, `${stack.topic}.dlq`)).toBe(45 * 86_400_000);
    await admin.disconnect();
  });

  it(
    'rebuilds everything while sales keep arriving, swaps, and the numbers stay exact',
    async () => {
      const oidsBefore = await rollupOids(stack.live);
      const windowUrl = `http://127.0.0.1:${PORT}/api/v1/overview?from=${WINDOW_FROM}&to=${WINDOW_TO}`;
      const poller = pollOverview(windowUrl);
      let tick = 0;
      const late = new SaleGenerator(createWorld(), 777);
      const producing = keepProducing(stack.producer, stack.topic, () => {
        tick += 1;
        const batch: Message[] = [];
        // About 40 messages a second: the replay must catch up with a worker that keeps moving.
        for (let i = 0; i < 3; i++) {
          const event = late.next(inWindow((tick * 3 + i) % 997, 997)) as SaleJson;
          events.push(event);
          batch.push(message(event));
        }
        // A redelivery of an event counted long ago, and now and then a refund.
        batch.push(message(events[(tick * 37) % 1500] as SaleJson));
        if (tick % 5 === 0) {
          const refund = late.refundOf(events.at(-1) as SaleJson, Date.parse((events.at(-1) as SaleJson).occurred_at));
          events.push(refund as SaleJson);
          batch.push(message(refund as SaleJson));
        }
        return batch;
      });

      const run = await runReplay(stack.env);
      const sentDuring = await producing.stop();
      const polls = await poller.stop();
      console.log(
        run.stdout
          .split('\n')
          .filter((l) => /messages read|duration|fenced|swap lock/.test(l))
          .join('\n'),
      );

      expect(run.code, show(run)).toBe(0);
      expect(run.stdout).toContain('full: every bucket is rebuilt from offset 0');
      expect(run.stdout).toMatch(/workers fenced\s+\d+ ms/);
      expect(run.stdout).toMatch(/swap lock\s+[\d.]+ ms/);
      expect(run.stdout).toContain('sales_rollup:');
      expect(run.stdout).toContain('every cell equal');
      expect(run.stdout).toContain('result: equal. The replaced tables were dropped.');
      // Progress went to stderr: messages done/total, rate, ETA, per partition.
      expect(run.stderr).toMatch(/replay .*% · [\d,]+\/[\d,]+ messages · [\d,]+ msg\/s · ETA/);
      expect(run.stderr).toMatch(/p0 [\d,]+\/[\d,]+ {2}p1/);
      const summary = (label: string) =>
        Number(new RegExp(`${label}\\s+([\\d,]+)`).exec(run.stdout)?.[1]?.replaceAll(',', ''));
      expect(summary('rejected \\(invalid\\)')).toBe(4); // 3 malformed + the future event
      expect(summary('duplicates dropped')).toBeGreaterThanOrEqual(60);

      // The tables were swapped (new relations), nothing of the replay is left.
      const oidsAfter = await rollupOids(stack.live);
      for (const [i, oid] of oidsAfter.entries()) expect(oid).not.toBe(oidsBefore[i]);
      expect(await replaySchemas(stack.live)).toEqual([]);

      // The dashboard answered throughout, and never went backwards (no half state, nothing lost).
      expect(sentDuring).toBeGreaterThan(0);
      expect(polls.length).toBeGreaterThan(10);
      expect(polls.filter((p) => p.status !== 200)).toEqual([]);
      const orders = polls.map((p) => p.orders as number);
      for (let i = 1; i < orders.length; i++) expect(orders[i]).toBeGreaterThanOrEqual(orders[i - 1] as number);

      await expectLiveEqualsReference(stack);
      const body = await (await authedFetch(windowUrl)).json();
      const end = Date.parse(WINDOW_TO);
      const expected = expectedOverview(
        events.filter((e) => Date.parse(e.occurred_at) >= start && Date.parse(e.occurred_at) < end),
      );
      expect(expected.totals.orders).toBeGreaterThan(1500);
      expect(body.totals).toEqual(expected.totals);
      expect(
        body.top_products.map(({ sku, name, category, revenue_cents, units }: Record<string, unknown>) => ({
          sku,
          name,
          category,
          revenue_cents,
          units,
        })),
      ).toEqual(expected.top_products);
      const nonEmpty = (s: { revenue_cents: number; orders: number }) => s.orders > 0 || s.revenue_cents !== 0;
      for (const [dimension, slices] of Object.entries(expected.demographics)) {
        const actual = Object.fromEntries(
          (body.demographics[dimension] as { key: string; revenue_cents: number; orders: number }[])
            .filter(nonEmpty)
            .map((s) => [s.key, { revenue_cents: s.revenue_cents, orders: s.orders }]),
        );
        expect(actual, dimension).toEqual(Object.fromEntries(Object.entries(slices).filter(([, v]) => nonEmpty(v))));
      }
      // The replay published no dead letters: the topic holds the worker's, once each.
      expect(offsetsIn(await topicEnd(stack.kafka, `${stack.topic}.dlq`))).toBe(4n);
    },
    TIMEOUT,
  );

  it(
    'repairs damaged aggregates, says so, keeps the replaced tables and pushes the fixed numbers at once',
    async () => {
      await waitUntilConsumed(stack.kafka, stack.live, stack.topic);
      // In hour buckets, the window is one hour cell of the rollups (minute buckets read the facts).
      const windowUrl = `http://127.0.0.1:${PORT}/api/v1/overview?from=${WINDOW_FROM}&to=${WINDOW_TO}&granularity=hour`;
      const { orders } = (await (await authedFetch(windowUrl)).json()).totals as { orders: number };
      // Damage: one store's cells of the window's hour (and of its day) count 5 orders too many.
      // One shard row per grain: the workers' compaction may already have folded the day's
      // shards into another shard than the hour's.
      const damaged = await stack.live.query<{ grain: string }>(
        `WITH c AS (SELECT * FROM sales_rollup WHERE grain = 'h' AND bucket = $1 AND category = '*' LIMIT 1),
         t AS (SELECT DISTINCT ON (s.grain) s.grain, s.bucket, s.store_id, s.region, s.channel, s.category, s.shard
           FROM sales_rollup s, c
           WHERE (s.store_id, s.region, s.channel, s.category) = (c.store_id, c.region, c.channel, c.category)
             AND ((s.grain = 'h' AND s.bucket = c.bucket) OR (s.grain = 'd' AND s.bucket = date_trunc('day', c.bucket, 'UTC')))
           ORDER BY s.grain, s.shard)
         UPDATE sales_rollup s SET orders = s.orders + 5 FROM t
         WHERE (s.grain, s.bucket, s.store_id, s.region, s.channel, s.category, s.shard)
             = (t.grain, t.bucket, t.store_id, t.region, t.channel, t.category, t.shard)
         RETURNING s.grain`,
        [WINDOW_FROM],
      );
      expect(damaged.map((r) => r.grain).sort()).toEqual(['d', 'h']);
      expect((await (await authedFetch(windowUrl)).json()).totals.orders).toBe(orders + 5);

      // A dashboard watching the window: it must get the repaired numbers right after the swap.
      const socket = io(
        `http://127.0.0.1:${PORT}`,
        await socketOptions(`http://127.0.0.1:${PORT}`, { transports: ['websocket'] }),
      );
      const pushes: { at: number; orders: number }[] = [];
      socket.on('overview', ({ data }: { data: { totals: { orders: number } } }) => {
        pushes.push({ at: Date.now(), orders: data.totals.orders });
      });
      socket.emit('subscribe', { from: WINDOW_FROM, to: WINDOW_TO, granularity: 'hour' });
      await waitFor('the first push', async () => pushes.length > 0, 30_000);
      expect(pushes[0]?.orders).toBe(orders + 5);

      const run = await runReplay(stack.env);
      await waitFor('the repaired numbers to be pushed', async () => pushes.some((p) => p.orders === orders), 30_000);
      socket.close();
      expect(run.code, show(run)).toBe(2);
      expect(run.stdout).toContain('sales_rollup: ');
      expect(run.stdout).toContain('2 replaced and 2 replayed cells differ');
      for (const grain of ['h', 'd'])
        expect(run.stdout).toContain(`grain ${grain} totals DIFFER (replayed ≠ replaced): `);
      // Each grain's orders (summed over every category row) are 5 above in the replaced tables.
      const diff = /grain h totals DIFFER[^\n]*orders ([\d,]+) ≠ ([\d,]+)/.exec(run.stdout);
      const count = (text?: string) => Number(text?.replaceAll(',', ''));
      expect(count(diff?.[2]) - count(diff?.[1])).toBe(5);
      expect(run.stdout).toContain('product_rollup: ');
      expect(run.stdout).toMatch(/result: DIFFERENT\. .* kept in schema pulse_replay_\w+_old/);
      const swappedAt = Date.parse(/swapped at\s+(\S+)/.exec(run.stdout)?.[1] ?? '');
      const repaired = pushes.find((p) => p.orders === orders);
      // Pushed on the swap's notice (the hub pushes a view at most once a second), not by a timer.
      expect((repaired?.at ?? 0) - swappedAt).toBeLessThan(2500);
      expect(await replaySchemas(stack.live)).toEqual([expect.stringMatching(/^pulse_replay_\w+_old$/)]);
      expect((await (await authedFetch(windowUrl)).json()).totals.orders).toBe(orders);
      await expectLiveEqualsReference(stack);
    },
    TIMEOUT,
  );

  it('refuses bad arguments with a message naming them', async () => {
    const run = await runReplay(stack.env, ['--from', 'yesterday']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--from must be earliest, an offset (a whole number) or an RFC 3339 time');
  });
});

describe('npm run replay: partial rebuilds and retention', () => {
  // Day A is kept from the live tables, day B rebuilt. Messages carry Kafka timestamps of
  // their day (as if produced then), so --from <time> finds day B's first offsets.
  const DAY_A = Date.parse('2026-03-01T00:00:00Z');
  const DAY_B = Date.parse('2026-03-02T00:00:00Z');
  const generator = new SaleGenerator(createWorld(), 20260301);
  const events: SaleJson[] = [];
  const dayA: SaleJson[] = [];
  const dayB: SaleJson[] = [];
  let stack: Stack;
  let web: Managed | null = null;
  const windowUrl = (from: number, to: number) =>
    `http://127.0.0.1:${PORT}/api/v1/overview?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;

  /** Sales during a replay: late events of day A (some redelivered), new ones of day B (some redelivered). */
  function lateTraffic() {
    let tick = 0;
    return () => {
      tick += 1;
      const a = generator.next(DAY_A + 9 * 3_600_000 + tick * 7000) as SaleJson;
      const b = generator.next(DAY_B + 13 * 3_600_000 + tick * 7000) as SaleJson;
      events.push(a, b);
      return [
        message(a),
        message(b),
        message(dayA[(tick * 13) % dayA.length] as SaleJson), // late duplicate of a kept event
        message(dayB[(tick * 17) % dayB.length] as SaleJson), // duplicate of a rebuilt event
      ];
    };
  }

  async function replayWhileProducing(args: string[]): Promise<CommandRun> {
    const producing = keepProducing(stack.producer, stack.topic, lateTraffic());
    const run = await runReplay(stack.env, args);
    await producing.stop();
    return run;
  }

  async function expectApiExact(): Promise<void> {
    for (const [from, to] of [
      [DAY_A, DAY_B],
      [DAY_B, DAY_B + 86_400_000],
    ] as const) {
      const inRange = events.filter((e) => Date.parse(e.occurred_at) >= from && Date.parse(e.occurred_at) < to);
      const body = await (await authedFetch(windowUrl(from, to))).json();
      expect(body.totals, new Date(from).toISOString()).toEqual(expectedOverview(inRange).totals);
    }
  }

  beforeAll(async () => {
    stack = await startStack('replay_partial');
    const outgoing: Message[] = [];
    for (let i = 0; i < 900; i++) {
      // Day A 08:00–20:00, day B 08:00–12:00; each stamped by Kafka a few seconds after it happened.
      const at = i < 600 ? DAY_A + 8 * 3_600_000 + i * 72_000 : DAY_B + 8 * 3_600_000 + (i - 600) * 48_000;
      const event = generator.next(at) as SaleJson;
      events.push(event);
      (i < 600 ? dayA : dayB).push(event);
      outgoing.push(message(event, at + 3000));
      if (i % 30 === 11) outgoing.push(message(event, at + 9000)); // redelivered
    }
    await stack.producer.send({ topic: stack.topic, messages: outgoing });
    await waitUntilConsumed(stack.kafka, stack.live, stack.topic);
    web = await startWeb(stack.env, PORT);
  }, TIMEOUT);

  afterAll(async () => {
    await web?.stop();
    await stopStack(stack);
  }, TIMEOUT);

  it(
    '--from <time> rebuilds from the start of that UTC day and keeps the days before, exactly',
    async () => {
      const run = await replayWhileProducing(['--from', '2026-03-02T06:30:00Z']);
      expect(run.code, show(run)).toBe(0);
      expect(run.stdout).toContain('partial: buckets from 2026-03-02T00:00:00.000Z are rebuilt');
      expect(run.stdout).toMatch(/copied [\d,]+ rows before the cut-off/);
      expect(run.stdout).toMatch(/late events before it, added\s+[1-9]/);
      expect(run.stdout).toContain('result: equal.');
      // Day A's ~620 messages before the read start were not read at all.
      const read = Number(/messages read\s+([\d,]+)/.exec(run.stdout)?.[1]?.replaceAll(',', ''));
      const end = Number(offsetsIn(await topicEnd(stack.kafka, stack.topic)));
      expect(read).toBeGreaterThan(0);
      expect(read).toBeLessThanOrEqual(end - 600);
      await expectLiveEqualsReference(stack);
      await expectApiExact();
    },
    TIMEOUT,
  );

  it(
    '--from <offset> rebuilds from the first whole day after the messages before it, exactly',
    async () => {
      // The first offset of day B on the partition where it comes earliest: every message
      // before it, on every partition, is from day A (stamped up to 20:00).
      const admin = stack.kafka.admin();
      await admin.connect();
      const firstOfDayB = await admin.fetchTopicOffsetsByTimestamp(stack.topic, DAY_B);
      await admin.disconnect();
      const offset = Math.min(...firstOfDayB.map((o) => Number(o.offset)));
      const run = await replayWhileProducing(['--from', String(offset), '--keep-old']);
      expect(run.code, show(run)).toBe(0);
      expect(run.stdout).toContain('partial: buckets from 2026-03-02T00:00:00.000Z are rebuilt');
      expect(run.stdout).toMatch(/result: equal\. The replaced tables are kept in schema pulse_replay_\w+_old/);
      const kept = await replaySchemas(stack.live);
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatch(/_old$/);
      await expectLiveEqualsReference(stack);
      await expectApiExact();
    },
    TIMEOUT,
  );

  it(
    'refuses a replay that needs messages retention has deleted, and changes nothing',
    async () => {
      const admin = stack.kafka.admin();
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [stack.topic] });
      await admin.deleteTopicRecords({ topic: stack.topic, partitions: [{ partition: 0, offset: '3' }] });
      await admin.disconnect();
      const oids = await rollupOids(stack.live);
      const schemas = await replaySchemas(stack.live);

      const full = await runReplay(stack.env);
      expect(full.code, show(full)).toBe(1);
      expect(full.stderr).toContain('replay refused: the topic no longer holds every message this replay needs');
      expect(full.stderr).toMatch(/partition 0: needs offsets from 0, but keeps only offsets 3–\d+/);
      expect(full.stderr).toContain('retention forever');

      // From day A: Kafka's first offset for it on partition 0 is now the log start itself.
      const early = await runReplay(stack.env, ['--from', '2026-03-01']);
      expect(early.code, show(early)).toBe(1);
      expect(early.stderr).toContain('partition 0: keeps only offsets 3–');

      expect(await rollupOids(stack.live)).toEqual(oids);
      expect(await replaySchemas(stack.live)).toEqual(schemas);

      // From day B the topic still holds everything needed.
      const later = await runReplay(stack.env, ['--from', '2026-03-02']);
      expect(later.code, show(later)).toBe(0);
      await expectLiveEqualsReference(stack);
    },
    TIMEOUT,
  );
});
