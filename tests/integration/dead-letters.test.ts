// Dead letters end to end, with the real broker, database, worker and web server: malformed
// messages and sales in a currency the worker does not report are dead-lettered (the worker
// keeps going past them), the API lists them, and after a configuration change (the worker
// now reports EUR) re-driving the currency ones counts each event exactly once — however
// often it is re-driven — while malformed ones re-driven come back as new dead letters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, type SaleJson, sale } from '@/tests/support/events';
import {
  createSalesStack,
  createTestUser,
  type SalesStack,
  signIn,
  startWeb,
  startWorker,
  uniqueName,
  waitFor,
  waitUntilConsumed,
  webClient,
  webUrl,
} from '@/tests/support/stack';

// Integration tests run one file at a time, before the browser tests: the e2e web port's
// neighbours are free then, and each test run has its own E2E_PORT.
const PORT = Number(process.env.E2E_PORT ?? 3391) + 1;
const OPEN_PORT = PORT + 1;
const OPS_TOKEN = 'integration-ops-token-0123456789';
const WINDOW = 'from=2026-02-10T09:00:00Z&to=2026-02-10T10:00:00Z';

interface Sent {
  name: string;
  key: string | null;
  value: Buffer | null;
  reason: string;
  partition?: number;
  offset?: number;
}

interface ApiDeadLetter {
  id: number;
  received_at: string;
  reason: string;
  detail: string;
  source: { topic: string; partition: number; offset: number };
  key: string | null;
  size: number;
  preview: { encoding: 'utf8' | 'hex'; text: string; truncated: boolean };
  redrive: {
    count: number;
    last_at: string;
    to: { topic: string; partition: number; offset: number };
    outcome: 'pending' | 'accepted' | 'dead_lettered';
    dead_letter: { id: number; reason: string } | null;
  } | null;
  redrive_of: { topic: string; partition: number; offset: number; id: number | null } | null;
}

interface ApiList {
  dead_letters: ApiDeadLetter[];
  next_before: number | null;
  reasons: { reason: string; count: number }[];
  total: number;
}

const euroSale = (i: number): SaleJson =>
  sale({
    event_id: `eur-${i}`,
    order_id: `ORD-EUR-${i}`,
    currency: 'EUR',
    occurred_at: `2026-02-10T09:${String(10 + i).padStart(2, '0')}:00Z`,
    lines: [
      { sku: 'SKU-EU', name: 'Espresso Cup', category: 'Home', quantity: i, unit_price_cents: 1500, discount_cents: 0 },
    ],
  });
const EURO_SALES = [1, 2, 3, 4].map(euroSale);
const EURO_REVENUE = EURO_SALES.reduce((n, e) => n + (e.lines[0]?.quantity ?? 0) * 1500, 0);
const LONG_TEXT = `not json: ${'x'.repeat(5000)}`;

const MALFORMED: Sent[] = [
  { name: 'truncated JSON', key: 'bad-json', value: Buffer.from('{"event_id": "x", '), reason: 'invalid_json' },
  { name: 'long text', key: 'bad-long', value: Buffer.from(LONG_TEXT), reason: 'invalid_json' },
  { name: 'not UTF-8', key: 'bad-utf8', value: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), reason: 'invalid_utf8' },
  { name: 'an array', key: 'bad-array', value: bytes([1, 2, 3]), reason: 'not_an_object' },
  { name: 'empty', key: 'bad-empty', value: null, reason: 'empty_message' },
  {
    // Without a currency it stays invalid whatever REPORTING_CURRENCY says.
    name: 'no currency',
    key: 'bad-currency',
    value: bytes({ ...sale({ event_id: 'bad-currency' }), currency: undefined }),
    reason: 'missing_field',
  },
  {
    name: 'a return',
    key: null,
    value: bytes(sale({ event_id: 'bad-type', type: 'return' })),
    reason: 'unknown_type',
  },
];

