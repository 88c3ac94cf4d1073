// The alerts API over the real web process (production build) and PostgreSQL: episodes opened
// as the actions worker's evaluator opens them (tests/support/episodes.ts), then listed and acted
// on by users of each role and scope. Asserts the scope (stores, regions, categories: invisible
// and 404 outside it), the roles (viewers read, merchandisers and admins act), the 400s, 404s and
// 409s, idempotence, that every action wrote exactly one outbox row of the right type with the
// acting user, and the live `alerts` pushes held to the viewer's scope.
import type { PrismaClient } from '@prisma/client';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertAction, AlertEpisode, Alerts } from '@/lib/contract/alerts';
import type { LivePush } from '@/lib/contract/live-channel';
import type { Managed } from '@/scripts/lib/processes';
import { episodesDb, openTestEpisode, outboxOf } from '@/tests/support/episodes';
import { documentValidator, type OpenApiDocument, responseAt } from '@/tests/support/openapi';
import {
  createSalesStack,
  type SalesStack,
  signIn,
  startWeb,
  TEST_ADMIN,
  waitFor,
  webUrl,
} from '@/tests/support/stack';

const WEB_PORT = 3760 + (process.pid % 40);
const BASE = webUrl(WEB_PORT);

type Who = 'admin' | 'viewer' | 'merchNyc' | 'merchEu' | 'merchShoes';
const USERS: Record<Exclude<Who, 'admin'>, { email: string; role: string; column?: string; values?: string[] }> = {
  viewer: { email: 'viewer@alerts.test', role: 'viewer' },
  merchNyc: { email: 'nyc@alerts.test', role: 'merchandiser', column: 'scope_stores', values: ['NYC-01'] },
  merchEu: { email: 'eu@alerts.test', role: 'merchandiser', column: 'scope_regions', values: ['eu'] },
  merchShoes: { email: 'shoes@alerts.test', role: 'merchandiser', column: 'scope_categories', values: ['Shoes'] },
};
const PASSWORD = 'alerts-password-0123';

const cookies = new Map<Who, string>();
const ids: Record<'lowNyc' | 'lowPar' | 'anomalyEu' | 'restockNyc' | 'markdownPar', bigint> = {
  lowNyc: 0n,
  lowPar: 0n,
  anomalyEu: 0n,
  restockNyc: 0n,
  markdownPar: 0n,
};

let stack: SalesStack;
let web: Managed | undefined;
let prisma: PrismaClient;
let userIds: Map<string, string>;

async function call(who: Who, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
  const headers: Record<string, string> = { cookie: cookies.get(who) as string };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, text };
}

