// Admin → Webhooks against a real web process (production build) and real PostgreSQL: create
// (the secret made by Pulse, shown once), change, disable, rotate, delete; "send test" POSTs a
// signed webhook.test body to a real local receiver (node:http) that checks the signature; the
// delivery log shows real deliveries (written by enqueueActions, POSTed by the deliverer) with
// every try. Bad input is a 400 naming the field; only admins get in (401 anonymous, 403
// viewers, merchandisers and foreign origins). Answers conform to the OpenAPI document.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_HEADERS } from '@/lib/contract/actions';
import { createPrisma } from '@/lib/db';
import { verifyWebhookSignature } from '@/lib/domain/webhooks';
import { logger } from '@/lib/logger';
import { type EpisodeRow, enqueueActions } from '@/lib/queries/actions/enqueue-action';
import type { Managed } from '@/scripts/lib/processes';
import { documentValidator, type OpenApiDocument, requestBodyAt, responseAt } from '@/tests/support/openapi';
import {
  createTestDatabase,
  createTestUser,
  signIn,
  startWeb,
  TEST_ADMIN,
  type TestDatabase,
  testTopic,
  waitFor,
  webEnv,
} from '@/tests/support/stack';
import { startWebhookDeliverer } from '@/workers/actions/webhooks';

const WEB_PORT = 3476;
const BASE = `http://127.0.0.1:${WEB_PORT}`;
const PASSWORD = 'a-long-enough-password';