describe('dead letters: list, config change, re-drive (real Kafka, Postgres, worker, web)', () => {
  let stack: SalesStack;
  let env: Record<string, string>;
  let worker: Managed | null = null;
  let web: Managed | null = null;
  let openWeb: Managed | null = null;
  const sent: Sent[] = [];
  const validUsd = [1, 2, 3].map((i) =>
    sale({ event_id: `usd-${i}`, order_id: `ORD-USD-${i}`, occurred_at: `2026-02-10T09:0${i}:00Z` }),
  );

  // Reading as the test admin; re-driving with the ops token, as a script would, unless told otherwise.
  const admin = webClient(webUrl(PORT));
  const list = async (qs = ''): Promise<ApiList> => {
    const res = await admin.fetch(`/api/v1/dead-letters${qs ? `?${qs}` : ''}`);
    expect(res.status, qs).toBe(200);
    return (await res.json()) as ApiList;
  };
  /** Re-drive with the bearer `token`, or with the admin's session of the server on `port` for 'session', or anonymously for null. */
  const redrive = async (ids: unknown, token: string | 'session' | null = OPS_TOKEN, port = PORT) =>
    fetch(`${webUrl(port)}/api/v1/dead-letters/redrive`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === 'session'
          ? await webClient(webUrl(port)).headers()
          : token
            ? { authorization: `Bearer ${token}` }
            : {}),
      },
      body: typeof ids === 'string' ? ids : JSON.stringify({ ids }),
    });
  const overview = async () =>
    (await (await admin.fetch(`/api/v1/overview?${WINDOW}`)).json()) as {
      totals: { revenue_cents: number; orders: number };
    };

  /** One message per send, so the acknowledgement gives its exact partition and offset. */
  async function produceOne(message: Sent): Promise<void> {
    const [ack] = await stack.producer.send({
      topic: stack.topic,
      messages: [{ key: message.key, value: message.value }],
    });
    message.partition = ack?.partition;
    message.offset = Number(ack?.baseOffset);
    sent.push(message);
  }

  async function restartWorker(currency: string, name: string): Promise<void> {
    await worker?.stop();
    worker = startWorker({ ...env, REPORTING_CURRENCY: currency }, name);
  }

  beforeAll(async () => {
    stack = await createSalesStack('pulse_it_dlq', 3);
    env = { ...stack.env, REPORTING_CURRENCY: 'USD' };
    // Poison first, valid sales after it: the worker must not stall on the poison.
    for (const m of MALFORMED) await produceOne({ ...m });
    for (const e of EURO_SALES) {
      await produceOne({ name: e.event_id, key: e.order_id, value: bytes(e), reason: 'currency_mismatch' });
    }
    await stack.producer.send({
      topic: stack.topic,
      messages: validUsd.map((e) => ({ key: e.order_id, value: bytes(e) })),
    });
    worker = startWorker(env, 'dlq-worker-usd');
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    [web, openWeb] = await Promise.all([
      startWeb({ ...env, OPS_TOKEN }, PORT),
      // The same server without OPS_TOKEN: only an admin's session opens ops actions there.
      startWeb(env, OPEN_PORT),
    ]);
  });

  afterAll(async () => {
    await Promise.all([worker?.stop('SIGKILL'), web?.stop(), openWeb?.stop()]);
    await stack?.stop();
  });

  it('lists every rejected message with its reason, source, key and preview, newest first', async () => {
    const body = await list('limit=200');
    expect(body.total).toBe(sent.length);
    expect(body.next_before).toBeNull();
    // Newest first by the time each was rejected, the id breaking ties.
    const order = body.dead_letters.map((d) => ({ at: Date.parse(d.received_at), id: d.id }));
    expect(order).toEqual([...order].sort((a, b) => b.at - a.at || b.id - a.id));

    const expectedCounts = new Map<string, number>();
    for (const m of sent) expectedCounts.set(m.reason, (expectedCounts.get(m.reason) ?? 0) + 1);
    expect(Object.fromEntries(body.reasons.map((r) => [r.reason, r.count]))).toEqual(
      Object.fromEntries(expectedCounts),
    );
    expect(body.reasons[0]).toEqual({ reason: 'currency_mismatch', count: 4 }); // most frequent first

    for (const m of sent) {
      const found = body.dead_letters.find(
        (d) => d.source.partition === m.partition && d.source.offset === m.offset,
      ) as ApiDeadLetter;
      expect(found, m.name).toBeDefined();
      expect(found.reason, m.name).toBe(m.reason);
      expect(found.source.topic).toBe(stack.topic);
      expect(found.key).toBe(m.key);
      expect(found.detail.length, m.name).toBeGreaterThan(0);
      expect(found.size).toBe(m.value?.length ?? 0);
      expect(found.redrive).toBeNull();
      expect(found.redrive_of).toBeNull();
      expect(Date.parse(found.received_at)).toBeGreaterThan(Date.now() - 600_000);
      if (m.name === 'not UTF-8')
        expect(found.preview).toEqual({ encoding: 'hex', text: '7b c3 28 7d', truncated: false });
      else if (m.name === 'long text') {
        expect(found.preview.encoding).toBe('utf8');
        expect(found.preview.truncated).toBe(true);
        expect(found.preview.text).toBe(LONG_TEXT.slice(0, 1024));
      } else {
        expect(found.preview).toEqual({ encoding: 'utf8', text: m.value?.toString('utf8') ?? '', truncated: false });
      }
    }
    // The valid sales after the poison were counted.
    expect((await overview()).totals.orders).toBe(validUsd.length);
  });

  it('filters by reason and pages with the cursor', async () => {
    const currency = await list('reason=currency_mismatch');
    expect(currency.dead_letters.map((d) => d.reason)).toEqual(Array(4).fill('currency_mismatch'));
    expect(currency.total).toBe(sent.length); // counts ignore the filter: they feed the chips
    expect((await list('reason=no_such_reason')).dead_letters).toEqual([]);

    const all = (await list('limit=200')).dead_letters.map((d) => d.id);
    const paged: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const page: ApiList = await list(`limit=3${cursor === null ? '' : `&before=${cursor}`}`);
      expect(page.dead_letters.length).toBeLessThanOrEqual(3);
      paged.push(...page.dead_letters.map((d) => d.id));
      cursor = page.next_before;
      pages += 1;
    } while (cursor !== null && pages < 20);
    expect(paged).toEqual(all);
    expect(pages).toBe(Math.ceil(sent.length / 3));

    const filteredPage = await list('reason=invalid_json&limit=1');
    expect(filteredPage.dead_letters).toHaveLength(1);
    const rest = await list(`reason=invalid_json&limit=1&before=${filteredPage.next_before}`);
    expect(rest.dead_letters.map((d) => d.reason)).toEqual(['invalid_json']);
    expect(rest.next_before).toBeNull();
  });

  it('answers bad parameters with 400 naming them', async () => {
    for (const [qs, param] of [
      ['limit=0', 'limit'],
      ['limit=500', 'limit'],
      ['limit=abc', 'limit'],
      ['before=-1', 'before'],
      ['before=x', 'before'],
      ['reason=DROP%20TABLE', 'reason'],
      ['reason=a&reason=b', 'reason'],
    ]) {
      const res = await admin.fetch(`/api/v1/dead-letters?${qs}`);
      expect(res.status, qs).toBe(400);
      const body = (await res.json()) as { error: { code: string; param: string; message: string } };
      expect(body.error.code).toBe('invalid_parameter');
      expect(body.error.param, qs).toBe(param);
      expect(body.error.message).toContain(param as string);
    }
  });

  it('refuses re-drive and the list without a session or the right token; no token at all where OPS_TOKEN is not set', async () => {
    const id = (await list('limit=1')).dead_letters[0]?.id;
    for (const port of [PORT, OPEN_PORT]) {
      for (const token of [null, 'wrong-token-wrong-token']) {
        const res = await redrive([id], token, port);
        expect(res.status, `${port} ${token}`).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      }
      // Reading the dead letters needs the same.
      const anonymous = await fetch(`${webUrl(port)}/api/v1/dead-letters`);
      expect(anonymous.status).toBe(401);
    }
    // Without OPS_TOKEN no bearer token is right, not even another server's.
    const off = await redrive([id], OPS_TOKEN, OPEN_PORT);
    expect(off.status).toBe(401);
    expect(((await off.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    // An admin's session opens both, OPS_TOKEN or not (an id that does not exist: nothing moves).
    for (const port of [PORT, OPEN_PORT]) {
      const res = await redrive([999_999], 'session', port);
      expect(res.status, String(port)).toBe(200);
      expect(((await res.json()) as { results: unknown[] }).results).toEqual([{ id: 999_999, status: 'not_found' }]);
      expect((await webClient(webUrl(port)).fetch('/api/v1/dead-letters')).status).toBe(200);
    }
    // A signed-in viewer is no admin: 403 for both.
    const viewer = { email: 'viewer@pulse.test', password: 'viewer-password-0123', role: 'viewer' } as const;
    await createTestUser(stack.db, viewer);
    const cookie = await signIn(webUrl(PORT), viewer.email, viewer.password);
    const asViewer = await fetch(`${webUrl(PORT)}/api/v1/dead-letters/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ ids: [id] }),
    });
    expect(asViewer.status).toBe(403);
    expect(((await asViewer.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await fetch(`${webUrl(PORT)}/api/v1/dead-letters`, { headers: { cookie } })).status).toBe(403);
    // Nothing was re-driven.
    const rows = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letter WHERE redrive_count > 0');
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('validates the re-drive body (after the token)', async () => {
    for (const [body, param] of [
      ['{"ids": [1', 'body'],
      [JSON.stringify({ ids: [] }), 'ids'],
      [JSON.stringify({ ids: ['one'] }), 'ids'],
      [JSON.stringify({ ids: Array.from({ length: 101 }, (_, i) => i + 1) }), 'ids'],
      [JSON.stringify([1, 2]), 'body'],
    ]) {
      const res = await redrive(body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param, body).toBe(param);
    }
  });

  it('after the worker switches to EUR, re-driven EUR sales count exactly once, however often', async () => {
    await restartWorker('EUR', 'dlq-worker-eur');
    const currency = (await list('reason=currency_mismatch')).dead_letters;
    const ids = currency.map((d) => d.id);
    const before = await overview();

    const first = await redrive([...ids, 999_999]);
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as {
      topic: string;
      results: { id: number; status: string; to?: { topic: string; partition: number; offset: number } }[];
    };
    expect(firstBody.topic).toBe(stack.topic);
    expect(firstBody.results.map((r) => [r.id, r.status])).toEqual([
      ...ids.map((id) => [id, 'redriven']),
      [999_999, 'not_found'],
    ]);
    for (const r of firstBody.results.slice(0, 4)) {
      // Back to the topic, in the partition the original was read from.
      expect(r.to?.topic).toBe(stack.topic);
      expect(r.to?.partition).toBe(currency.find((d) => d.id === r.id)?.source.partition);
    }

    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    const once = await overview();
    expect(once.totals.orders).toBe(before.totals.orders + EURO_SALES.length);
    expect(once.totals.revenue_cents).toBe(before.totals.revenue_cents + EURO_REVENUE);

    // Again: the worker drops them as duplicates (same event ids).
    const second = (await (await redrive(ids)).json()) as { results: { status: string }[] };
    expect(second.results.map((r) => r.status)).toEqual(Array(4).fill('redriven'));
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    expect((await overview()).totals).toEqual(once.totals);

    const after = await list('reason=currency_mismatch');
    expect(after.dead_letters).toHaveLength(4); // none dead-lettered again
    for (const d of after.dead_letters) {
      expect(d.redrive?.count).toBe(2);
      expect(d.redrive?.outcome).toBe('accepted');
      expect(d.redrive?.dead_letter).toBeNull();
    }
    const counted = await stack.db.query<{ event_id: string }>(
      "SELECT event_id FROM processed_event WHERE event_id LIKE 'eur-%' ORDER BY event_id",
    );
    expect(counted.map((r) => r.event_id)).toEqual(EURO_SALES.map((e) => e.event_id).sort());
  });

  it('re-drives the original key and bytes with origin headers; malformed ones come back as new dead letters', async () => {
    const malformed = (await list('limit=200')).dead_letters.filter((d) => d.reason !== 'currency_mismatch');
    const totalBefore = (await list()).total;
    const res = (await (await redrive(malformed.map((d) => d.id))).json()) as {
      results: { id: number; status: string; to: { partition: number; offset: number } }[];
    };
    expect(res.results.every((r) => r.status === 'redriven')).toBe(true);
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);

    const now = await list('limit=200');
    expect(now.total).toBe(totalBefore + malformed.length);
    for (const original of malformed) {
      const result = res.results.find((r) => r.id === original.id) as (typeof res.results)[number];
      const copy = now.dead_letters.find(
        (d) => d.source.partition === result.to.partition && d.source.offset === result.to.offset,
      ) as ApiDeadLetter;
      expect(result.to.partition).toBe(original.source.partition);
      expect(copy, original.reason).toBeDefined();
      expect(copy.reason).toBe(original.reason);
      expect(copy.key).toBe(original.key);
      expect(copy.size).toBe(original.size);
      expect(copy.redrive_of).toEqual({ ...original.source, id: original.id });
      const updated = now.dead_letters.find((d) => d.id === original.id) as ApiDeadLetter;
      expect(updated.redrive?.outcome).toBe('dead_lettered');
      expect(updated.redrive?.dead_letter).toEqual({ id: copy.id, reason: original.reason });
      const bytesEqual = await stack.db.query<{ same: boolean }>(
        'SELECT a.payload = b.payload AS same FROM dead_letter a, dead_letter b WHERE a.id = $1 AND b.id = $2',
        [original.id, copy.id],
      );
      expect(bytesEqual[0]?.same, original.reason).toBe(true);
    }

    // On the topic: the original key and bytes, and where they came from.
    const reader = stack.kafka.consumer({ groupId: uniqueName('it-dlq-reader') });
    const copies: { key: string | null; value: Buffer | null; headers: Record<string, string> }[] = [];
    await reader.connect();
    await reader.subscribe({ topic: stack.topic, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (!message.headers?.['x-redrive-of']) return;
        const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, String(v)]));
        copies.push({ key: message.key?.toString() ?? null, value: message.value, headers });
      },
    });
    await waitFor('re-driven copies on the sales topic', async () => copies.length >= 8 + malformed.length, 60_000);
    await reader.disconnect();
    const json = sent.find((m) => m.name === 'truncated JSON') as Sent;
    const copy = copies.find((c) => c.headers['x-redrive-of'] === `${stack.topic}/${json.partition}/${json.offset}`);
    expect(copy?.key).toBe(json.key);
    expect(copy?.value?.equals(json.value as Buffer)).toBe(true);
    expect(Date.parse(copy?.headers['x-redriven-at'] ?? '')).toBeGreaterThan(Date.now() - 600_000);
  });
});