async function list(who: Who, query = ''): Promise<Alerts> {
  const res = await call(who, `/api/v1/alerts${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body as Alerts;
}

const idsOf = (alerts: Alerts) => alerts.episodes.map((e) => BigInt(e.id)).sort();
const sortedIds = (...values: bigint[]) => [...values].sort();

async function act(who: Who, id: bigint, action: string, body?: unknown) {
  return call(who, `/api/v1/alerts/${id}/${action}`, body ?? '', 'POST');
}

async function types(id: bigint): Promise<string[]> {
  return (await outboxOf(prisma, id)).map((r) => r.type);
}

describe('alerts API', () => {
  beforeAll(async () => {
    stack = await createSalesStack('pulse_it_alerts', 1);
    await stack.db.query(`INSERT INTO store (store_id, region) VALUES ('NYC-01', 'us'), ('PAR-01', 'eu')`);
    await stack.db.query(
      `INSERT INTO product (sku, name, category) VALUES ('SKU-SHOE', 'Runner', 'Shoes'), ('SKU-BAG', 'Tote', 'Bags')`,
    );
    const { hashPassword } = await import('@/lib/web/auth/password');
    const hash = await hashPassword(PASSWORD);
    for (const user of Object.values(USERS)) {
      const column = user.column ?? 'scope_stores';
      await stack.db.query(
        `INSERT INTO app_user (email, name, role, password_hash, ${column}) VALUES ($1, $2, $3, $4, $5)`,
        [user.email, user.role, user.role, hash, user.values ?? []],
      );
    }
    web = await startWeb({ ...stack.env, LOG_LEVEL: 'warn' }, WEB_PORT);
    cookies.set('admin', await signIn(BASE, TEST_ADMIN.email, TEST_ADMIN.password));
    for (const [who, user] of Object.entries(USERS)) cookies.set(who as Who, await signIn(BASE, user.email, PASSWORD));
    const rows = await stack.db.query<{ id: string; email: string }>('SELECT id::text, email FROM app_user');
    userIds = new Map(rows.map((r) => [r.email, r.id]));

    prisma = episodesDb(stack.db.url);
    ids.lowNyc = await openTestEpisode(prisma, {
      kind: 'low_stock',
      severity: 'critical',
      storeId: 'NYC-01',
      sku: 'SKU-SHOE',
      details: { on_hand: 2, reorder_point: 10, reasoning: 'On hand 2 is below the reorder point 10' },
    });
    ids.lowPar = await openTestEpisode(prisma, { kind: 'low_stock', storeId: 'PAR-01', sku: 'SKU-BAG' });
    ids.anomalyEu = await openTestEpisode(prisma, {
      kind: 'sales_anomaly',
      ruleId: 2n,
      region: 'eu',
      severity: 'info',
      details: { observed: 120, expected: 40, z: 5.1, direction: 'spike', reason: 'Revenue 3× the usual hour' },
    });
    ids.restockNyc = await openTestEpisode(prisma, {
      kind: 'restock',
      storeId: 'NYC-01',
      sku: 'SKU-BAG',
      details: { restock_units: 24 },
    });
    ids.markdownPar = await openTestEpisode(prisma, { kind: 'markdown', storeId: 'PAR-01', sku: 'SKU-SHOE' });
  }, 180_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await web?.stop();
    await stack?.stop();
  });

  it('lists the open episodes, critical first, with subject, reasoning and rule', async () => {
    const all = await list('admin');
    expect(all.total).toBe(5);
    expect(idsOf(all)).toEqual(sortedIds(...Object.values(ids)));
    const first = all.episodes[0] as AlertEpisode;
    expect(first).toMatchObject({
      id: String(ids.lowNyc),
      kind: 'low_stock',
      class: 'alert',
      severity: 'critical',
      state: 'open',
      rule_id: '1',
      rule_name: 'Low stock',
      subject: { store_id: 'NYC-01', sku: 'SKU-SHOE', region: null, category: null },
      reasoning: 'On hand 2 is below the reorder point 10',
      details: { on_hand: 2, reorder_point: 10 },
      acknowledged: null,
      snoozed_until: null,
      decision: null,
      cleared_at: null,
    });
    expect(all.episodes.at(-1)?.severity).toBe('info');
    const anomaly = all.episodes.find((e) => e.id === String(ids.anomalyEu));
    expect(anomaly?.reasoning).toBe('Revenue 3× the usual hour');
    expect(anomaly?.rule_name).toBe('Store revenue anomaly');
    const restock = all.episodes.find((e) => e.id === String(ids.restockNyc));
    expect(restock).toMatchObject({ class: 'suggestion', rule_id: null, rule_name: null });

    expect(idsOf(await list('admin', '?kind=restock&kind=markdown'))).toEqual(
      sortedIds(ids.restockNyc, ids.markdownPar),
    );
    expect(idsOf(await list('admin', '?severity=critical'))).toEqual([ids.lowNyc]);
    expect(idsOf(await list('admin', '?store=PAR-01&sku=SKU-BAG'))).toEqual([ids.lowPar]);
    const page = await list('admin', '?limit=2&offset=1');
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.episodes.map((e) => e.id)).toEqual(all.episodes.slice(1, 3).map((e) => e.id));
  });

  it('answers what the OpenAPI document says', async () => {
    const doc = (await (await fetch(`${BASE}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    const validate = documentValidator(doc)(responseAt('/api/v1/alerts', 'get', '200'));
    const body = await list('admin', '?state=all');
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses bad parameters with 400 naming them', async () => {
    for (const [query, param] of [
      ['?state=closed', 'state'],
      ['?state=open&state=all', 'state'],
      ['?kind=fire', 'kind'],
      ['?severity=high', 'severity'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?offset=-1', 'offset'],
      ['?store=', 'store'],
    ] as const) {
      const res = await call('admin', `/api/v1/alerts${query}`);
      expect(res.status, query).toBe(400);
      expect((res.body as { error: { param: string } }).error.param, query).toBe(param);
    }
  });

  it('shows each user the episodes of their stores, regions and categories only', async () => {
    expect(idsOf(await list('merchNyc'))).toEqual(sortedIds(ids.lowNyc, ids.restockNyc));
    // The region comes from the store's row; the region-wide anomaly is in the region.
    expect(idsOf(await list('merchEu'))).toEqual(sortedIds(ids.lowPar, ids.anomalyEu, ids.markdownPar));
    // The category comes from the product's row; the anomaly names no category, so it is not shown.
    expect(idsOf(await list('merchShoes'))).toEqual(sortedIds(ids.lowNyc, ids.markdownPar));
    expect((await list('viewer')).total).toBe(5);
    const outside = await call('merchNyc', '/api/v1/alerts?store=PAR-01');
    expect(outside.status).toBe(403);
    expect((outside.body as { error: { code: string } }).error.code).toBe('outside_scope');
  });

  it('answers 404 for episodes outside the scope and unknown ids, and publishes nothing', async () => {
    for (const [who, id, action] of [
      ['merchNyc', ids.lowPar, 'acknowledge'],
      ['merchNyc', ids.markdownPar, 'accept'],
      ['merchEu', ids.lowNyc, 'snooze'],
      ['merchShoes', ids.anomalyEu, 'acknowledge'],
    ] as const) {
      const res = await act(who, id, action, action === 'snooze' ? { minutes: 15 } : {});
      expect(res.status, `${who} ${action} ${id}`).toBe(404);
    }
    for (const path of [
      '/api/v1/alerts/abc/acknowledge',
      '/api/v1/alerts/0/acknowledge',
      '/api/v1/alerts/999999/accept',
    ]) {
      expect((await call('admin', path, {})).status, path).toBe(404);
    }
    expect(await types(ids.lowPar)).toEqual(['alert.opened']);
    expect(await types(ids.markdownPar)).toEqual(['suggestion.opened']);
  });

  it('lets viewers read but not act', async () => {
    const res = await act('viewer', ids.lowNyc, 'acknowledge');
    expect(res.status).toBe(403);
    expect((await act('viewer', ids.restockNyc, 'accept')).status).toBe(403);
    expect(await types(ids.lowNyc)).toEqual(['alert.opened']);
    const anonymous = await fetch(`${BASE}/api/v1/alerts/${ids.lowNyc}/acknowledge`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });

  it('acknowledges once: the second call changes nothing and publishes nothing', async () => {
    const first = await act('merchNyc', ids.lowNyc, 'acknowledge');
    expect(first.status, first.text).toBe(200);
    const done = first.body as AlertAction;
    expect(done.changed).toBe(true);
    expect(done.episode.acknowledged?.by).toEqual({
      user_id: userIds.get(USERS.merchNyc.email),
      email: USERS.merchNyc.email,
    });
    const again = await act('admin', ids.lowNyc, 'acknowledge', {});
    expect(again.status).toBe(200);
    expect((again.body as AlertAction).changed).toBe(false);
    expect((again.body as AlertAction).episode.acknowledged?.by?.email).toBe(USERS.merchNyc.email);
    const outbox = await outboxOf(prisma, ids.lowNyc);
    expect(outbox.map((r) => r.type)).toEqual(['alert.opened', 'alert.acknowledged']);
    expect(outbox[1]?.payload.actor).toEqual({
      user_id: userIds.get(USERS.merchNyc.email),
      email: USERS.merchNyc.email,
    });
    // Still open (acknowledged alerts stay on the list, marked).
    expect((await list('merchNyc', '?kind=low_stock')).episodes[0]?.acknowledged?.by?.email).toBe(USERS.merchNyc.email);
  });

  it('refuses bad snooze and decision bodies with 400', async () => {
    const until = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    for (const [body, param] of [
      [{}, 'body'],
      [{ minutes: 4 }, 'minutes'],
      [{ minutes: 10_081 }, 'minutes'],
      [{ minutes: 7.5 }, 'minutes'],
      [{ minutes: '15' }, 'minutes'],
      [{ minutes: 15, until: until(30) }, 'body'],
      [{ until: until(-10) }, 'until'],
      [{ until: until(60 * 24 * 8) }, 'until'],
      [{ until: 'tomorrow' }, 'until'],
      [{ hours: 1 }, 'hours'],
      ['{not json', 'body'],
    ] as const) {
      const res = await act('admin', ids.lowPar, 'snooze', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { error: { param: string } }).error.param, JSON.stringify(body)).toBe(param);
    }
    for (const body of [{ note: 'x'.repeat(501) }, { note: 5 }, { decision: 'yes' }, '[']) {
      const res = await act('admin', ids.markdownPar, 'dismiss', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await act('admin', ids.lowPar, 'acknowledge', { minutes: 5 })).status).toBe(400);
    expect(await types(ids.lowPar)).toEqual(['alert.opened']);
    expect(await types(ids.markdownPar)).toEqual(['suggestion.opened']);
  });

  it('snoozes: hidden from the open list, listed as snoozed, one alert.snoozed with its time', async () => {
    const res = await act('merchEu', ids.lowPar, 'snooze', { minutes: 60 });
    expect(res.status, res.text).toBe(200);
    const { episode } = res.body as AlertAction;
    expect(episode.state).toBe('snoozed');
    const until = Date.parse(episode.snoozed_until as string);
    expect(Math.abs(until - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    expect(idsOf(await list('admin'))).not.toContain(ids.lowPar);
    expect(idsOf(await list('admin', '?state=snoozed'))).toEqual([ids.lowPar]);
    expect(idsOf(await list('admin', '?state=all'))).toContain(ids.lowPar);
    const outbox = await outboxOf(prisma, ids.lowPar);
    expect(outbox.map((r) => r.type)).toEqual(['alert.opened', 'alert.snoozed']);
    expect(outbox[1]?.payload.snoozed_until).toBe(episode.snoozed_until);
    expect(outbox[1]?.payload.actor?.email).toBe(USERS.merchEu.email);
  });

  it('refuses the wrong action for the class with 409', async () => {
    const accept = await act('admin', ids.lowNyc, 'accept', {});
    expect(accept.status).toBe(409);
    expect((accept.body as { error: { code: string } }).error.code).toBe('not_a_suggestion');
    expect((await act('admin', ids.anomalyEu, 'dismiss')).status).toBe(409);
    const ack = await act('admin', ids.restockNyc, 'acknowledge');
    expect(ack.status).toBe(409);
    expect((ack.body as { error: { code: string } }).error.code).toBe('not_an_alert');
    expect((await act('admin', ids.restockNyc, 'snooze', { minutes: 15 })).status).toBe(409);
    expect(await types(ids.restockNyc)).toEqual(['suggestion.opened']);
  });

  it('decides a suggestion once: the decision and its note are published, a second decision is 409', async () => {
    const res = await act('merchNyc', ids.restockNyc, 'accept', { note: '  ordered 24 from the DC  ' });
    expect(res.status, res.text).toBe(200);
    const { episode, changed } = res.body as AlertAction;
    expect(changed).toBe(true);
    expect(episode.decision).toMatchObject({
      value: 'accepted',
      by: { user_id: userIds.get(USERS.merchNyc.email), email: USERS.merchNyc.email },
    });
    for (const action of ['accept', 'dismiss']) {
      const again = await act('admin', ids.restockNyc, action, {});
      expect(again.status, action).toBe(409);
      expect((again.body as { error: { code: string } }).error.code).toBe('already_decided');
    }
    const outbox = await outboxOf(prisma, ids.restockNyc);
    expect(outbox.map((r) => r.type)).toEqual(['suggestion.opened', 'suggestion.accepted']);
    expect(outbox[1]?.payload.note).toBe('ordered 24 from the DC');
    expect(outbox[1]?.payload.actor?.email).toBe(USERS.merchNyc.email);

    const dismissed = await act('merchShoes', ids.markdownPar, 'dismiss');
    expect(dismissed.status, dismissed.text).toBe(200);
    expect((dismissed.body as AlertAction).episode.decision?.value).toBe('dismissed');
    const dismissOutbox = await outboxOf(prisma, ids.markdownPar);
    expect(dismissOutbox.map((r) => r.type)).toEqual(['suggestion.opened', 'suggestion.dismissed']);
    expect(dismissOutbox[1]?.payload.note).toBeUndefined();
    // A decided suggestion stays listed (open until its condition clears), with its decision.
    const listed = (await list('merchNyc', '?kind=restock')).episodes[0];
    expect(listed?.decision?.value).toBe('accepted');
  });

  it('lists recently cleared episodes, and refuses acting on them with 409', async () => {
    await stack.db.query('UPDATE alert_episode SET cleared_at = now() WHERE id = $1', [String(ids.anomalyEu)]);
    expect(idsOf(await list('admin'))).not.toContain(ids.anomalyEu);
    const cleared = await list('merchEu', '?state=cleared');
    expect(idsOf(cleared)).toEqual([ids.anomalyEu]);
    expect(cleared.episodes[0]?.state).toBe('cleared');
    const res = await act('admin', ids.anomalyEu, 'acknowledge');
    expect(res.status).toBe(409);
    expect((res.body as { error: { code: string } }).error.code).toBe('episode_cleared');
    expect(await types(ids.anomalyEu)).toEqual(['alert.opened']);
  });

  it('pushes alerts live, held to the viewer’s scope', async () => {
    const pushes: Alerts[] = [];
    const errors: { code: string; param: string }[] = [];
    const socket: Socket = connect(BASE, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: cookies.get('merchNyc') as string },
    });
    socket.on('alerts', (push: LivePush<Alerts>) => pushes.push(push.data));
    socket.on('alerts:error', (error: { code: string; param: string }) => errors.push(error));
    try {
      socket.emit('alerts:subscribe', { store: ['PAR-01'] });
      await waitFor('the refusal of another store', async () => errors.length > 0, 15_000);
      expect(errors[0]?.code).toBe('outside_scope');
      socket.emit('alerts:subscribe', { kind: ['low_stock', 'sales_anomaly'] });
      await waitFor('the first push', async () => pushes.length > 0, 15_000);
      expect(idsOf(pushes.at(-1) as Alerts)).toEqual([ids.lowNyc]);
      const elsewhere = await openTestEpisode(prisma, { kind: 'low_stock', storeId: 'PAR-01', sku: 'SKU-SHOE' });
      const here = await openTestEpisode(prisma, { kind: 'low_stock', storeId: 'NYC-01', sku: 'SKU-BAG' });
      await waitFor(
        'a push with the new NYC episode',
        async () => (pushes.at(-1)?.episodes ?? []).some((e) => e.id === String(here)),
        15_000,
      );
      expect(idsOf(pushes.at(-1) as Alerts)).toEqual(sortedIds(ids.lowNyc, here));
      expect(pushes.flatMap((p) => p.episodes).some((e) => e.id === String(elsewhere))).toBe(false);
      // An action is a change too: the acknowledgement is pushed.
      expect((await act('merchNyc', here, 'acknowledge')).status).toBe(200);
      await waitFor(
        'a push with the acknowledgement',
        async () => (pushes.at(-1)?.episodes ?? []).some((e) => e.id === String(here) && e.acknowledged !== null),
        15_000,
      );
    } finally {
      socket.disconnect();
    }
  });
});
