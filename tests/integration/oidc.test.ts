// Single sign-on against a real OpenID Connect provider (oidc-provider, started here with its
// development login and consent pages) and the production web process: a browser, played with
// fetch and a cookie jar per site, goes start → provider login → consent → Pulse's callback,
// and comes back signed in — or with the error the sign-in page explains.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@prisma/client';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '@/lib/db';
import { hashPassword } from '@/lib/web/auth/password';
import type { Managed } from '@/scripts/lib/processes';
import { createTestDatabase, startWeb, type TestDatabase } from '@/tests/support/stack';

const WEB_PORT = 3791;
const PROVIDER_PORT = 3792;
const AUTO_CREATE_PORT = 3793;
const pulse = (port: number) => `http://127.0.0.1:${port}`;
const BASE = pulse(WEB_PORT);
const ISSUER = `http://localhost:${PROVIDER_PORT}`;
const CALLBACK = '/api/v1/auth/oidc/callback';
const CLIENT_ID = 'pulse-dashboard';
const CLIENT_SECRET = 'oidc-test-client-secret-0123456789';

/** The provider's accounts (the login form takes any of these ids, whatever the password). */
const ACCOUNTS: Record<string, { email: string; email_verified: boolean; name: string }> = {
  merch: { email: 'Merch.Lead@Example.com', email_verified: true, name: 'Merch Lead' },
  stranger: { email: 'stranger@example.com', email_verified: true, name: 'Someone Else' },
  unverified: { email: 'viewer@example.com', email_verified: false, name: 'Claims To Be Viewer' },
  gone: { email: 'gone@example.com', email_verified: true, name: 'Left The Company' },
  newcomer: { email: 'newcomer@example.com', email_verified: true, name: 'New Comer' },
};

/** Cookies per site, as a browser keeps them (paths ignored: sending more is harmless here). */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(url: URL): Map<string, string> {
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    this.jars.set(url.origin, jar);
    return jar;
  }

  cookie(url: string, name: string): string | undefined {
    return this.jar(new URL(url)).get(name);
  }

  async fetch(target: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(target);
    const jar = this.jar(url);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const set of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = set.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
      if (value === '' || expired) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }
}

interface SignInResult {
  browser: Browser;
  /** Where Pulse's callback sent the browser. */
  location: string;
  /** The Set-Cookie headers of the callback's answer. */
  cookies: string[];
}

/**
 * Plays a browser from Pulse's start URL through the provider's login (as `account`) and
 * consent pages to Pulse's callback; `tamper` may change the callback URL before it is followed.
 */
async function signIn(
  account: string,
  options: { base?: string; next?: string; tamper?: (callback: URL) => void; browser?: Browser } = {},
): Promise<SignInResult> {
  const base = options.base ?? BASE;
  const browser = options.browser ?? new Browser();
  let url = `${base}/api/v1/auth/oidc/start?next=${encodeURIComponent(options.next ?? '/')}`;
  for (let hop = 0; hop < 20; hop++) {
    const at = new URL(url);
    if (at.origin === base && at.pathname === CALLBACK) options.tamper?.(at);
    const res = await browser.fetch(at.href);
    if (at.origin === base && at.pathname === CALLBACK) {
      expect(res.status).toBe(303);
      return { browser, location: res.headers.get('location') ?? '', cookies: res.headers.getSetCookie() };
    }
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') ?? '', at).href;
      continue;
    }
    const html = await res.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (res.status !== 200 || !at.pathname.startsWith('/interaction/') || !prompt) {
      throw new Error(`unexpected answer ${res.status} at ${at.href}: ${html.slice(0, 500)}`);
    }
    const form: Record<string, string> = prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt };
    const submitted = await browser.fetch(at.href, { method: 'POST', body: new URLSearchParams(form) });
    expect(submitted.status).toBeGreaterThanOrEqual(300);
    url = new URL(submitted.headers.get('location') ?? '', at).href;
  }
  throw new Error('too many redirects');
}

