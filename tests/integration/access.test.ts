// Who may do what, over the real web process (production build), worker, Kafka and PostgreSQL.
// One table gives the expected answer of every route (lib/web/auth/access-rules.ts) to nobody, a
// viewer, a merchandiser, an admin and the ops token; the test fails when a page or route
// under app/ has no rule, or a rule has no row here. Then scope: totals over the scope only,
// and no escape through query parameters, CSV export or socket subscriptions.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchRoute, ROUTE_RULES } from '@/lib/web/auth/access-rules';
import { hashPassword } from '@/lib/web/auth/password';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, sale } from '@/tests/support/events';
import {
  createSalesStack,
  type SalesStack,
  signIn,
  startWeb,
  startWorker,
  waitUntilConsumed,
} from '@/tests/support/stack';

const WEB_PORT = 3520 + (process.pid % 40);
const BASE = `http://127.0.0.1:${WEB_PORT}`;
const OPS_TOKEN = 'access-test-ops-token-0123456789';
const WINDOW = 'from=2026-02-01T10:00:00Z&to=2026-02-01T11:00:00Z';
const ADMIN = { email: 'root@access.test', password: 'admin-password-123' };
const VIEWER = { email: 'viewer@access.test', password: 'viewer-password-123' };
const MERCHANDISER = { email: 'merch@access.test', password: 'merch-password-123' };

type Who = 'anonymous' | 'viewer' | 'merchandiser' | 'admin' | 'ops';
const WHO: Who[] = ['anonymous', 'viewer', 'merchandiser', 'admin', 'ops'];

interface Row {
  /** A concrete request for the rule. */
  method?: string;
  url: string;
  body?: unknown;
  /** Expected status per principal; one number for all. */
  expect: Record<Who, number> | number;
}

const page = (signedIn: number, admin = signedIn): Record<Who, number> => ({
  anonymous: 303,
  viewer: signedIn,
  merchandiser: signedIn,
  admin,
  ops: 403,
});
const api = (viewer: number, merchandiser: number, admin: number, ops: number): Record<Who, number> => ({
  anonymous: 401,
  viewer,
  merchandiser,
  admin,
  ops,
});