interface Answer<T> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(
  cookie: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

interface Hook {
  id: string;
  name: string;
  url: string;
  types: string[];
  enabled: boolean;
  secret?: string;
  deliveries: { pending: number; delivered: number; failed: number };
  last_delivery_at: string | null;
}
interface Delivery {
  id: string;
  action_id: string;
  type: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  attempt_log: { attempt: number; status: number | null; error: string | null; duration_ms: number }[];
}
type ErrorBody = { error: { code: string; message: string; param?: string } };

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('admin: webhooks (real web process, real receiver)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let web: Managed | null = null;
  let admin: string;
  let receiver: Server;
  let receiverUrl: string;
  /** The receiver answers this status next (then 200 again). */
  let nextStatus = 200;
  const received: Received[] = [];
  let validator: ReturnType<typeof documentValidator>;

  beforeAll(async () => {
    db = await createTestDatabase('pulse_it_admin_webhooks');
    prisma = createPrisma(db.url, 4);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        const status = nextStatus;
        nextStatus = 200;
        res.writeHead(status).end(status === 200 ? 'ok' : 'down for maintenance');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pulse`;
    web = await startWeb({ ...webEnv(db.url, testTopic('it.admin.webhooks')), WEBHOOK_TIMEOUT_MS: '3000' }, WEB_PORT);
    admin = await signIn(BASE, TEST_ADMIN.email, TEST_ADMIN.password);
    await createTestUser(db, { email: 'viewer@pulse.test', password: PASSWORD, role: 'viewer' });
    await createTestUser(db, { email: 'merch@pulse.test', password: PASSWORD, role: 'merchandiser' });
    const doc = (await call<OpenApiDocument>(null, 'GET', '/api/v1/openapi.json')).body;
    validator = documentValidator(doc);
  });

  afterAll(async () => {
    await web?.stop();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await prisma?.$disconnect();
    await db?.drop();
  });

  /** The answer conforms to what the OpenAPI document says of `route`, `method` and its status. */
  function conforms(route: string, method: string, answer: Answer<unknown>, body?: unknown) {
    if (body !== undefined) expect(validator(requestBodyAt(route, method))(body), `${method} ${route} body`).toBe(true);
    const validate = validator(responseAt(route, method, String(answer.status)));
    expect(validate(answer.body), `${method} ${route}: ${JSON.stringify(validate.errors)}`).toBe(true);
  }

  const create = (body: Record<string, unknown>) =>
    call<{ webhook: Hook }>(admin, 'POST', '/api/v1/admin/webhooks', body);
  const deliveries = (id: string, query = '') =>
    call<{ deliveries: Delivery[] }>(admin, 'GET', `/api/v1/admin/webhooks/${id}/deliveries${query}`);

  it('creates a hook with a secret shown once; the list never holds it', async () => {
    const body = { name: 'Ordering', url: receiverUrl, types: ['alert.cleared', 'alert.opened', 'alert.opened'] };
    const created = await create(body);
    expect(created.status).toBe(201);
    conforms('/api/v1/admin/webhooks', 'post', created, body);
    const hook = created.body.webhook;
    expect(hook).toMatchObject({
      name: 'Ordering',
      url: receiverUrl,
      types: ['alert.opened', 'alert.cleared'],
      enabled: true,
      deliveries: { pending: 0, delivered: 0, failed: 0 },
      last_delivery_at: null,
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const list = await call<{ webhooks: Hook[] }>(admin, 'GET', '/api/v1/admin/webhooks');
    expect(list.status).toBe(200);
    conforms('/api/v1/admin/webhooks', 'get', list);
    expect(list.body.webhooks.map((h) => h.id)).toEqual([hook.id]);
    expect(JSON.stringify(list.body)).not.toContain(hook.secret);
    expect(list.body.webhooks.every((h) => !('secret' in h))).toBe(true);
  });

  it('refuses bad input with a 400 naming the field, and unknown ids with 404', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', url: 'ftp://example.com/hook' }, 'url'],
      [{ name: 'x', url: 'not a url' }, 'url'],
      [{ name: 'x', url: 'https://user:pw@example.com/hook' }, 'url'],
      [{ name: 'x', url: 'https://example.com/hook#frag' }, 'url'],
      [{ name: 'x', url: 'https://example.com/hook', types: ['alert.exploded'] }, 'types'],
      [{ name: 'x', url: 'https://example.com/hook', types: 'alert.opened' }, 'types'],
      [{ name: '  ', url: 'https://example.com/hook' }, 'name'],
      [{ name: 'x'.repeat(81), url: 'https://example.com/hook' }, 'name'],
      [{ name: 'x', url: 'https://example.com/hook', secret: 'mine' }, 'secret'],
      [{ url: 'https://example.com/hook' }, 'name'],
    ];
    for (const [body, param] of cases) {
      const res = await call<ErrorBody>(admin, 'POST', '/api/v1/admin/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatchObject({ code: 'invalid_parameter', param });
      conforms('/api/v1/admin/webhooks', 'post', res);
    }
    const notJson = await fetch(`${BASE}/api/v1/admin/webhooks`, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    const [hook] = (await call<{ webhooks: Hook[] }>(admin, 'GET', '/api/v1/admin/webhooks')).body.webhooks;
    const empty = await call<ErrorBody>(admin, 'PATCH', `/api/v1/admin/webhooks/${hook?.id}`, {});
    expect(empty.status).toBe(400);
    const badEnabled = await call<ErrorBody>(admin, 'PATCH', `/api/v1/admin/webhooks/${hook?.id}`, { enabled: 'yes' });
    expect(badEnabled.body.error.param).toBe('enabled');
    expect((await deliveries(hook?.id ?? '', '?status=lost')).status).toBe(400);
    expect(((await deliveries(hook?.id ?? '', '?limit=0')).body as unknown as ErrorBody).error.param).toBe('limit');
    expect(((await deliveries(hook?.id ?? '', '?since=1')).body as unknown as ErrorBody).error.param).toBe('since');
    for (const id of ['999999', 'abc', '0']) {
      expect((await call(admin, 'PATCH', `/api/v1/admin/webhooks/${id}`, { name: 'x' })).status).toBe(404);
      expect((await call(admin, 'POST', `/api/v1/admin/webhooks/${id}/test`)).status).toBe(404);
      expect((await call(admin, 'POST', `/api/v1/admin/webhooks/${id}/rotate-secret`)).status).toBe(404);
      expect((await deliveries(id)).status).toBe(404);
    }
  });

  it('refuses anonymous callers (401), viewers, merchandisers (403) and foreign origins (403)', async () => {
    const [hook] = (await call<{ webhooks: Hook[] }>(admin, 'GET', '/api/v1/admin/webhooks')).body.webhooks;
    const attempts: [string, string, unknown?][] = [
      ['GET', '/api/v1/admin/webhooks'],
      ['POST', '/api/v1/admin/webhooks', { name: 'evil', url: 'https://evil.example/hook' }],
      ['PATCH', `/api/v1/admin/webhooks/${hook?.id}`, { url: 'https://evil.example/hook' }],
      ['DELETE', `/api/v1/admin/webhooks/${hook?.id}`],
      ['POST', `/api/v1/admin/webhooks/${hook?.id}/rotate-secret`],
      ['GET', `/api/v1/admin/webhooks/${hook?.id}/deliveries`],
      ['POST', `/api/v1/admin/webhooks/${hook?.id}/test`],
    ];
    for (const [method, path, body] of attempts) {
      expect((await call(null, method, path, body)).status, `anonymous ${method} ${path}`).toBe(401);
    }
    for (const email of ['viewer@pulse.test', 'merch@pulse.test']) {
      const cookie = await signIn(BASE, email, PASSWORD);
      for (const [method, path, body] of attempts) {
        expect((await call(cookie, method, path, body)).status, `${email} ${method} ${path}`).toBe(403);
      }
      const page = await fetch(`${BASE}/admin/webhooks`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status, `${email} /admin/webhooks`).toBe(403);
    }
    const foreign = await call(admin, 'POST', '/api/v1/admin/webhooks', attempts[1]?.[2], {
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    const list = await call<{ webhooks: Hook[] }>(admin, 'GET', '/api/v1/admin/webhooks');
    expect(list.body.webhooks.map((h) => [h.name, h.url])).toEqual([['Ordering', receiverUrl]]);
    expect(received).toHaveLength(0);
  });

  it('sends a signed test, logs it, and signs with the new secret after a rotation', async () => {
    const created = await create({ name: 'Pricing', url: receiverUrl });
    const hook = created.body.webhook;
    const test = await call<{ delivery: Delivery }>(admin, 'POST', `/api/v1/admin/webhooks/${hook.id}/test`);
    expect(test.status).toBe(200);
    conforms('/api/v1/admin/webhooks/{id}/test', 'post', test);
    expect(test.body.delivery).toMatchObject({
      type: 'webhook.test',
      status: 'delivered',
      attempts: 1,
      last_status: 200,
    });
    expect(test.body.delivery.attempt_log).toMatchObject([{ attempt: 1, status: 200, error: null }]);
    const sent = received.at(-1) as Received;
    const verify = (secret: string, r: Received) =>
      verifyWebhookSignature(
        secret,
        String(r.headers[WEBHOOK_HEADERS.timestamp]),
        r.body,
        String(r.headers[WEBHOOK_HEADERS.signature]),
        60_000,
      );
    expect(verify(hook.secret ?? '', sent)).toBe(true);
    expect(sent.headers[WEBHOOK_HEADERS.actionType]).toBe('webhook.test');
    expect(sent.headers[WEBHOOK_HEADERS.actionId]).toBe(test.body.delivery.action_id);
    expect(JSON.parse(sent.body)).toMatchObject({ type: 'webhook.test', action_id: test.body.delivery.action_id });

    const rotated = await call<{ webhook: Hook }>(admin, 'POST', `/api/v1/admin/webhooks/${hook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    conforms('/api/v1/admin/webhooks/{id}/rotate-secret', 'post', rotated);
    const secret = rotated.body.webhook.secret ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(hook.secret);
    nextStatus = 503;
    const failed = await call<{ delivery: Delivery }>(admin, 'POST', `/api/v1/admin/webhooks/${hook.id}/test`);
    expect(failed.body.delivery).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_status: 503,
      last_error: 'HTTP 503: down for maintenance',
    });
    const after = received.at(-1) as Received;
    expect(verify(secret, after)).toBe(true);
    expect(verify(hook.secret ?? '', after)).toBe(false);

    const log = await deliveries(hook.id);
    conforms('/api/v1/admin/webhooks/{id}/deliveries', 'get', log);
    expect(log.body.deliveries.map((d) => d.status)).toEqual(['failed', 'delivered']);
    expect((await deliveries(hook.id, '?status=failed')).body.deliveries).toHaveLength(1);
    const list = await call<{ webhooks: Hook[] }>(admin, 'GET', '/api/v1/admin/webhooks');
    expect(list.body.webhooks.find((h) => h.id === hook.id)?.deliveries).toEqual({
      pending: 0,
      delivered: 1,
      failed: 1,
    });
  });

  it('logs real deliveries with every try; disabling, editing and deleting a hook', async () => {
    const list = (await call<{ webhooks: Hook[] }>(admin, 'GET', '/api/v1/admin/webhooks')).body.webhooks;
    const ordering = list.find((h) => h.name === 'Ordering') as Hook;
    const pricing = list.find((h) => h.name === 'Pricing') as Hook;
    const patch = { enabled: false };
    const off = await call<{ webhook: Hook }>(admin, 'PATCH', `/api/v1/admin/webhooks/${pricing.id}`, patch);
    expect(off.status).toBe(200);
    conforms('/api/v1/admin/webhooks/{id}', 'patch', off, patch);
    expect(off.body.webhook.enabled).toBe(false);

    // An alert as the application writes it: the outbox row and the deliveries in one transaction.
    const [episode] = await prisma.$queryRaw<EpisodeRow[]>`
      INSERT INTO alert_episode (kind, subject_key, store_id, sku, severity, opened_at)
      VALUES ('low_stock', 'S1|SKU-1', 'S1', 'SKU-1', 'warning', now())
      RETURNING id, kind, rule_id, NULL::text AS rule_name, subject_key, severity, store_id, sku, region, category,
        opened_at, cleared_at, details`;
    const [message] = await prisma.$transaction((tx) =>
      enqueueActions(tx, [
        { type: 'alert.opened', episode: episode as EpisodeRow, occurredAt: new Date() },
        { type: 'alert.acknowledged', episode: episode as EpisodeRow, occurredAt: new Date() },
      ]),
    );
    nextStatus = 500;
    const deliverer = startWebhookDeliverer({
      prisma,
      log: logger.child({ component: 'admin-webhooks-test' }),
      settings: { timeoutMs: 2000, maxAttempts: 3, backoffBaseMs: 100, backoffMaxMs: 1000, concurrency: 2, pollMs: 50 },
    });
    const log = await waitFor(
      'delivered',
      async () => {
        const res = await deliveries(ordering.id);
        return res.body.deliveries.length === 1 && res.body.deliveries[0]?.status === 'delivered' ? res : null;
      },
      30_000,
      100,
    );
    await deliverer.stop();
    conforms('/api/v1/admin/webhooks/{id}/deliveries', 'get', log);
    // Ordering takes alert.opened and alert.cleared only: the acknowledgement never reached it.
    expect(log.body.deliveries).toMatchObject([
      {
        action_id: message?.action_id,
        type: 'alert.opened',
        status: 'delivered',
        attempts: 2,
        last_status: 200,
        last_error: null,
      },
    ]);
    expect(log.body.deliveries[0]?.attempt_log).toMatchObject([
      { attempt: 1, status: 500, error: 'HTTP 500: down for maintenance' },
      { attempt: 2, status: 200, error: null },
    ]);
    // The disabled hook got no delivery at all (it was disabled when the actions were written).
    expect((await deliveries(pricing.id)).body.deliveries.map((d) => d.type)).toEqual(['webhook.test', 'webhook.test']);

    const edit = { name: 'Ordering (all)', url: `${receiverUrl}/v2`, types: [] };
    const edited = await call<{ webhook: Hook }>(admin, 'PATCH', `/api/v1/admin/webhooks/${ordering.id}`, edit);
    expect(edited.body.webhook).toMatchObject({ ...edit, enabled: true, deliveries: { delivered: 1 } });
    expect((await call(admin, 'DELETE', `/api/v1/admin/webhooks/${ordering.id}`)).status).toBe(204);
    expect((await call(admin, 'DELETE', `/api/v1/admin/webhooks/${ordering.id}`)).status).toBe(404);
    expect((await deliveries(ordering.id)).status).toBe(404);
    const rows = await db.query('SELECT 1 FROM webhook_delivery WHERE webhook_id = $1', [ordering.id]);
    expect(rows).toHaveLength(0);
  });

  it('serves /admin/webhooks to admins, with the admin tabs', async () => {
    const res = await fetch(`${BASE}/admin/webhooks`, { headers: { cookie: admin } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="admin-tab-webhooks"');
    expect(html).toContain('Pricing');
    expect(html).not.toMatch(/whsec_/);
  });
});