async function startProvider(): Promise<http.Server> {
  const provider = new Provider(ISSUER, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${BASE}${CALLBACK}`, `${pulse(AUTO_CREATE_PORT)}${CALLBACK}`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['oidc-test-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(PROVIDER_PORT, '127.0.0.1', resolve));
  return server;
}

const OIDC_ENV = {
  OIDC_ISSUER: ISSUER,
  OIDC_CLIENT_ID: CLIENT_ID,
  OIDC_CLIENT_SECRET: CLIENT_SECRET,
};

const PASSWORD = 'a-long-enough-password';

const sessionOf = (cookies: string[]) =>
  cookies.find((c) => c.startsWith('pulse_session=') && !c.startsWith('pulse_session=;'));

describe('single sign-on (OpenID Connect)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let providerServer: http.Server;
  let web: Managed;
  let autoCreateWeb: Managed | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('oidc');
    prisma = createPrisma(db.url, 2);
    providerServer = await startProvider();
    expect((providerServer.address() as AddressInfo).port).toBe(PROVIDER_PORT);
    await prisma.appUser.createMany({
      data: [
        { email: 'merch.lead@example.com', name: 'Merch', role: 'merchandiser', scopeStores: ['S1'] },
        { email: 'viewer@example.com', name: 'Viewer', role: 'viewer' },
        { email: 'gone@example.com', name: 'Gone', role: 'merchandiser', disabled: true },
        { email: 'admin@example.com', name: 'Admin', role: 'admin', passwordHash: await hashPassword(PASSWORD) },
      ],
    });
    web = await startWeb({ DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...OIDC_ENV }, WEB_PORT);
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
    await autoCreateWeb?.stop();
    await new Promise((resolve) => providerServer?.close(resolve));
    await prisma?.$disconnect();
    await db?.drop();
  }, 60_000);

  it('the sign-in page offers the company account', async () => {
    const res = await fetch(`${BASE}/signin?next=%2Fproducts%2FX`);
    expect(await res.text()).toContain('/api/v1/auth/oidc/start?next=%2Fproducts%2FX');
  });

  it('start sends the browser to the provider with PKCE, state and nonce in an encrypted callback-only cookie', async () => {
    const browser = new Browser();
    const res = await browser.fetch(`${BASE}/api/v1/auth/oidc/start?next=/stores/S1`);
    expect(res.status).toBe(303);
    const target = new URL(res.headers.get('location') ?? '');
    expect(target.origin).toBe(ISSUER);
    expect(Object.fromEntries(target.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: `${BASE}${CALLBACK}`,
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    for (const p of ['state', 'nonce', 'code_challenge']) expect(target.searchParams.get(p)).toMatch(/^[\w-]{32,}$/);
    const [cookie = ''] = res.headers.getSetCookie();
    expect(cookie).toMatch(
      /^pulse_oidc=[\w-]+; Path=\/api\/v1\/auth\/oidc\/callback; HttpOnly; SameSite=Lax; Max-Age=600$/,
    );
    const sealed = browser.cookie(BASE, 'pulse_oidc') ?? '';
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(target.searchParams.get('state'));
  });

  it('links a user an admin created by verified email, who then has their role and scope', async () => {
    const { browser, location, cookies } = await signIn('merch', { next: '/products/ABC?range=today' });
    expect(location).toBe('/products/ABC?range=today');
    const session = sessionOf(cookies);
    expect(session).toMatch(/HttpOnly; SameSite=Lax; Expires=/);
    expect(cookies.some((c) => /^pulse_oidc=; .*Max-Age=0/.test(c))).toBe(true);
    const user = await prisma.appUser.findFirstOrThrow({ where: { email: 'merch.lead@example.com' } });
    expect(user).toMatchObject({ oidcIssuer: ISSUER, oidcSubject: 'merch', role: 'merchandiser' });

    expect((await browser.fetch(`${BASE}/api/v1/overview`)).status).toBe(200);
    // A merchandiser exports; the scope still holds (another store is refused).
    expect((await browser.fetch(`${BASE}/api/v1/export?tile=kpis`)).status).toBe(200);
    expect((await browser.fetch(`${BASE}/api/v1/overview?store=S2`)).status).toBe(403);

    // Linked now: the next sign-in finds the user by subject, even after a change of email.
    await prisma.appUser.update({ where: { id: user.id }, data: { email: 'renamed@example.com' } });
    const again = await signIn('merch');
    expect(again.location).toBe('/');
    expect(sessionOf(again.cookies)).toBeDefined();
    expect(await prisma.appUser.count({ where: { oidcSubject: 'merch' } })).toBe(1);
  });

  it('an email no user has gets oidc_no_user (no auto-create), and no user is made', async () => {
    const { location, cookies } = await signIn('stranger', { next: '/admin' });
    expect(location).toBe('/signin?error=oidc_no_user&next=%2Fadmin');
    expect(sessionOf(cookies)).toBeUndefined();
    expect(await prisma.appUser.count({ where: { email: 'stranger@example.com' } })).toBe(0);
    const page = await (await fetch(`${BASE}${location}`)).text();
    expect(page).toContain('Your company account has no Pulse user yet');
  });

  it('an email the provider has not verified never links to the user who has it', async () => {
    const { location } = await signIn('unverified');
    expect(location).toBe('/signin?error=oidc_no_user&next=%2F');
    const viewer = await prisma.appUser.findFirstOrThrow({ where: { email: 'viewer@example.com' } });
    expect(viewer.oidcSubject).toBeNull();
  });

  it('a disabled user is refused', async () => {
    const { location, cookies } = await signIn('gone');
    expect(location).toBe('/signin?error=oidc_disabled&next=%2F');
    expect(sessionOf(cookies)).toBeUndefined();
    const gone = await prisma.appUser.findFirstOrThrow({ where: { email: 'gone@example.com' } });
    expect(gone.oidcSubject).toBeNull();
    expect(await (await fetch(`${BASE}${location}`)).text()).toContain('Your Pulse user is disabled');
  });

  it('a tampered state, a forged or missing cookie, or a replayed code get oidc_failed', async () => {
    const tampered = await signIn('merch', {
      tamper: (callback) => callback.searchParams.set('state', 'x'.repeat(43)),
    });
    expect(tampered.location).toBe('/signin?error=oidc_failed&next=%2F');
    expect(sessionOf(tampered.cookies)).toBeUndefined();

    let callback = '';
    const forged = await signIn('merch', {
      tamper: (url) => {
        callback = url.href;
      },
      browser: new (class extends Browser {
        override async fetch(target: string, init?: RequestInit): Promise<Response> {
          const headers = new Headers(init?.headers);
          if (new URL(target).pathname === CALLBACK) {
            // Another browser's callback: the pulse_oidc cookie is not there (or not Pulse's).
            headers.set('cookie', 'pulse_oidc=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
            return fetch(target, { ...init, headers, redirect: 'manual' });
          }
          return super.fetch(target, init);
        }
      })(),
    });
    expect(forged.location).toBe('/signin?error=oidc_failed&next=%2F');
    const missing = await fetch(callback, { redirect: 'manual' });
    expect(missing.headers.get('location')).toBe('/signin?error=oidc_failed&next=%2F');

    // A code is spent once used, even when its callback comes again with the right cookie.
    const browser = new Browser();
    let used = '';
    let pending = '';
    const first = await signIn('merch', {
      browser,
      tamper: (url) => {
        used = url.href;
        pending = browser.cookie(BASE, 'pulse_oidc') ?? '';
      },
    });
    expect(sessionOf(first.cookies)).toBeDefined();
    const replay = await fetch(used, { headers: { cookie: `pulse_oidc=${pending}` }, redirect: 'manual' });
    expect(replay.headers.get('location')).toBe('/signin?error=oidc_failed&next=%2F');
  });

  it('email and password still sign in beside single sign-on', async () => {
    const res = await fetch(`${BASE}/api/v1/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'oidc-test' },
      body: JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect(sessionOf(res.headers.getSetCookie())).toBeDefined();
    const sessions = await prisma.userSession.findMany({ where: { user: { email: 'admin@example.com' } } });
    expect(sessions.map((s) => s.client)).toEqual(['127.0.0.1 oidc-test']);
  });

  it('the provider refusing (access_denied) gets oidc_failed', async () => {
    const browser = new Browser();
    const start = await browser.fetch(`${BASE}/api/v1/auth/oidc/start`);
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const res = await browser.fetch(`${BASE}${CALLBACK}?error=access_denied&state=${state}&iss=${ISSUER}`);
    expect(res.headers.get('location')).toBe('/signin?error=oidc_failed&next=%2F');
  });

  it('with OIDC_AUTO_CREATE=true a new verified email gets a user with OIDC_DEFAULT_ROLE', async () => {
    autoCreateWeb = await startWeb(
      { DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...OIDC_ENV, OIDC_AUTO_CREATE: 'true', OIDC_DEFAULT_ROLE: 'viewer' },
      AUTO_CREATE_PORT,
    );
    const base = pulse(AUTO_CREATE_PORT);
    const { browser, location } = await signIn('newcomer', { base });
    expect(location).toBe('/');
    const user = await prisma.appUser.findFirstOrThrow({ where: { email: 'newcomer@example.com' } });
    expect(user).toMatchObject({ role: 'viewer', name: 'New Comer', oidcSubject: 'newcomer', passwordHash: null });
    expect((await browser.fetch(`${base}/api/v1/overview`)).status).toBe(200);
    expect((await browser.fetch(`${base}/api/v1/export?tile=kpis`)).status).toBe(403);
    // Still never for an unverified email, nor for a disabled user.
    expect((await signIn('unverified', { base })).location).toBe('/signin?error=oidc_no_user&next=%2F');
    expect((await signIn('gone', { base })).location).toBe('/signin?error=oidc_disabled&next=%2F');
  }, 90_000);
});