/** Every rule of lib/web/auth/access-rules.ts, by its path pattern. */
const TABLE: Record<string, Row> = {
  '/signin': { url: '/signin', expect: { anonymous: 200, viewer: 307, merchandiser: 307, admin: 307, ops: 200 } },
  '/api/v1/auth/signin': {
    method: 'POST',
    url: '/api/v1/auth/signin',
    body: { email: 'x@y.z', password: 'wrong' },
    expect: 401,
  },
  '/api/v1/auth/signout': { method: 'POST', url: '/api/v1/auth/signout', body: {}, expect: 200 },
  '/api/v1/auth/oidc/start': { url: '/api/v1/auth/oidc/start', expect: 404 },
  '/api/v1/auth/oidc/callback': { url: '/api/v1/auth/oidc/callback', expect: 404 },
  '/api/v1/openapi.json': { url: '/api/v1/openapi.json', expect: 200 },
  '/_next/static/*': { url: '/_next/static/no-such-file.js', expect: 404 },
  '/healthz': { url: '/healthz', expect: 200 },
  '/readyz': { url: '/readyz', expect: 200 },
  '/socket.io/*': { url: '/socket.io/?EIO=4&transport=polling', expect: 200 },
  '/': { url: `/?${WINDOW}`, expect: page(200) },
  '/products/:sku': { url: `/products/SKU-EU?${WINDOW}`, expect: page(200) },
  '/stores/:id': { url: `/stores/PAR-01?${WINDOW}`, expect: page(200) },
  '/api/v1/overview': { url: `/api/v1/overview?${WINDOW}`, expect: api(200, 200, 200, 403) },
  '/api/v1/filters': { url: '/api/v1/filters', expect: api(200, 200, 200, 403) },
  '/api/v1/products': { url: '/api/v1/products?q=sku', expect: api(200, 200, 200, 403) },
  '/api/v1/products/:sku': { url: `/api/v1/products/SKU-EU?${WINDOW}`, expect: api(200, 200, 200, 403) },
  '/inventory': { url: '/inventory', expect: page(200) },
  '/api/v1/inventory': { url: '/api/v1/inventory', expect: api(200, 200, 200, 403) },
  '/api/v1/inventory/history': { url: '/api/v1/inventory/history?sku=SKU-EU', expect: api(200, 200, 200, 403) },
  '/alerts': { url: '/alerts', expect: page(200) },
  '/api/v1/alerts': { url: '/api/v1/alerts', expect: api(200, 200, 200, 403) },
  // Viewers only look; an episode that does not exist (or lies outside the scope) is not found.
  '/api/v1/alerts/:id/acknowledge': {
    method: 'POST',
    url: '/api/v1/alerts/999999/acknowledge',
    body: {},
    expect: api(403, 404, 404, 403),
  },
  '/api/v1/alerts/:id/snooze': {
    method: 'POST',
    url: '/api/v1/alerts/999999/snooze',
    body: { minutes: 15 },
    expect: api(403, 404, 404, 403),
  },
  '/api/v1/alerts/:id/accept': {
    method: 'POST',
    url: '/api/v1/alerts/999999/accept',
    body: {},
    expect: api(403, 404, 404, 403),
  },
  '/api/v1/alerts/:id/dismiss': {
    method: 'POST',
    url: '/api/v1/alerts/999999/dismiss',
    body: { note: 'not now' },
    expect: api(403, 404, 404, 403),
  },
  '/api/v1/export': { url: `/api/v1/export?tile=top_products&${WINDOW}`, expect: api(403, 200, 200, 403) },
  '/api/v1/products/:sku/export': {
    url: `/api/v1/products/SKU-EU/export?tile=stores&${WINDOW}`,
    expect: api(403, 200, 200, 403),
  },
  '/api/v1/views': { url: '/api/v1/views', expect: api(200, 200, 200, 403) },
  '/api/v1/views/:id': {
    method: 'PATCH',
    url: '/api/v1/views/999999',
    body: { name: 'x' },
    expect: api(404, 404, 404, 403),
  },
  '/embed/:embed': {
    url: '/embed/emb_none',
    expect: { anonymous: 401, viewer: 401, merchandiser: 401, admin: 401, ops: 401 },
  },
  '/embed/:embed/products/:sku': { url: '/embed/emb_none/products/SKU-EU', expect: 401 },
  '/embed/:embed/stores/:id': { url: '/embed/emb_none/stores/PAR-01', expect: 401 },
  '/ops/dead-letters': { url: '/ops/dead-letters', expect: { ...page(403, 200), ops: 403 } },
  '/api/v1/dead-letters': { url: '/api/v1/dead-letters', expect: api(403, 403, 200, 200) },
  '/api/v1/dead-letters/redrive': {
    method: 'POST',
    url: '/api/v1/dead-letters/redrive',
    body: { ids: [] },
    expect: api(403, 403, 400, 400),
  },
  '/metrics': { url: '/metrics', expect: api(403, 403, 200, 200) },
  '/admin': { url: '/admin', expect: { ...page(403, 307), ops: 403 } },
  '/admin/users': { url: '/admin/users', expect: { ...page(403, 200), ops: 403 } },
  '/admin/embeds': { url: '/admin/embeds', expect: { ...page(403, 200), ops: 403 } },
  '/admin/alerts': { url: '/admin/alerts', expect: { ...page(403, 200), ops: 403 } },
  '/admin/webhooks': { url: '/admin/webhooks', expect: { ...page(403, 200), ops: 403 } },
  '/api/v1/admin/users': { url: '/api/v1/admin/users', expect: api(403, 403, 200, 403) },
  '/api/v1/admin/users/:id': {
    method: 'PATCH',
    url: '/api/v1/admin/users/999999',
    body: { name: 'x' },
    expect: api(403, 403, 404, 403),
  },
  '/api/v1/admin/embeds': { url: '/api/v1/admin/embeds', expect: api(403, 403, 200, 403) },
  '/api/v1/admin/embeds/:id': {
    method: 'DELETE',
    url: '/api/v1/admin/embeds/emb_none',
    expect: api(403, 403, 404, 403),
  },
  '/api/v1/admin/embed-keys': { url: '/api/v1/admin/embed-keys', expect: api(403, 403, 200, 403) },
  '/api/v1/admin/alert-rules': { url: '/api/v1/admin/alert-rules', expect: api(403, 403, 200, 403) },
  '/api/v1/admin/alert-rules/:id': {
    method: 'PATCH',
    url: '/api/v1/admin/alert-rules/999999',
    body: { enabled: false },
    expect: api(403, 403, 404, 403),
  },
  '/api/v1/admin/embed-keys/:kid': {
    method: 'DELETE',
    url: '/api/v1/admin/embed-keys/none',
    expect: api(403, 403, 404, 403),
  },
  '/api/v1/admin/webhooks': { url: '/api/v1/admin/webhooks', expect: api(403, 403, 200, 403) },
  '/api/v1/admin/webhooks/:id': {
    method: 'PATCH',
    url: '/api/v1/admin/webhooks/999999',
    body: { name: 'x' },
    expect: api(403, 403, 404, 403),
  },
  '/api/v1/admin/webhooks/:id/rotate-secret': {
    method: 'POST',
    url: '/api/v1/admin/webhooks/999999/rotate-secret',
    expect: api(403, 403, 404, 403),
  },
  '/api/v1/admin/webhooks/:id/deliveries': {
    url: '/api/v1/admin/webhooks/999999/deliveries',
    expect: api(403, 403, 404, 403),
  },
  '/api/v1/admin/webhooks/:id/test': {
    method: 'POST',
    url: '/api/v1/admin/webhooks/999999/test',
    expect: api(403, 403, 404, 403),
  },
};

