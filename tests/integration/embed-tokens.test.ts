// Embed tokens against a real production web server (server.ts, `next build`) on a real
// PostgreSQL database whose sales were written by the worker's own applySalesBatch: what a
// portal's token opens (its embed page, the reader API within the lock, live updates for the
// lock) and what it does not (other embeds, exports, ops, the dashboard), and every way a token
// can be wrong (expired, tampered, wrong audience, removed key, revoked embed, too long a life,
// filters widening the lock). Embeds and keys are made with Prisma, as the admin API would.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '@/lib/db';
import type { Managed } from '@/scripts/lib/processes';
import { salesApplier } from '@/tests/support/applied-sales';
import { type SaleJson, sale } from '@/tests/support/events';
import { type ExpectedFilter, expectedOverview } from '@/tests/support/expected';
import { createTestDatabase, startWeb, type TestDatabase, testTopic, waitFor, webEnv } from '@/tests/support/stack';

const TOPIC = testTopic('it.embed');
const PORT = 3610 + (process.pid % 40);
const BASE = `http://127.0.0.1:${PORT}`;
const PORTAL = 'https://portal.example';
const MAX_TTL = 900;
const AUDIENCE = 'pulse';
const KID = 'portal-key-1';
const SECRET = randomBytes(32);
/** Embeds: A locked to region east (a dashboard), B another dashboard, REVOKED revoked. */
const A = 'emb-east';
const B = 'emb-other';
const REVOKED = 'emb-revoked';
/** Embeds of one product and of one store (several stores allowed by its lock). */
const PRODUCT = 'emb-product';
const STORE = 'emb-store';
/** A dashboard embed whose drill-downs open Pulse in a new tab. */
const NEW_TAB = 'emb-new-tab';
const STORES = [
  { id: 'E-1', region: 'east' },
  { id: 'E-2', region: 'east' },
  { id: 'W-1', region: 'west' },
  { id: 'W-2', region: 'west' },
];

interface TokenOptions {
  sub?: string;
  kid?: string;
  secret?: Uint8Array;
  audience?: string;
  /** Seconds from now. */
  iat?: number;
  exp?: number;
  filters?: Record<string, string[]>;
}

async function mint(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(options.filters ? { filters: options.filters } : {})
    .setProtectedHeader({ alg: 'HS256', kid: options.kid ?? KID })
    .setSubject(options.sub ?? A)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now + (options.iat ?? 0))
    .setExpirationTime(now + (options.exp ?? 600));
  return jwt.sign(options.secret ?? SECRET);
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => { error?: { code: string; message: string } } & Record<string, unknown>;
}

