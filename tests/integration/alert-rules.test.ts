// Alert rules administration against a real web process (production build) and PostgreSQL: the
// seeded defaults listed, create / change / disable / delete with the row as stored (updated_by
// the admin), a 400 naming the field for every rule the alert_rule table's CHECK constraints
// refuse (and nothing written), no deleting a rule with open alerts, and only admins get in:
// nobody, viewers, merchandisers, embed tokens and the ops token are refused on every route.

import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Managed } from '@/scripts/lib/processes';
import {
  createTestDatabase,
  createTestUser,
  signIn,
  startWeb,
  type TestDatabase,
  testTopic,
  webEnv,
} from '@/tests/support/stack';

const WEB_PORT = 3492;
const BASE = `http://127.0.0.1:${WEB_PORT}`;
const ADMIN = { email: 'rules-admin@example.com', password: 'first-admin-password-1' };
const OPS_TOKEN = 'alert-rules-ops-token-0123456789';
const PASSWORD = 'a-long-enough-password';

interface Answer<T> {
  status: number;
  body: T;
}

interface Rule {
  id: string;
  name: string;
  metric: string;
  level: string;
  scope_kind: string;
  scope_value: string | null;
  threshold: number | null;
  window_minutes: number;
  history_days: number;
  severity: string;
  enabled: boolean;
  open_alerts: number;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
}
type ErrorBody = { error: { code: string; message: string; param?: string } };

async function call<T = Record<string, unknown>>(
  headers: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('application/json');
  return { status: res.status, body: (json && text ? JSON.parse(text) : null) as T };
}

const ON_HAND = { name: 'Paris under 5', metric: 'on_hand', scope_kind: 'store', scope_value: 'PAR-01', threshold: 5 };