/** Next's routes under app/ as access-table patterns (`[sku]` → `:sku`). */
async function appRoutes(dir = 'app', prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const segment = entry.name.startsWith('(') ? '' : `/${entry.name.replace(/^\[(.+)\]$/, ':$1')}`;
      found.push(...(await appRoutes(path.join(dir, entry.name), `${prefix}${segment}`)));
    } else if (/^(page|route)\.tsx?$/.test(entry.name)) {
      found.push(prefix || '/');
    }
  }
  return found;
}

const cookies = new Map<Who, string>();

function headersOf(who: Who): Record<string, string> {
  if (who === 'ops') return { authorization: `Bearer ${OPS_TOKEN}` };
  const cookie = cookies.get(who);
  return cookie ? { cookie } : {};
}

async function call(who: Who, url: string, init: { method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = headersOf(who);
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${BASE}${url}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: 'manual',
  });
}

interface OverviewTotals {
  totals: { revenue_cents: number; orders: number; units: number };
}

async function totals(who: Who, query: string): Promise<OverviewTotals['totals']> {
  const res = await call(who, `/api/v1/overview?${WINDOW}${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as OverviewTotals).totals;
}

function socketFor(who: Who): Socket {
  return io(BASE, { transports: ['websocket'], extraHeaders: headersOf(who), reconnection: false, forceNew: true });
}

describe('access: who may use which route', () => {
  let stack: SalesStack;
  let worker: Managed;
  let web: Managed;
  let prisma: PrismaClient;

  beforeAll(async () => {
    stack = await createSalesStack('pulse_it_access', 2);
    const line = (sku: string, category: string, cents: number) => ({
      sku,
      name: sku,
      category,
      quantity: 1,
      unit_price_cents: cents,
      discount_cents: 0,
    });
    const events = [
      sale({
        event_id: 'a-1',
        order_id: 'o-1',
        occurred_at: '2026-02-01T10:05:00Z',
        store_id: 'PAR-01',
        region: 'eu',
        lines: [line('SKU-EU', 'Shoes', 1000)],
      }),
      sale({
        event_id: 'a-2',
        order_id: 'o-2',
        occurred_at: '2026-02-01T10:06:00Z',
        store_id: 'BER-01',
        region: 'eu',
        lines: [line('SKU-EU', 'Shoes', 2000), line('SKU-BAG', 'Bags', 500)],
      }),
      sale({
        event_id: 'a-3',
        order_id: 'o-3',
        occurred_at: '2026-02-01T10:07:00Z',
        store_id: 'NYC-01',
        region: 'us',
        lines: [line('SKU-US', 'Shoes', 7000)],
      }),
      sale({
        event_id: 'a-4',
        order_id: 'o-4',
        occurred_at: '2026-02-01T10:08:00Z',
        store_id: 'NYC-01',
        region: 'us',
        lines: [line('SKU-BAG', 'Bags', 300)],
      }),
    ];
    await stack.producer.send({
      topic: stack.topic,
      messages: events.map((e) => ({ key: e.order_id, value: bytes(e) })),
    });
    await stack.producer.send({ topic: stack.topic, messages: [{ key: 'bad', value: bytes('{"not":"a sale"}') }] });
    const env = {
      ...stack.env,
      OPS_TOKEN,
      PULSE_ADMIN_EMAIL: ADMIN.email,
      PULSE_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    };
    worker = startWorker(env, 'access-worker');
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    web = await startWeb(env, WEB_PORT);

    const { createPrisma } = await import('@/lib/db');
    prisma = createPrisma(stack.db.url, 2);
    await prisma.appUser.create({
      data: {
        email: VIEWER.email,
        role: 'viewer',
        passwordHash: await hashPassword(VIEWER.password),
        scopeRegions: ['eu'],
      },
    });
    await prisma.appUser.create({
      data: {
        email: MERCHANDISER.email,
        role: 'merchandiser',
        passwordHash: await hashPassword(MERCHANDISER.password),
        scopeCategories: ['Shoes'],
      },
    });
    cookies.set('admin', await signIn(BASE, ADMIN.email, ADMIN.password));
    cookies.set('viewer', await signIn(BASE, VIEWER.email, VIEWER.password));
    cookies.set('merchandiser', await signIn(BASE, MERCHANDISER.email, MERCHANDISER.password));
  }, 180_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await Promise.all([web?.stop(), worker?.stop()]);
    await stack?.stop();
  });

  it('has a rule for every page and route under app/, and a row here for every rule', async () => {
    const routes = await appRoutes();
    const missing = routes.filter((r) => matchRoute(r.replace(/:[^/]+/g, 'x'))?.rule.path !== r);
    expect(missing, 'routes under app/ without a rule in lib/web/auth/access-rules.ts').toEqual([]);
    const untested = ROUTE_RULES.map((r) => r.path).filter((p) => !(p in TABLE));
    expect(untested, 'rules without a row in this table').toEqual([]);
  });

  for (const [pattern, row] of Object.entries(TABLE)) {
    it(`${row.method ?? 'GET'} ${pattern}`, async () => {
      const got: Partial<Record<Who, number>> = {};
      const want: Partial<Record<Who, number>> = {};
      for (const who of WHO) {
        // Signing out would end the shared sessions: that one is checked anonymously and apart.
        if (pattern === '/api/v1/auth/signout' && who !== 'anonymous' && who !== 'ops') continue;
        got[who] = (await call(who, row.url, row)).status;
        want[who] = typeof row.expect === 'number' ? row.expect : row.expect[who];
      }
      expect(got).toEqual(want);
    });
  }

  it('paths without a rule need a signed-in user', async () => {
    expect((await call('anonymous', '/no-such-page')).status).toBe(303);
    expect((await call('anonymous', '/api/v1/no-such-route')).status).toBe(401);
    expect((await call('viewer', '/api/v1/no-such-route')).status).toBe(404);
  });

  it('computes totals over the scope only: a viewer of region eu sees what an admin sees for region=eu', async () => {
    const scoped = await totals('viewer', '');
    expect(scoped).toEqual(await totals('admin', '&region=eu'));
    expect(scoped.orders).toBe(2);
    expect(scoped.revenue_cents).toBe(3500);
    // A filter inside the scope narrows it.
    expect(await totals('viewer', '&store=PAR-01')).toMatchObject({ orders: 1, revenue_cents: 1000 });
    // The merchandiser's scope is the category Shoes.
    expect(await totals('merchandiser', '')).toEqual(await totals('admin', '&category=Shoes'));
  });

  it('refuses every escape from the scope: query parameters, store pages, products, CSV and filters', async () => {
    for (const url of [
      `/api/v1/overview?${WINDOW}&region=us`,
      `/api/v1/overview?${WINDOW}&region=eu&region=us`,
      `/api/v1/overview?${WINDOW}&store=NYC-01`,
      `/api/v1/products/SKU-US?${WINDOW}&store=NYC-01`,
      `/stores/NYC-01?${WINDOW}`,
      `/?${WINDOW}&region=us`,
    ]) {
      const res = await call('viewer', url);
      expect(res.status, url).toBe(403);
    }
    const body = (await (await call('viewer', `/api/v1/overview?${WINDOW}&region=us`)).json()) as {
      error: { code: string };
    };
    expect(body.error.code).toBe('outside_scope');
    // CSV: the merchandiser's export holds its categories only, and cannot name another.
    expect((await call('merchandiser', `/api/v1/export?tile=top_products&${WINDOW}&category=Bags`)).status).toBe(403);
    const csv = await (await call('merchandiser', `/api/v1/export?tile=top_products&${WINDOW}`)).text();
    expect(csv).toContain('SKU-EU');
    expect(csv).not.toContain('SKU-BAG');
    // The product search finds products of the merchandiser's categories only.
    const found = async (who: Who, q: string) =>
      ((await (await call(who, `/api/v1/products?q=${q}`)).json()) as { products: { sku: string }[] }).products
        .map((p) => p.sku)
        .sort();
    expect(await found('admin', 'sku-')).toEqual(['SKU-BAG', 'SKU-EU', 'SKU-US']);
    expect(await found('merchandiser', 'sku-')).toEqual(['SKU-EU', 'SKU-US']);
    expect(await found('merchandiser', 'BAG')).toEqual([]);
    expect((await call('merchandiser', '/api/v1/products?q=')).status).toBe(400);
    // A product of another category is not found; the filter bar lists the scope's values only.
    expect((await call('merchandiser', `/api/v1/products/SKU-BAG?${WINDOW}`)).status).toBe(404);
    const filters = (await (await call('viewer', '/api/v1/filters')).json()) as {
      stores: { id: string }[];
      regions: string[];
    };
    expect(filters.regions).toEqual(['eu']);
    expect(filters.stores.map((s) => s.id).sort()).toEqual(['BER-01', 'PAR-01']);
  });

  it('holds sockets to the same rules: nobody gets none, a scoped viewer gets scoped pushes and no escape', async () => {
    const anonymous = socketFor('anonymous');
    const refused = await new Promise<string>((resolve) => anonymous.once('connect_error', (e) => resolve(e.message)));
    expect(refused).toMatch(/sign in/);
    anonymous.close();

    const socket = socketFor('viewer');
    try {
      const [from, to] = [WINDOW.split('&')[0]?.slice(5), WINDOW.split('&')[1]?.slice(3)];
      const refusal = new Promise<{ code: string }>((resolve) => socket.once('overview:error', resolve));
      socket.emit('subscribe', { from, to, region: ['us'] });
      expect((await refusal).code).toBe('outside_scope');
      const pushed = new Promise<OverviewTotals>((resolve) =>
        socket.once('overview', (push: { data: OverviewTotals }) => resolve(push.data)),
      );
      socket.emit('subscribe', { from, to });
      expect((await pushed).totals).toEqual(await totals('admin', '&region=eu'));
    } finally {
      socket.close();
    }
  });

  it('signs out: the session ends on the server, not only in the browser', async () => {
    const cookie = await signIn(BASE, VIEWER.email, VIEWER.password);
    const res = await fetch(`${BASE}/api/v1/auth/signout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await fetch(`${BASE}/api/v1/filters`, { headers: { cookie } })).status).toBe(401);
  });

  it('sets session cookies httpOnly and SameSite, and refuses cross-site posts', async () => {
    const res = await fetch(`${BASE}/api/v1/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(VIEWER),
    });
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Lax/);
    expect(res.headers.get('set-cookie')).not.toMatch(/Secure/);
    const overHttps = await fetch(`${BASE}/api/v1/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify(VIEWER),
    });
    // Without WEB_TRUST_PROXY the header is not believed.
    expect(overHttps.headers.get('set-cookie')).not.toMatch(/Secure/);
    const forged = await fetch(`${BASE}/api/v1/dead-letters/redrive`, {
      method: 'POST',
      headers: { ...headersOf('admin'), origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{"ids":[]}',
    });
    expect(forged.status).toBe(403);
  });

  it('throttles wrong passwords per address and email with 429 and Retry-After', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${BASE}/api/v1/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@access.test', password: `guess-${i}-xxxxxxxx` }),
      });
      last = res.status;
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        break;
      }
      expect(res.status).toBe(401);
    }
    expect(last).toBe(429);
  });
});
