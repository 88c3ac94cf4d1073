// The served OpenAPI document against reality: a real worker counts a few sales (and rejects one
// message), a real web server answers, and every documented GET answer is validated with Ajv
// against the schema the served document gives for it. The document is generated from the
// contract's zod schemas; this checks that those schemas describe what the queries return, and
// that the admin API takes the bodies the document describes and answers as it says.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, sale } from '@/tests/support/events';
import { documentValidator, type OpenApiDocument, requestBodyAt, responseAt } from '@/tests/support/openapi';
import {
  createSalesStack,
  type SalesStack,
  startWeb,
  startWorker,
  waitFor,
  waitUntilConsumed,
  webClient,
  webUrl,
} from '@/tests/support/stack';

const WEB_PORT = 3640 + (process.pid % 40);
const admin = webClient(webUrl(WEB_PORT));
const WINDOW = 'from=2026-03-01T09:00:00Z&to=2026-03-01T12:00:00Z';

const sales = [
  sale({ event_id: 'oc-1', order_id: 'oc-o1' }),
  sale({
    event_id: 'oc-2',
    order_id: 'oc-o2',
    occurred_at: '2026-03-01T10:40:00Z',
    store_id: 'PAR-01',
    region: 'eu-west',
    channel: 'app',
    customer: { id: null, age: null, gender: 'undisclosed', loyalty_tier: 'none', first_order: true },
    lines: [
      { sku: 'SKU-1', name: 'Mug', category: 'Home', quantity: 1, unit_price_cents: 1250 },
      { sku: 'SKU-2', name: 'Hoodie', category: 'Apparel', quantity: 3, unit_price_cents: 4000, discount_cents: 100 },
    ],
  }),
  sale({ event_id: 'oc-3', type: 'refund', order_id: 'oc-o1', occurred_at: '2026-03-01T11:05:00Z' }),
];

let stack: SalesStack;
let worker: Managed | undefined;
let web: Managed | undefined;
let doc: OpenApiDocument;
let validator: ReturnType<typeof documentValidator>;

/** GET `path` as the admin: status 200, and its JSON body. */
async function getJson(path: string): Promise<unknown> {
  const res = await admin.fetch(path);
  const text = await res.text();
  expect(res.status, `${path}: ${text}`).toBe(200);
  return JSON.parse(text);
}

/** The live answer of `path` conforms to what the document says `route` answers with 200. */
async function expectConforming(route: string, path: string): Promise<unknown> {
  const body = await getJson(path);
  const validate = validator(responseAt(route, 'get', '200'));
  expect(validate(body), `${path}: ${JSON.stringify(validate.errors, null, 1)}`).toBe(true);
  return body;
}

/**
 * `method path` with a `body` the document accepts for `route` (none for a body-less request):
 * its answer conforms to what the document says of its status. The status.
 */