describe('admin: alert rules (real web process)', () => {
  let db: TestDatabase;
  let web: Managed | null = null;
  let admin: Record<string, string>;
  let adminId: string;

  const create = (body: unknown) => call<{ rule: Rule }>(admin, 'POST', '/api/v1/admin/alert-rules', body);
  const list = async () => (await call<{ rules: Rule[] }>(admin, 'GET', '/api/v1/admin/alert-rules')).body.rules;
  const ruleCount = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM alert_rule'))[0]?.n);

  beforeAll(async () => {
    db = await createTestDatabase('pulse_it_alert_rules');
    web = await startWeb(
      {
        ...webEnv(db.url, testTopic('it.alert-rules')),
        PULSE_ADMIN_EMAIL: ADMIN.email,
        PULSE_ADMIN_PASSWORD: ADMIN.password,
        OPS_TOKEN,
      },
      WEB_PORT,
    );
    admin = { cookie: await signIn(BASE, ADMIN.email, ADMIN.password) };
    const users = await call<{ users: { id: string; email: string }[] }>(admin, 'GET', '/api/v1/admin/users');
    adminId = users.body.users.find((u) => u.email === ADMIN.email)?.id as string;
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
    await db?.drop();
  });

  it('lists the rules a fresh install starts with', async () => {
    const rules = await list();
    expect(rules.map(({ id: _id, created_at: _c, updated_at: _u, ...rule }) => rule)).toEqual([
      {
        name: 'Low stock',
        metric: 'low_stock',
        level: 'store_sku',
        scope_kind: 'all',
        scope_value: null,
        threshold: null,
        window_minutes: 60,
        history_days: 14,
        severity: 'warning',
        enabled: true,
        open_alerts: 0,
        updated_by: null,
      },
      {
        name: 'Store revenue anomaly',
        metric: 'revenue_anomaly',
        level: 'store',
        scope_kind: 'all',
        scope_value: null,
        threshold: 3.5,
        window_minutes: 5,
        history_days: 14,
        severity: 'warning',
        enabled: true,
        open_alerts: 0,
        updated_by: null,
      },
      {
        name: 'Category orders anomaly',
        metric: 'orders_anomaly',
        level: 'category',
        scope_kind: 'all',
        scope_value: null,
        threshold: 3.5,
        window_minutes: 15,
        history_days: 14,
        severity: 'warning',
        enabled: true,
        open_alerts: 0,
        updated_by: null,
      },
    ]);
  });

  it('creates, changes, disables and deletes a rule; the row holds what the API answered', async () => {
    const created = await create({ ...ON_HAND, severity: 'critical' });
    expect(created.status).toBe(201);
    const rule = created.body.rule;
    expect(rule).toMatchObject({
      ...ON_HAND,
      level: 'store_sku',
      window_minutes: 60,
      history_days: 14,
      severity: 'critical',
      enabled: true,
      open_alerts: 0,
      updated_by: adminId,
    });
    expect((await list()).map((r) => r.id)).toContain(rule.id);

    const changed = await call<{ rule: Rule }>(admin, 'PATCH', `/api/v1/admin/alert-rules/${rule.id}`, {
      threshold: 8,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.rule).toMatchObject({ ...ON_HAND, threshold: 8, severity: 'critical', enabled: true });
    expect(Date.parse(changed.body.rule.updated_at)).toBeGreaterThanOrEqual(Date.parse(rule.updated_at));

    const disabled = await call<{ rule: Rule }>(admin, 'PATCH', `/api/v1/admin/alert-rules/${rule.id}`, {
      enabled: false,
    });
    expect(disabled.body.rule).toMatchObject({ threshold: 8, enabled: false });
    const [row] = await db.query<Record<string, unknown>>(
      'SELECT name, metric, level, scope_kind, scope_value, threshold, enabled, severity, updated_by::text FROM alert_rule WHERE id = $1',
      [rule.id],
    );
    expect(row).toEqual({
      name: ON_HAND.name,
      metric: 'on_hand',
      level: 'store_sku',
      scope_kind: 'store',
      scope_value: 'PAR-01',
      threshold: 8,
      enabled: false,
      severity: 'critical',
      updated_by: adminId,
    });

    expect((await call(admin, 'DELETE', `/api/v1/admin/alert-rules/${rule.id}`)).status).toBe(204);
    expect((await call(admin, 'DELETE', `/api/v1/admin/alert-rules/${rule.id}`)).status).toBe(404);
    expect((await call(admin, 'PATCH', `/api/v1/admin/alert-rules/${rule.id}`, { enabled: true })).status).toBe(404);
    expect((await list()).map((r) => r.id)).not.toContain(rule.id);
    const bad = await call<ErrorBody>(admin, 'PATCH', '/api/v1/admin/alert-rules/abc', { enabled: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('id');
  });

  it('stores what a metric implies: a region as sales count it, a changed metric re-checked whole', async () => {
    const anomaly = await create({
      name: 'EU orders',
      metric: 'orders_anomaly',
      level: 'category',
      scope_kind: 'region',
      scope_value: 'EU-West',
      threshold: 4,
      window_minutes: 30,
      history_days: 28,
      severity: 'info',
    });
    expect(anomaly.status).toBe(201);
    expect(anomaly.body.rule).toMatchObject({ scope_value: 'eu-west', window_minutes: 30, history_days: 28 });
    const id = anomaly.body.rule.id;
    // To a stock metric: per store × SKU implied; z is not days, so a threshold is asked for.
    const noThreshold = await call<ErrorBody>(admin, 'PATCH', `/api/v1/admin/alert-rules/${id}`, {
      metric: 'days_of_cover',
    });
    expect(noThreshold.status).toBe(400);
    expect(noThreshold.body.error).toMatchObject({ code: 'invalid_parameter', param: 'threshold' });
    const cover = await call<{ rule: Rule }>(admin, 'PATCH', `/api/v1/admin/alert-rules/${id}`, {
      metric: 'days_of_cover',
      threshold: 2.5,
    });
    expect(cover.body.rule).toMatchObject({ metric: 'days_of_cover', level: 'store_sku', threshold: 2.5 });
    const low = await call<{ rule: Rule }>(admin, 'PATCH', `/api/v1/admin/alert-rules/${id}`, {
      metric: 'low_stock',
      scope_kind: 'all',
    });
    expect(low.body.rule).toMatchObject({ metric: 'low_stock', threshold: null, scope_kind: 'all', scope_value: null });
    // Back to an anomaly: its level must be given again.
    const level = await call<ErrorBody>(admin, 'PATCH', `/api/v1/admin/alert-rules/${id}`, {
      metric: 'revenue_anomaly',
      threshold: 3,
    });
    expect(level.body.error.param).toBe('level');
    expect((await call(admin, 'DELETE', `/api/v1/admin/alert-rules/${id}`)).status).toBe(204);
  });

  it.each([
    [{ ...ON_HAND, name: '' }, 'name'],
    [{ ...ON_HAND, name: 'x'.repeat(81) }, 'name'],
    [{ ...ON_HAND, metric: 'stock_value' }, 'metric'],
    [{ name: 'No metric', threshold: 5 }, 'metric'],
    [{ ...ON_HAND, level: 'store' }, 'level'],
    [{ name: 'Anomaly', metric: 'revenue_anomaly', threshold: 3 }, 'level'],
    [{ name: 'Anomaly', metric: 'revenue_anomaly', level: 'store_sku', threshold: 3 }, 'level'],
    [{ ...ON_HAND, scope_kind: 'channel' }, 'scope_kind'],
    [{ ...ON_HAND, scope_value: null }, 'scope_value'],
    [{ ...ON_HAND, scope_kind: 'all' }, 'scope_value'],
    [{ ...ON_HAND, threshold: 0 }, 'threshold'],
    [{ ...ON_HAND, threshold: -2 }, 'threshold'],
    [{ ...ON_HAND, threshold: null }, 'threshold'],
    [{ name: 'Low', metric: 'low_stock', threshold: 2 }, 'threshold'],
    [{ name: 'Cover', metric: 'days_of_cover' }, 'threshold'],
    [{ ...ON_HAND, window_minutes: 4 }, 'window_minutes'],
    [{ ...ON_HAND, window_minutes: 1441 }, 'window_minutes'],
    [{ ...ON_HAND, history_days: 2 }, 'history_days'],
    [{ ...ON_HAND, history_days: 91 }, 'history_days'],
    [{ ...ON_HAND, severity: 'fatal' }, 'severity'],
    [{ ...ON_HAND, enabled: 'yes' }, 'enabled'],
    [{ ...ON_HAND, updated_by: '7' }, 'updated_by'],
    [[ON_HAND], 'body'],
  ])('refuses %j with a 400 naming %s, and writes nothing', async (body, param) => {
    const before = await ruleCount();
    const res = await create(body);
    expect(res.status).toBe(400);
    const { error } = res.body as unknown as ErrorBody;
    expect(error).toMatchObject({ code: 'invalid_parameter', param });
    expect(error.message).toContain(param === 'body' ? 'body' : param);
    expect(await ruleCount()).toBe(before);
  });

  it('refuses a patch that changes nothing or breaks the rule, and leaves it as it was', async () => {
    const { body } = await create(ON_HAND);
    const id = body.rule.id;
    for (const [patch, param] of [
      [{}, 'body'],
      [{ threshold: null }, 'threshold'],
      [{ scope_kind: 'region' }, 'scope_value'],
      [{ level: 'sku' }, 'level'],
      [{ window_minutes: 0 }, 'window_minutes'],
    ] as const) {
      const res = await call<ErrorBody>(admin, 'PATCH', `/api/v1/admin/alert-rules/${id}`, patch);
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.body.error.param).toBe(param);
    }
    expect((await list()).find((r) => r.id === id)).toEqual(body.rule);
    await call(admin, 'DELETE', `/api/v1/admin/alert-rules/${id}`);
  });

  it('keeps a rule with open alerts: disable it, let them clear, then delete it (409 until then)', async () => {
    const { body } = await create(ON_HAND);
    const id = body.rule.id;
    const [episode] = await db.query<{ id: string }>(
      `INSERT INTO alert_episode (rule_id, kind, subject_key, store_id, sku, severity, opened_at)
       VALUES ($1, 'low_stock', 'PAR-01|SKU-1', 'PAR-01', 'SKU-1', 'warning', now()) RETURNING id::text`,
      [id],
    );
    expect((await list()).find((r) => r.id === id)?.open_alerts).toBe(1);
    const refused = await call<ErrorBody>(admin, 'DELETE', `/api/v1/admin/alert-rules/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('rule_has_open_alerts');
    expect(refused.body.error.message).toMatch(/1 open alert: disable it first/);
    await call(admin, 'PATCH', `/api/v1/admin/alert-rules/${id}`, { enabled: false });
    const stillOpen = await call<ErrorBody>(admin, 'DELETE', `/api/v1/admin/alert-rules/${id}`);
    expect(stillOpen.status).toBe(409);
    expect(stillOpen.body.error.message).toMatch(/cleared on the next evaluation/);
    // What the evaluator does for a disabled rule.
    await db.query('UPDATE alert_episode SET cleared_at = now() WHERE id = $1', [episode?.id]);
    expect((await list()).find((r) => r.id === id)?.open_alerts).toBe(0);
    expect((await call(admin, 'DELETE', `/api/v1/admin/alert-rules/${id}`)).status).toBe(204);
    // The cleared episode stays in the history, without its rule.
    const [kept] = await db.query<{ rule_id: string | null }>('SELECT rule_id FROM alert_episode WHERE id = $1', [
      episode?.id,
    ]);
    expect(kept).toEqual({ rule_id: null });
  });

  it('lets only admins in: nobody 401; viewers, merchandisers, embed tokens and the ops token 403', async () => {
    await createTestUser(db, { email: 'viewer@rules.test', password: PASSWORD, role: 'viewer' });
    await createTestUser(db, { email: 'merch@rules.test', password: PASSWORD, role: 'merchandiser' });
    const embed = await call<{ embed: { id: string } }>(admin, 'POST', '/api/v1/admin/embeds', {
      name: 'Portal',
      view: 'dashboard',
    });
    const key = await call<{ key: { kid: string; secret: string } }>(admin, 'POST', '/api/v1/admin/embed-keys');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: key.body.key.kid })
      .setSubject(embed.body.embed.id)
      .setAudience('pulse')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(Buffer.from(key.body.key.secret, 'base64url'));
    const embedHeaders = { authorization: `Bearer ${token}` };
    // The token works where embeds may go, so its refusal below is the rule's.
    expect((await call(embedHeaders, 'GET', '/api/v1/filters')).status).toBe(200);
    const seeded = (await list())[0]?.id as string;
    const attempts: [string, string, unknown?][] = [
      ['GET', '/api/v1/admin/alert-rules'],
      ['POST', '/api/v1/admin/alert-rules', { ...ON_HAND, name: 'Sneaky' }],
      ['PATCH', `/api/v1/admin/alert-rules/${seeded}`, { enabled: false }],
      ['DELETE', `/api/v1/admin/alert-rules/${seeded}`],
      ['GET', '/admin/alerts'],
    ];
    const who: [string, Record<string, string>, number][] = [
      ['nobody', {}, 401],
      ['viewer', { cookie: await signIn(BASE, 'viewer@rules.test', PASSWORD) }, 403],
      ['merchandiser', { cookie: await signIn(BASE, 'merch@rules.test', PASSWORD) }, 403],
      ['embed token', embedHeaders, 403],
      ['ops token', { authorization: `Bearer ${OPS_TOKEN}` }, 403],
    ];
    for (const [name, headers, status] of who) {
      for (const [method, path, body] of attempts) {
        const res = await call(headers, method, path, body);
        // The page sends nobody to sign in (303); the API answers 401.
        const want = name === 'nobody' && path === '/admin/alerts' ? 303 : status;
        expect(res.status, `${name} ${method} ${path}`).toBe(want);
      }
    }
    const after = await list();
    expect(after.some((r) => r.name === 'Sneaky')).toBe(false);
    expect(after.find((r) => r.id === seeded)?.enabled).toBe(true);
  });

  it('refuses changes from a foreign origin (403)', async () => {
    const res = await call({ ...admin, origin: 'https://evil.example' }, 'POST', '/api/v1/admin/alert-rules', ON_HAND);
    expect(res.status).toBe(403);
    const del = await call({ ...admin, origin: 'https://evil.example' }, 'DELETE', '/api/v1/admin/alert-rules/1');
    expect(del.status).toBe(403);
    expect((await list()).some((r) => r.id === '1')).toBe(true);
  });

  it('serves /admin/alerts to admins, with the rules and the admin tabs', async () => {
    const res = await fetch(`${BASE}/admin/alerts`, { headers: admin });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="admin-tabs"');
    expect(html).toContain('data-testid="admin-tab-alerts"');
    expect(html).toContain('Store revenue anomaly');
  });
});
