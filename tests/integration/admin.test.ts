// Administration against a real web process (production build): users (create, duplicates,
// disable ends sessions, the last admin stays), embeds (create, revoke) and signing keys (the
// secret shown once; a token signed with it opens the embed until revoked or the key removed).
// Only admins get in: viewers and merchandisers are refused on every admin route.

import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Managed } from '@/scripts/lib/processes';
import { createTestDatabase, signIn, startWeb, type TestDatabase, testTopic, webEnv } from '@/tests/support/stack';

const WEB_PORT = 3591;
const BASE = `http://127.0.0.1:${WEB_PORT}`;
const ADMIN = { email: 'root@example.com', password: 'first-admin-password-1' };
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

interface User {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  scope: { stores: string[]; regions: string[]; categories: string[] };
  has_password: boolean;
  oidc: boolean;
  sessions: number;
}
interface Embed {
  id: string;
  name: string;
  revoked_at: string | null;
}
interface Key {
  kid: string;
  created_at: string;
  secret?: string;
}
type ErrorBody = { error: { code: string; message: string; param?: string } };

describe('admin: users, embeds and signing keys (real web process)', () => {
  let db: TestDatabase;
  let web: Managed | null = null;
  let admin: string;

  beforeAll(async () => {
    db = await createTestDatabase('pulse_it_admin');
    web = await startWeb(
      {
        ...webEnv(db.url, testTopic('it.admin')),
        PULSE_ADMIN_EMAIL: ADMIN.email,
        PULSE_ADMIN_PASSWORD: ADMIN.password,
      },
      WEB_PORT,
    );
    admin = await signIn(BASE, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await web?.stop();
    await db?.drop();
  });

  const createUser = (role: string, email: string, scope = {}) =>
    call<{ user: User }>(admin, 'POST', '/api/v1/admin/users', {
      email,
      name: `A ${role}`,
      role,
      password: PASSWORD,
      scope,
    });

  it('creates a user (email lower-cased, scope kept) and lists it without secrets', async () => {
    const created = await createUser('viewer', 'Viewer.One@Example.com', { stores: ['S2', 'S1'], regions: ['eu'] });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({
      email: 'viewer.one@example.com',
      role: 'viewer',
      disabled: false,
      has_password: true,
      oidc: false,
      scope: { stores: ['S1', 'S2'], regions: ['eu'], categories: [] },
    });
    const list = await call<{ users: User[] }>(admin, 'GET', '/api/v1/admin/users');
    expect(list.status).toBe(200);
    expect(list.body.users.map((u) => u.email)).toEqual([ADMIN.email, 'viewer.one@example.com']);
    expect(list.body.users[0]?.sessions).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password_hash|passwordHash/);
  });

  it('refuses a duplicate email whatever its case (409) and bad input (400 naming the field)', async () => {
    const duplicate = await createUser('viewer', 'VIEWER.ONE@example.com');
    expect(duplicate.status).toBe(409);
    expect((duplicate.body as unknown as ErrorBody).error.code).toBe('email_taken');
    const short = await call<ErrorBody>(admin, 'POST', '/api/v1/admin/users', {
      email: 'x@example.com',
      role: 'viewer',
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({ code: 'invalid_parameter', param: 'password' });
    const role = await call<ErrorBody>(admin, 'POST', '/api/v1/admin/users', {
      email: 'x@example.com',
      role: 'owner',
      password: PASSWORD,
    });
    expect(role.body.error.param).toBe('role');
    const notJson = await fetch(`${BASE}/api/v1/admin/users`, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await call(admin, 'PATCH', '/api/v1/admin/users/999999', { name: 'x' })).status).toBe(404);
  });

  it('refuses viewers and merchandisers on every admin route (403)', async () => {
    await createUser('merchandiser', 'merch@example.com');
    for (const email of ['viewer.one@example.com', 'merch@example.com']) {
      const cookie = await signIn(BASE, email, PASSWORD);
      const attempts: [string, string, unknown?][] = [
        ['GET', '/api/v1/admin/users'],
        ['POST', '/api/v1/admin/users', { email: 'evil@example.com', role: 'admin', password: PASSWORD }],
        ['PATCH', '/api/v1/admin/users/1', { role: 'viewer' }],
        ['DELETE', '/api/v1/admin/users/1'],
        ['GET', '/api/v1/admin/embeds'],
        ['POST', '/api/v1/admin/embeds', { name: 'x', view: 'dashboard' }],
        ['GET', '/api/v1/admin/embed-keys'],
        ['POST', '/api/v1/admin/embed-keys'],
      ];
      for (const [method, path, body] of attempts) {
        const res = await call(cookie, method, path, body);
        expect(res.status, `${email} ${method} ${path}`).toBe(403);
      }
      const page = await fetch(`${BASE}/admin/users`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status, `${email} /admin/users`).toBe(403);
    }
    const users = await call<{ users: User[] }>(admin, 'GET', '/api/v1/admin/users');
    expect(users.body.users.some((u) => u.email === 'evil@example.com')).toBe(false);
    expect(users.body.users.find((u) => u.id === '1')?.role).toBe('admin');
  });

  it('ends the sessions of a user it disables: their next request is 401, and they cannot sign in', async () => {
    const { body } = await createUser('viewer', 'leaver@example.com');
    const cookie = await signIn(BASE, 'leaver@example.com', PASSWORD);
    expect((await call(cookie, 'GET', '/api/v1/filters')).status).toBe(200);
    const disabled = await call<{ user: User }>(admin, 'PATCH', `/api/v1/admin/users/${body.user.id}`, {
      disabled: true,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.user).toMatchObject({ disabled: true, sessions: 0 });
    expect((await call(cookie, 'GET', '/api/v1/filters')).status).toBe(401);
    await expect(signIn(BASE, 'leaver@example.com', PASSWORD)).rejects.toThrow(/answered 401/);
    // Enabled again: the old session stays ended, a new sign-in works.
    await call(admin, 'PATCH', `/api/v1/admin/users/${body.user.id}`, { disabled: false });
    expect((await call(cookie, 'GET', '/api/v1/filters')).status).toBe(401);
    await signIn(BASE, 'leaver@example.com', PASSWORD);
  });

  it('ends sessions on a password reset; a role change applies to the next request', async () => {
    const { body } = await createUser('viewer', 'promoted@example.com');
    const cookie = await signIn(BASE, 'promoted@example.com', PASSWORD);
    expect((await call(cookie, 'GET', '/api/v1/admin/users')).status).toBe(403);
    await call(admin, 'PATCH', `/api/v1/admin/users/${body.user.id}`, { role: 'admin' });
    expect((await call(cookie, 'GET', '/api/v1/admin/users')).status).toBe(200);
    const reset = await call(admin, 'PATCH', `/api/v1/admin/users/${body.user.id}`, {
      password: 'another-long-password',
    });
    expect(reset.status).toBe(200);
    expect((await call(cookie, 'GET', '/api/v1/filters')).status).toBe(401);
    await signIn(BASE, 'promoted@example.com', 'another-long-password');
    // Two admins now: the first may step down later; this one goes.
    expect((await call(admin, 'DELETE', `/api/v1/admin/users/${body.user.id}`)).status).toBe(204);
    expect((await call(admin, 'DELETE', `/api/v1/admin/users/${body.user.id}`)).status).toBe(404);
  });

  it('keeps the last enabled admin: no demoting, disabling or deleting it (409)', async () => {
    for (const [method, body] of [
      ['PATCH', { role: 'viewer' }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call<ErrorBody>(admin, method, '/api/v1/admin/users/1', body);
      expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(409);
      expect(res.body.error.code).toBe('last_admin');
    }
    // With a second admin, the first may step down.
    const second = await createUser('admin', 'second-admin@example.com');
    const other = await signIn(BASE, 'second-admin@example.com', PASSWORD);
    expect((await call(admin, 'PATCH', '/api/v1/admin/users/1', { role: 'merchandiser' })).status).toBe(200);
    expect((await call(admin, 'GET', '/api/v1/admin/users')).status).toBe(403);
    // …and now the second is the last one.
    const last = await call<ErrorBody>(other, 'PATCH', `/api/v1/admin/users/${second.body.user.id}`, {
      disabled: true,
    });
    expect(last.status).toBe(409);
    expect((await call(other, 'PATCH', '/api/v1/admin/users/1', { role: 'admin' })).status).toBe(200);
  });

  it('creates, revokes and restores an embed; a token signed with a new key opens it until revoked', async () => {
    const created = await call<{ embed: Embed & Record<string, unknown> }>(admin, 'POST', '/api/v1/admin/embeds', {
      name: 'Partner portal',
      view: 'dashboard',
      locked: { region: ['eu'] },
      defaults: { range: '24h', tz: 'Europe/Paris' },
      theme: 'dark',
      accent: '#0EA5E9',
      links: 'new_tab',
      expires_at: '2099-01-01T00:00:00Z',
    });
    expect(created.status).toBe(201);
    const embed = created.body.embed;
    expect(embed.id).toMatch(/^emb_[a-z2-7]{10}$/);
    expect(embed).toMatchObject({
      locked: { region: ['eu'] },
      defaults: { range: '24h', tz: 'Europe/Paris' },
      accent: '#0ea5e9',
      revoked_at: null,
      created_by: '1',
    });
    const bad = await call<ErrorBody>(admin, 'POST', '/api/v1/admin/embeds', { name: 'x', view: 'product' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('target');

    const key = await call<{ key: Key }>(admin, 'POST', '/api/v1/admin/embed-keys');
    expect(key.status).toBe(201);
    const { kid, secret } = key.body.key;
    expect(Buffer.from(secret ?? '', 'base64url')).toHaveLength(32);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid })
      .setSubject(embed.id)
      .setAudience('pulse')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(Buffer.from(secret ?? '', 'base64url'));
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call(null, 'GET', '/api/v1/filters', undefined, bearer)).status).toBe(200);

    const revoked = await call<{ embed: Embed }>(admin, 'PATCH', `/api/v1/admin/embeds/${embed.id}`, { revoked: true });
    expect(revoked.status).toBe(200);
    expect(revoked.body.embed.revoked_at).not.toBeNull();
    expect((await call(null, 'GET', '/api/v1/filters', undefined, bearer)).status).toBeGreaterThanOrEqual(401);
    const restored = await call<{ embed: Embed }>(admin, 'PATCH', `/api/v1/admin/embeds/${embed.id}`, {
      revoked: false,
      name: 'Partner portal (EU)',
    });
    expect(restored.body.embed).toMatchObject({ revoked_at: null, name: 'Partner portal (EU)' });
    expect((await call(null, 'GET', '/api/v1/filters', undefined, bearer)).status).toBe(200);

    // Removing the key ends every token signed with it (rotation's last step).
    expect((await call(admin, 'DELETE', `/api/v1/admin/embed-keys/${kid}`)).status).toBe(204);
    expect((await call(null, 'GET', '/api/v1/filters', undefined, bearer)).status).toBe(401);
    expect((await call(admin, 'DELETE', `/api/v1/admin/embed-keys/${kid}`)).status).toBe(404);

    const list = await call<{ embeds: Embed[] }>(admin, 'GET', '/api/v1/admin/embeds');
    expect(list.body.embeds.map((e) => e.id)).toContain(embed.id);
    expect((await call(admin, 'DELETE', `/api/v1/admin/embeds/${embed.id}`)).status).toBe(204);
    expect((await call(admin, 'DELETE', `/api/v1/admin/embeds/${embed.id}`)).status).toBe(404);
  });

  it('shows a key secret once: the list never holds it', async () => {
    const created = await call<{ key: Key }>(admin, 'POST', '/api/v1/admin/embed-keys');
    const { kid, secret } = created.body.key;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await call<{ keys: Key[] }>(admin, 'GET', '/api/v1/admin/embed-keys');
    expect(list.status).toBe(200);
    expect(list.body.keys.find((k) => k.kid === kid)).toEqual({ kid, created_at: created.body.key.created_at });
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.keys.every((k) => !('secret' in k))).toBe(true);
  });

  it('refuses state changes from a foreign origin (403)', async () => {
    const res = await call(admin, 'POST', '/api/v1/admin/embed-keys', undefined, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('serves the admin pages to admins; /admin goes to /admin/users', async () => {
    const redirect = await fetch(`${BASE}/admin`, { headers: { cookie: admin }, redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toMatch(/\/admin\/users$/);
    for (const path of ['/admin/users', '/admin/embeds']) {
      const res = await fetch(`${BASE}${path}`, { headers: { cookie: admin } });
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html).toContain('data-testid="admin-tabs"');
    }
  });
});
