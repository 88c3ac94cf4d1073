// Saved views per user against a real web process (production build) and PostgreSQL: each user
// lists, saves, renames and deletes only their own views; a view is checked like the dashboard's
// URL (and the user's scope) and stored canonical; names are unique per user whatever their
// case; the count is bounded; an embed token has no saved views.

import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SAVED_VIEWS } from '@/lib/contract/saved-views';
import { hashPassword } from '@/lib/web/auth/password';
import type { Managed } from '@/scripts/lib/processes';
import { createTestDatabase, signIn, startWeb, type TestDatabase, testTopic, webEnv } from '@/tests/support/stack';

const WEB_PORT = 3700 + (process.pid % 40);
const BASE = `http://127.0.0.1:${WEB_PORT}`;
const ADMIN = { email: 'root@views.test', password: 'first-admin-password-1' };
const ANA = { email: 'ana@views.test', password: 'ana-password-123456' };
const BEN = { email: 'ben@views.test', password: 'ben-password-123456' };

interface View {
  id: string;
  name: string;
  query: string;
  created_at: string;
  updated_at: string;
}
type ErrorBody = { error: { code: string; message: string; param?: string } };

async function call<T = Record<string, unknown>>(
  auth: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

describe('saved views per user (real web process)', () => {
  let db: TestDatabase;
  let web: Managed | null = null;
  const as: Record<'admin' | 'ana' | 'ben', Record<string, string>> = { admin: {}, ana: {}, ben: {} };

  beforeAll(async () => {
    db = await createTestDatabase('pulse_it_views');
    web = await startWeb(
      {
        ...webEnv(db.url, testTopic('it.views')),
        PULSE_ADMIN_EMAIL: ADMIN.email,
        PULSE_ADMIN_PASSWORD: ADMIN.password,
      },
      WEB_PORT,
    );
    // Ana may see region eu only; Ben everything.
    for (const [user, regions] of [
      [ANA, ['eu']],
      [BEN, []],
    ] as const) {
      await db.query('INSERT INTO app_user (email, role, password_hash, scope_regions) VALUES ($1, $2, $3, $4)', [
        user.email,
        'merchandiser',
        await hashPassword(user.password),
        regions,
      ]);
    }
    as.admin = { cookie: await signIn(BASE, ADMIN.email, ADMIN.password) };
    as.ana = { cookie: await signIn(BASE, ANA.email, ANA.password) };
    as.ben = { cookie: await signIn(BASE, BEN.email, BEN.password) };
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
    await db?.drop();
  });

  it('saves a view canonical, lists it by name, and opens it on the dashboard', async () => {
    const created = await call<{ view: View }>(as.ana, 'POST', '/api/v1/views', {
      name: '  EU week ',
      query: '?range=7d&region=EU&compare=last_week&store=B&store=A',
    });
    expect(created.status).toBe(201);
    expect(created.body.view).toMatchObject({
      name: 'EU week',
      query: 'range=7d&store=A&store=B&region=eu&compare=last_week',
    });
    await call(as.ana, 'POST', '/api/v1/views', { name: 'apparel today', query: 'range=today&category=Apparel' });
    const list = await call<{ views: View[] }>(as.ana, 'GET', '/api/v1/views');
    expect(list.status).toBe(200);
    expect(list.body.views.map((v) => v.name)).toEqual(['apparel today', 'EU week']);
    // What was stored opens as the dashboard (the same parsing and scope: 200, not 400 or 403).
    const page = await fetch(`${BASE}/?${created.body.view.query}`, { headers: as.ana, redirect: 'manual' });
    expect(page.status).toBe(200);
  });

  it('refuses views the dashboard would refuse, with 400s naming the parameter', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ name: 'x', query: 'range=2h' }, 'query.range', /range/],
      [{ name: 'x', query: 'range=1h&tv=1' }, 'query', /tv is not a view parameter/],
      [{ name: 'x', query: 'region=us' }, 'query.region', /scope/],
      [{ name: '', query: '' }, 'name', /name must not be empty/],
      [{ name: 'x'.repeat(81), query: '' }, 'name', /at most 80/],
      [{ name: 'x' }, 'query', /query/],
      [{ name: 'x', query: '', owner: '1' }, 'owner', /not a field/],
    ];
    for (const [body, param, message] of cases) {
      const res = await call<ErrorBody>(as.ana, 'POST', '/api/v1/views', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.param).toBe(param);
      expect(res.body.error.message).toMatch(message);
    }
    const notJson = await fetch(`${BASE}/api/v1/views`, {
      method: 'POST',
      headers: { ...as.ana, 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it('keeps each user to their own views: others are not listed, renamed or deleted (404)', async () => {
    const mine = (await call<{ views: View[] }>(as.ana, 'GET', '/api/v1/views')).body.views;
    const target = mine[0] as View;
    expect((await call<{ views: View[] }>(as.ben, 'GET', '/api/v1/views')).body.views).toEqual([]);
    expect((await call<{ views: View[] }>(as.admin, 'GET', '/api/v1/views')).body.views).toEqual([]);
    expect((await call(as.ben, 'PATCH', `/api/v1/views/${target.id}`, { name: 'mine now' })).status).toBe(404);
    expect((await call(as.admin, 'DELETE', `/api/v1/views/${target.id}`)).status).toBe(404);
    // Ben may use the same name for a view of his own.
    expect((await call(as.ben, 'POST', '/api/v1/views', { name: target.name, query: '' })).status).toBe(201);
    const after = (await call<{ views: View[] }>(as.ana, 'GET', '/api/v1/views')).body.views;
    expect(after).toEqual(mine);
  });

  it('renames (names unique per user whatever their case), updates the query and deletes', async () => {
    const [first, second] = (await call<{ views: View[] }>(as.ana, 'GET', '/api/v1/views')).body.views as View[];
    const clash = await call<ErrorBody>(as.ana, 'PATCH', `/api/v1/views/${first?.id}`, {
      name: second?.name.toUpperCase(),
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('name_taken');
    const dup = await call<ErrorBody>(as.ana, 'POST', '/api/v1/views', { name: 'eu WEEK', query: '' });
    expect(dup.status).toBe(409);

    const renamed = await call<{ view: View }>(as.ana, 'PATCH', `/api/v1/views/${first?.id}`, {
      name: 'Apparel, today',
      query: 'range=today&category=Apparel&top=25',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.view).toMatchObject({
      id: first?.id,
      name: 'Apparel, today',
      query: 'range=today&category=Apparel&top=25',
    });
    expect(Date.parse(renamed.body.view.updated_at)).toBeGreaterThanOrEqual(Date.parse(first?.updated_at ?? ''));
    const badQuery = await call<ErrorBody>(as.ana, 'PATCH', `/api/v1/views/${first?.id}`, { query: 'top=7' });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.param).toBe('query.top');

    expect((await call(as.ana, 'DELETE', `/api/v1/views/${first?.id}`)).status).toBe(204);
    expect((await call(as.ana, 'DELETE', `/api/v1/views/${first?.id}`)).status).toBe(404);
    expect((await call(as.ana, 'DELETE', '/api/v1/views/not-an-id')).status).toBe(404);
    const left = (await call<{ views: View[] }>(as.ana, 'GET', '/api/v1/views')).body.views;
    expect(left.map((v) => v.id)).toEqual([second?.id]);
  });

  it(`holds a user to ${MAX_SAVED_VIEWS} views, even when saved at once`, async () => {
    const saves = await Promise.all(
      Array.from({ length: MAX_SAVED_VIEWS + 5 }, (_, i) =>
        call<ErrorBody>(as.ben, 'POST', '/api/v1/views', { name: `view ${i}`, query: `range=${i % 2 ? '4h' : '24h'}` }),
      ),
    );
    const refused = saves.filter((s) => s.status === 409);
    expect(saves.filter((s) => s.status === 201)).toHaveLength(MAX_SAVED_VIEWS - 1); // Ben had one already
    expect(refused).toHaveLength(6);
    expect(refused[0]?.body.error.code).toBe('too_many_views');
    const [{ n }] = (await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM saved_view v JOIN app_user u ON u.id = v.user_id WHERE u.email = 'ben@views.test'",
    )) as [{ n: string }];
    expect(Number(n)).toBe(MAX_SAVED_VIEWS);
  });

  it('has no saved views for an embed token, nor for nobody', async () => {
    const embed = await call<{ embed: { id: string } }>(as.admin, 'POST', '/api/v1/admin/embeds', {
      name: 'portal',
      view: 'dashboard',
    });
    const key = await call<{ key: { kid: string; secret: string } }>(as.admin, 'POST', '/api/v1/admin/embed-keys');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: key.body.key.kid })
      .setSubject(embed.body.embed.id)
      .setAudience('pulse')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(Buffer.from(key.body.key.secret, 'base64url'));
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call(bearer, 'GET', '/api/v1/filters')).status).toBe(200);
    expect((await call(bearer, 'GET', '/api/v1/views')).status).toBe(403);
    expect((await call(bearer, 'POST', '/api/v1/views', { name: 'x', query: '' })).status).toBe(403);
    expect((await call({}, 'GET', '/api/v1/views')).status).toBe(401);
  });
});