async function get(path: string, token?: string, as: 'bearer' | 'query' = 'bearer'): Promise<Answer> {
  const url = as === 'query' && token ? `${path}${path.includes('?') ? '&' : '?'}token=${token}` : path;
  const res = await fetch(`${BASE}${url}`, {
    redirect: 'manual',
    headers: as === 'bearer' && token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

let sequence = 0;
function eventAt(storeIndex: number, occurredAt: number, quantity = 1 + (sequence % 3)): SaleJson {
  sequence += 1;
  const store = STORES[storeIndex % STORES.length] as (typeof STORES)[number];
  return sale({
    event_id: `emb-${sequence}`,
    order_id: `ord-emb-${sequence}`,
    occurred_at: new Date(occurredAt).toISOString(),
    store_id: store.id,
    region: store.region,
    channel: sequence % 2 === 0 ? 'web' : 'store',
    lines: [
      {
        sku: `SKU-${sequence % 7}`,
        name: `Item ${sequence % 7}`,
        category: `C${sequence % 3}`,
        quantity,
        unit_price_cents: 700 + (sequence % 11) * 100,
      },
    ],
  });
}

type Totals = { revenue_cents: number; orders: number; units: number };
const pick = (t: Totals) => ({ revenue_cents: t.revenue_cents, orders: t.orders, units: t.units });
const expectedTotals = (events: SaleJson[], filter: ExpectedFilter) => pick(expectedOverview(events, filter).totals);

interface Push {
  key: string;
  data: { totals: Totals };
}

/** A socket with the token as `auth.token`; resolves connected, or with the connect error. */
async function socketWith(
  token: string,
): Promise<{ socket: Socket; pushes: Push[]; errors: unknown[]; refused?: Error }> {
  const socket = io(BASE, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
  const pushes: Push[] = [];
  const errors: unknown[] = [];
  socket.on('overview', (push: Push) => pushes.push(push));
  socket.on('live:error', (error: unknown) => errors.push(error));
  socket.on('overview:error', (error: unknown) => errors.push(error));
  const refused = await new Promise<Error | undefined>((resolve) => {
    socket.once('connect', () => resolve(undefined));
    socket.once('connect_error', (err) => resolve(err));
  });
  return { socket, pushes, errors, refused };
}

describe('embed tokens (production web server, real PostgreSQL)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let apply: (events: SaleJson[]) => Promise<void>;
  let web: Managed | undefined;
  const events: SaleJson[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pulse_it_embed');
    prisma = createPrisma(db.url, 2);
    apply = salesApplier(prisma, TOPIC);
    const now = Date.now();
    // Forty sales over the last 20 minutes, in every store: the 1 h view holds them all.
    for (let i = 0; i < 40; i++) events.push(eventAt(i, now - 20 * 60_000 + i * 25_000));
    await apply(events);
    await prisma.embedKey.create({ data: { kid: KID, secret: SECRET } });
    await prisma.embed.createMany({
      data: [
        { id: A, name: 'East portal', view: 'dashboard', locked: { region: ['east'] }, defaults: { range: '1h' } },
        { id: B, name: 'Other portal', view: 'dashboard' },
        { id: REVOKED, name: 'Old portal', view: 'dashboard', revokedAt: new Date() },
        { id: PRODUCT, name: 'Product portal', view: 'product', target: 'SKU-1', locked: { region: ['east'] } },
        { id: NEW_TAB, name: 'Links out', view: 'dashboard', links: 'new_tab', theme: 'dark', accent: '#0f766e' },
        { id: STORE, name: 'Store portal', view: 'store', target: 'E-1', locked: { store: ['E-1', 'E-2'] } },
      ],
    });
    web = await startWeb(
      {
        ...webEnv(db.url, TOPIC),
        EMBED_ALLOWED_ORIGINS: PORTAL,
        EMBED_TOKEN_MAX_TTL_SECONDS: String(MAX_TTL),
        EMBED_TOKEN_AUDIENCE: AUDIENCE,
      },
      PORT,
    );
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('a valid token opens its embed page: framable by the portal only, no Pulse chrome', async () => {
    const page = await get(`/embed/${A}`, await mint(), 'query');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${PORTAL}`);
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.text).toContain('data-testid="embed"');
    expect(page.text).toContain('data-testid="kpi-revenue"');
    expect(page.text).not.toContain('data-testid="ops-link"');
    expect(page.text).not.toContain('data-testid="user-menu"');
    // A bad view parameter: the parameter error, still without Pulse's chrome.
    const bad = await get(`/embed/${A}?range=forever`, await mint(), 'query');
    expect(bad.text).toContain('data-testid="param-error"');
    expect(bad.text).not.toMatch(/<header[ >]/);
    expect(bad.text).toMatch(new RegExp(`href="/embed/${A}\\?token=`));
    // Pulse's own pages stay unframable.
    const home = await get('/signin');
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('the API with the token as Bearer answers over the lock only', async () => {
    const token = await mint();
    const overview = await get('/api/v1/overview?range=1h', token);
    expect(overview.status).toBe(200);
    const totals = pick((overview.json() as unknown as { totals: Totals }).totals);
    expect(totals).toEqual(expectedTotals(events, { region: 'east' }));
    expect(totals).not.toEqual(expectedTotals(events, {}));
    // The filter bar's choices: the lock's stores and region only.
    const filters = await get('/api/v1/filters', token);
    expect(filters.status).toBe(200);
    const options = filters.json() as unknown as { stores: { id: string }[]; regions: string[] };
    expect(options.stores.map((s) => s.id).sort()).toEqual(['E-1', 'E-2']);
    expect(options.regions).toEqual(['east']);
  });

  it('refuses the token everywhere else: export, dead letters, ops page, the dashboard', async () => {
    const token = await mint();
    for (const path of [
      '/api/v1/export?tile=kpis',
      '/api/v1/dead-letters',
      '/ops/dead-letters',
      '/',
      '/products/SKU-1',
    ]) {
      const answer = await get(path, token);
      expect([401, 403], path).toContain(answer.status);
    }
    expect((await get('/api/v1/export?tile=kpis', token)).status).toBe(403);
    // On Pulse's own pages `?token=` means nothing: nobody signed in, so sign-in.
    expect((await get('/', token, 'query')).status).toBe(303);
  });

  it('an expired token: 401 token_expired, and the embed page says the access expired', async () => {
    const token = await mint({ iat: -1200, exp: -600 });
    const api = await get('/api/v1/overview', token);
    expect(api.status).toBe(401);
    expect(api.json().error?.code).toBe('token_expired');
    const page = await get(`/embed/${A}`, token, 'query');
    expect(page.status).toBe(401);
    expect(page.text).toContain('access expired');
    expect(page.headers.get('content-security-policy')).toContain(`frame-ancestors ${PORTAL}`);
  });

  it('a tampered signature, a wrong audience, an unknown or removed key: 401 invalid_token', async () => {
    const token = await mint();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const tampered = await get('/api/v1/overview', `${header}.${payload}.${flipped}`);
    expect(tampered.status).toBe(401);
    expect(tampered.json().error?.code).toBe('invalid_token');

    // A payload widened by hand (another embed) keeps the old signature: refused too.
    const otherPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: B }),
    ).toString('base64url');
    expect((await get('/api/v1/overview', `${header}.${otherPayload}.${signature}`)).status).toBe(401);

    const audience = await get('/api/v1/overview', await mint({ audience: 'someone-else' }));
    expect(audience.status).toBe(401);
    expect(audience.json().error?.code).toBe('invalid_token');

    const wrongSecret = await get('/api/v1/overview', await mint({ secret: randomBytes(32) }));
    expect(wrongSecret.status).toBe(401);

    await prisma.embedKey.create({ data: { kid: 'short-lived-key', secret: SECRET } });
    const removable = await mint({ kid: 'short-lived-key' });
    expect((await get('/api/v1/overview', removable)).status).toBe(200);
    await prisma.embedKey.delete({ where: { kid: 'short-lived-key' } });
    const removed = await get('/api/v1/overview', removable);
    expect(removed.status).toBe(401);
    expect(removed.json().error?.code).toBe('invalid_token');
  });

  it('a revoked embed: 401 embed_revoked', async () => {
    const answer = await get('/api/v1/overview', await mint({ sub: REVOKED }));
    expect(answer.status).toBe(401);
    expect(answer.json().error?.code).toBe('embed_revoked');
    expect((await get(`/embed/${REVOKED}`, await mint({ sub: REVOKED }), 'query')).status).toBe(401);
  });

  it("a token opens its own embed only: A's token on /embed/B is 403", async () => {
    const answer = await get(`/embed/${B}`, await mint({ sub: A }), 'query');
    expect(answer.status).toBe(403);
    expect((await get(`/embed/${B}`, await mint({ sub: B }), 'query')).status).toBe(200);
    // Without a token the embed page refuses (no sign-in redirect: there is nobody to sign in).
    expect((await get(`/embed/${A}`)).status).toBe(401);
  });

  it("the token's filters narrow the lock and cannot widen it; a view outside the lock is 403", async () => {
    const narrowed = await mint({ filters: { store: ['E-1'] } });
    const overview = await get('/api/v1/overview?range=1h', narrowed);
    expect(overview.status).toBe(200);
    expect(pick((overview.json() as unknown as { totals: Totals }).totals)).toEqual(
      expectedTotals(events, { region: 'east', store: 'E-1' }),
    );
    expect((await get('/api/v1/overview?store=E-2', narrowed)).status).toBe(403);
    expect((await get(`/embed/${A}/stores/E-2`, narrowed, 'query')).status).toBe(403);
    expect((await get(`/embed/${A}/stores/E-1`, narrowed, 'query')).status).toBe(200);

    // Filters outside the lock leave nothing: the token is refused rather than widened.
    const widening = await get('/api/v1/overview', await mint({ filters: { region: ['west'] } }));
    expect(widening.status).toBe(401);
    expect(widening.json().error?.code).toBe('invalid_token');

    const token = await mint();
    expect((await get('/api/v1/overview?region=west', token)).status).toBe(403);
    expect((await get(`/embed/${A}?region=west`, token, 'query')).status).toBe(403);
    expect((await get(`/embed/${A}?region=east`, token, 'query')).status).toBe(200);
  });

  it('product and store embeds open their product or store; drill-downs stay inside the embed', async () => {
    const product = await get(`/embed/${PRODUCT}`, await mint({ sub: PRODUCT }), 'query');
    expect(product.status).toBe(200);
    expect(product.text).toContain('data-testid="product-name"');
    expect(product.text).toContain(`/embed/${PRODUCT}/stores/E-1?`);
    expect(product.text).not.toContain('data-testid="breadcrumb-dashboard"');

    const token = await mint({ sub: STORE });
    const store = await get(`/embed/${STORE}`, token, 'query');
    expect(store.status).toBe(200);
    expect(store.text).toContain('data-testid="store-title"');
    expect(store.text).toMatch(/Store (<!-- -->)?E-1/);
    // Another store of the lock: its embed page; several: the embed's dashboard of them (no loop).
    const other = await get(`/embed/${STORE}?store=E-2`, token, 'query');
    expect(other.status).toBe(307);
    expect(other.headers.get('location')).toMatch(new RegExp(`^/embed/${STORE}/stores/E-2\\?`));
    const several = await get(`/embed/${STORE}?store=E-1&store=E-2`, token, 'query');
    expect(several.status).toBe(200);
    expect(several.text).toContain('data-testid="kpi-revenue"');
    expect((await get(`/embed/${STORE}?store=W-1`, token, 'query')).status).toBe(403);
  });

  it("links stay inside the embed with its token, or open Pulse in a new tab; the embed's theme", async () => {
    const token = await mint();
    const inside = await get(`/embed/${A}?range=1h`, token, 'query');
    expect(inside.text).toMatch(new RegExp(`href="/embed/${A}/products/SKU-\\d[^"]*token=${token}"`));
    expect(inside.text).not.toContain('target="_blank"');
    expect(inside.text).toMatch(/<html[^>]*data-theme="light"/);

    const out = await get(`/embed/${NEW_TAB}?range=1h`, await mint({ sub: NEW_TAB }), 'query');
    expect(out.status).toBe(200);
    expect(out.text).toMatch(/href="\/products\/SKU-\d[^"]*" target="_blank" rel="noopener"/);
    expect(out.text).not.toContain(`/embed/${NEW_TAB}/products/`);
    expect(out.text).toMatch(/<html[^>]*class="[^"]*\bdark\b/);
    expect(out.text).toContain('--accent:#0f766e');
  });

  it('a token living longer than EMBED_TOKEN_MAX_TTL_SECONDS is refused', async () => {
    const long = await get('/api/v1/overview', await mint({ exp: MAX_TTL + 60 }));
    expect(long.status).toBe(401);
    expect(long.json().error?.code).toBe('invalid_token');
    expect((await get('/api/v1/overview', await mint({ exp: MAX_TTL - 60 }))).status).toBe(200);
  });

  it('a socket with the token gets overview pushes over the lock only; a bad token gets connect_error', async () => {
    const bad = await socketWith(`${await mint({ audience: 'nope' })}`);
    expect(bad.refused).toBeInstanceOf(Error);
    bad.socket.disconnect();
    const expired = await socketWith(await mint({ iat: -1200, exp: -600 }));
    expect(expired.refused).toBeInstanceOf(Error);
    expect((expired.refused as Error & { data?: { code?: string } }).data?.code).toBe('unauthorized');
    expired.socket.disconnect();

    const live = await socketWith(await mint());
    expect(live.refused).toBeUndefined();
    try {
      live.socket.emit('subscribe', { range: '1h' });
      await waitFor('a first push', async () => live.pushes.length > 0, 15_000, 20);
      expect(pick(live.pushes.at(-1)?.data.totals as Totals)).toEqual(expectedTotals(events, { region: 'east' }));
      // The push carries the key of the view as asked (the client's own), not the scoped one.
      expect(live.pushes.at(-1)?.key).toBe('range=1h');

      // One sale in each region: the push moves by the east one only.
      const now = Date.now();
      const fresh = [eventAt(0, now - 1000, 5), eventAt(2, now - 1000, 7)];
      events.push(...fresh);
      await apply(fresh);
      const want = expectedTotals(events, { region: 'east' });
      await waitFor(
        'a push with the new east sale',
        async () => JSON.stringify(pick(live.pushes.at(-1)?.data.totals as Totals)) === JSON.stringify(want),
        20_000,
        50,
      );

      // A view outside the lock is refused on the socket too.
      live.socket.emit('subscribe', { range: '1h', region: 'west' });
      await waitFor('the refusal', async () => live.errors.length > 0, 10_000, 20);
      expect(live.errors[0]).toMatchObject({ code: 'outside_scope' });
    } finally {
      live.socket.disconnect();
    }
  });
});