async function expectChange(route: string, method: string, path: string, body: unknown): Promise<number> {
  if (body !== undefined) {
    const accepts = validator(requestBodyAt(route, method));
    expect(accepts(body), `${method} ${route}: ${JSON.stringify(accepts.errors)}`).toBe(true);
  }
  const res = await admin.fetch(path, {
    method: method.toUpperCase(),
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  const validate = validator(responseAt(route, method, String(res.status)));
  expect(validate(JSON.parse(text)), `${method} ${path}: ${JSON.stringify(validate.errors, null, 1)}`).toBe(true);
  return res.status;
}

describe('OpenAPI conformance of live answers', () => {
  beforeAll(async () => {
    stack = await createSalesStack('pulse_openapi', 2);
    await stack.producer.send({
      topic: stack.topic,
      messages: [
        ...sales.map((e) => ({ key: e.order_id, value: bytes(e) })),
        { key: 'broken', value: bytes('{"event_id": ') },
      ],
    });
    worker = startWorker(stack.env, 'worker-openapi');
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    web = await startWeb(stack.env, WEB_PORT);
    doc = (await getJson('/api/v1/openapi.json')) as OpenApiDocument;
    validator = documentValidator(doc);
  }, 180_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await web?.stop();
    await stack?.producer.disconnect();
    await stack?.db.drop();
  });

  it('serves an OpenAPI 3.1 document whose schemas all compile', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const name of Object.keys(doc.components.schemas)) validator(['components', 'schemas', name]);
  });

  it.each([
    WINDOW,
    `${WINDOW}&granularity=hour&tz=Europe/Paris`,
    `${WINDOW}&store=PAR-01&store=NYC-01&channel=app&top=25&top_by=units`,
    `${WINDOW}&category=Apparel&region=eu-west`,
    'range=today&tz=Asia/Tokyo',
    `${WINDOW}&store=NO-SUCH-STORE`,
  ])('GET /api/v1/overview?%s', async (qs) => {
    await expectConforming('/api/v1/overview', `/api/v1/overview?${qs}`);
  });

  it('GET /api/v1/overview counts what was produced (the answers are not empty)', async () => {
    const overview = (await getJson(`/api/v1/overview?${WINDOW}`)) as { totals: { orders: number } };
    expect(overview.totals.orders).toBe(2);
  });

  it.each([WINDOW, `${WINDOW}&channel=app&granularity=minute`])('GET /api/v1/products/{sku}?%s', async (qs) => {
    await expectConforming('/api/v1/products/{sku}', `/api/v1/products/SKU-1?${qs}`);
  });

  it('GET /api/v1/products/{sku} of an unknown product answers the documented error', async () => {
    const res = await admin.fetch(`/api/v1/products/NO-SUCH-SKU?${WINDOW}`);
    expect(res.status).toBe(404);
    const validate = validator(responseAt('/api/v1/products/{sku}', 'get', '404'));
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('GET /api/v1/products?q= finds by SKU or name, and a missing q answers the documented error', async () => {
    const bySku = (await expectConforming('/api/v1/products', '/api/v1/products?q=sku-')) as {
      products: { sku: string }[];
    };
    expect(bySku.products.map((p) => p.sku).sort()).toEqual(['SKU-1', 'SKU-2']);
    const byName = (await expectConforming('/api/v1/products', '/api/v1/products?q=HOOD')) as {
      products: { sku: string }[];
    };
    expect(byName.products.map((p) => p.sku)).toEqual(['SKU-2']);
    const res = await admin.fetch('/api/v1/products');
    expect(res.status).toBe(400);
    const validate = validator(responseAt('/api/v1/products', 'get', '400'));
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('GET /api/v1/inventory (no inventory worker here: tests/integration/inventory.test.ts checks rows) and its documented 400', async () => {
    const inventory = (await expectConforming('/api/v1/inventory', '/api/v1/inventory?low=true&sort=sku')) as {
      rows: unknown[];
    };
    expect(inventory.rows).toEqual([]);
    const res = await admin.fetch('/api/v1/inventory?sort=price');
    expect(res.status).toBe(400);
    const validate = validator(responseAt('/api/v1/inventory', 'get', '400'));
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('GET /api/v1/inventory/history and its documented 400', async () => {
    const history = (await expectConforming(
      '/api/v1/inventory/history',
      '/api/v1/inventory/history?sku=SKU-EU&range=24h',
    )) as { at: string[]; stores: unknown[] };
    expect(history.at).toHaveLength(96);
    expect(history.stores).toEqual([]);
    const res = await admin.fetch('/api/v1/inventory/history?sku=SKU-EU&range=1y');
    expect(res.status).toBe(400);
    const validate = validator(responseAt('/api/v1/inventory/history', 'get', '400'));
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('GET /api/v1/alerts (episodes and actions: tests/integration/alerts-api.test.ts) and its documented 400, 404', async () => {
    const alerts = (await expectConforming('/api/v1/alerts', '/api/v1/alerts?state=all&kind=restock')) as {
      episodes: unknown[];
    };
    expect(alerts.episodes).toEqual([]);
    const bad = await admin.fetch('/api/v1/alerts?state=closed');
    expect(bad.status).toBe(400);
    const validate = validator(responseAt('/api/v1/alerts', 'get', '400'));
    expect(validate(await bad.json()), JSON.stringify(validate.errors)).toBe(true);
    const missing = await admin.fetch('/api/v1/alerts/999999/snooze', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ minutes: 15 }),
    });
    expect(missing.status).toBe(404);
    const notFound = validator(responseAt('/api/v1/alerts/{id}/snooze', 'post', '404'));
    expect(notFound(await missing.json()), JSON.stringify(notFound.errors)).toBe(true);
  });

  it('GET /api/v1/filters', async () => {
    await expectConforming('/api/v1/filters', '/api/v1/filters');
  });

  it('GET /api/v1/dead-letters', async () => {
    await waitFor(
      'the rejected message as a dead letter',
      async () => {
        const list = (await getJson('/api/v1/dead-letters')) as { total: number };
        return list.total > 0;
      },
      60_000,
    );
    const list = (await expectConforming('/api/v1/dead-letters', '/api/v1/dead-letters?limit=1')) as {
      dead_letters: unknown[];
    };
    expect(list.dead_letters).toHaveLength(1);
    await expectConforming('/api/v1/dead-letters', '/api/v1/dead-letters?reason=invalid_json');
  });

  it.each(['/api/v1/admin/users', '/api/v1/admin/embeds', '/api/v1/admin/embed-keys', '/api/v1/admin/alert-rules'])(
    'GET %s',
    async (route) => {
      await expectConforming(route, route);
    },
  );

  it.each([
    [
      '/api/v1/admin/users',
      'post',
      '/api/v1/admin/users',
      {
        email: 'Conformance@Example.com',
        role: 'viewer',
        password: 'a-long-enough-password',
        scope: { stores: ['PAR-01'] },
      },
    ],
    [
      '/api/v1/admin/embeds',
      'post',
      '/api/v1/admin/embeds',
      {
        name: 'Conformance',
        view: 'store',
        target: 'PAR-01',
        locked: { store: ['PAR-01'] },
        defaults: { range: '24h', tz: 'Europe/Paris' },
        accent: '#FF0066',
      },
    ],
    ['/api/v1/admin/embed-keys', 'post', '/api/v1/admin/embed-keys', undefined],
    [
      '/api/v1/admin/alert-rules',
      'post',
      '/api/v1/admin/alert-rules',
      { name: 'Conformance', metric: 'on_hand', scope_kind: 'store', scope_value: 'PAR-01', threshold: 3 },
    ],
  ])('%s %s: a documented body, a documented answer', async (route, method, path, body) => {
    const status = await expectChange(route, method, path, body);
    expect(status).toBe(201);
  });

  it('PATCH answers of users and embeds conform', async () => {
    const users = (await getJson('/api/v1/admin/users')) as { users: { id: string; email: string }[] };
    const user = users.users.find((u) => u.email === 'conformance@example.com');
    const embeds = (await getJson('/api/v1/admin/embeds')) as { embeds: { id: string }[] };
    expect(user).toBeDefined();
    expect(embeds.embeds.length).toBeGreaterThan(0);
    await expectChange('/api/v1/admin/users/{id}', 'patch', `/api/v1/admin/users/${user?.id}`, {
      name: 'Conformance',
      disabled: true,
    });
    await expectChange('/api/v1/admin/embeds/{id}', 'patch', `/api/v1/admin/embeds/${embeds.embeds[0]?.id}`, {
      revoked: true,
      links: 'new_tab',
    });
  });

  it('PATCH and DELETE of an alert rule conform; a refused rule answers the documented error', async () => {
    const { rules } = (await getJson('/api/v1/admin/alert-rules')) as { rules: { id: string; name: string }[] };
    const rule = rules.find((r) => r.name === 'Conformance');
    expect(rule).toBeDefined();
    const path = `/api/v1/admin/alert-rules/${rule?.id}`;
    await expectChange('/api/v1/admin/alert-rules/{id}', 'patch', path, { threshold: 7.5, enabled: false });
    const res = await admin.fetch(path, { method: 'DELETE' });
    expect(res.status).toBe(204);
    const body = { name: 'Low', metric: 'low_stock', threshold: 2 };
    const refused = await admin.fetch('/api/v1/admin/alert-rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(refused.status).toBe(400);
    const validate = validator(responseAt('/api/v1/admin/alert-rules', 'post', '400'));
    expect(validate(await refused.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a refused admin body answers the documented error', async () => {
    const body = { email: 'x@example.com', role: 'owner', password: 'a-long-enough-password' };
    const res = await admin.fetch('/api/v1/admin/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(validator(requestBodyAt('/api/v1/admin/users', 'post'))(body)).toBe(false);
    const validate = validator(responseAt('/api/v1/admin/users', 'post', '400'));
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a 400 answers the documented error', async () => {
    const res = await admin.fetch('/api/v1/overview?tz=Mars/Olympus');
    expect(res.status).toBe(400);
    const validate = validator(responseAt('/api/v1/overview', 'get', '400'));
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('GET /api/v1/export answers CSV for every documented tile', async () => {
    const tiles = doc.paths['/api/v1/export']?.get?.parameters?.find((p) => p.name === 'tile') as
      | { schema: { enum: string[] } }
      | undefined;
    expect(tiles?.schema.enum.length).toBeGreaterThan(0);
    for (const tile of tiles?.schema.enum ?? []) {
      const res = await admin.fetch(`/api/v1/export?tile=${tile}&${WINDOW}`);
      expect(res.status, tile).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="pulse-${tile}-`));
      expect((await res.text()).length).toBeGreaterThan(0);
    }
  });
});
