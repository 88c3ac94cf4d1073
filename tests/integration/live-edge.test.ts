// The web process's live-update edge under abuse, through real production web servers
// (server.ts, `next build`) on a real PostgreSQL database whose sales were written by the
// worker's own applySalesBatch: one view per socket, the Origin check, the connection,
// room and subscribe-rate limits, and what /metrics says about them.
import { request as httpRequest } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPrisma } from '@/lib/db';
import { toOverviewQuery, viewKey } from '@/lib/web/overview-params';
import type { Managed } from '@/scripts/lib/processes';
import { salesApplier } from '@/tests/support/applied-sales';
import { sale } from '@/tests/support/events';
import { type Sample, scrape, sum } from '@/tests/support/metrics';
import {
  adminCookie,
  authedFetch,
  createTestDatabase,
  startWeb,
  type TestDatabase,
  testTopic,
  waitFor,
  webEnv,
} from '@/tests/support/stack';

const TOPIC = testTopic('it.edge');
/** Abuse server: the subscribe rate and per-address cap lifted, so the other limits are what hold. */
const OPEN_PORT = 3900 + (process.pid % 40);
/** Strict server: tiny limits, a trusted proxy (X-Forwarded-For picks the address) and one listed origin. */
const STRICT_PORT = 3950 + (process.pid % 40);
const EMBED = 'https://embed.example';
const SALES = 6000;
const DAY_MS = 86_400_000;

const MB = 1024 * 1024;
const url = (port: number, path = '') => `http://127.0.0.1:${port}${path}`;
/** The test admin's session at the server on `port` (sockets and /metrics need one). */
const session = async (port: number) => ({ cookie: await adminCookie(url(port)) });
const metrics = async (port: number) => scrape(url(port, '/metrics'), await session(port));
const refusals = (m: Sample[], limit: string) => sum(m, 'pulse_web_live_refusals_total', { limit });
const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

interface Client {
  socket: Socket;
  pushes: { key: string }[];
  errors: { code: string; message: string }[];
}

/** A socket.io client signed in as the test admin (unless `anonymous`); resolves once connected, or with the connect error. */
async function client(
  port: number,
  headers: Record<string, string> = {},
  anonymous = false,
): Promise<Client & { refused?: Error }> {
  const socket = io(url(port), {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    // Each handshake reads its session from the database: 300 at once take a while on a busy machine.
    timeout: 60_000,
    extraHeaders: anonymous ? headers : { ...(await session(port)), ...headers },
  });
  const c: Client = { socket, pushes: [], errors: [] };
  socket.on('overview', (push: { key: string }) => c.pushes.push({ key: push.key }));
  socket.on('live:error', (error: { code: string; message: string }) => c.errors.push(error));
  const refused = await new Promise<Error | undefined>((resolve) => {
    socket.once('connect', () => resolve(undefined));
    socket.once('connect_error', (err) => resolve(err));
  });
  return { ...c, refused };
}

/** A plain HTTP request with exactly these headers (fetch would not send Origin as given). */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body = '',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url(port, path), { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw WebSocket to the Engine.IO endpoint, as any page could open one (with the admin's cookie): every frame it receives. */
async function rawSocket(
  port: number,
  origin: string,
  frames: string[],
): Promise<{ opened: boolean; status?: number; received: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
    headers: { origin, ...(await session(port)) },
  });
  const received: string[] = [];
  ws.on('message', (data) => received.push(data.toString()));
  const outcome = await new Promise<{ opened: boolean; status?: number }>((resolve) => {
    ws.once('open', () => resolve({ opened: true }));
    ws.once('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.once('error', () => resolve({ opened: false }));
  });
  if (outcome.opened) {
    await waitFor('the Engine.IO open packet', async () => received.length >= 1, 5000, 20);
    for (const frame of frames) {
      ws.send(frame);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // CONNECT is answered once the session is read: events sent before that would be dropped.
      if (frame === '40') {
        await waitFor('the CONNECT answer', async () => received.some((f) => /^4[04]/.test(f)), 10_000, 20).catch(
          () => undefined,
        );
      }
    }
    // Time for a first overview (a page of another origin must get none).
    await waitFor('an overview', async () => received.some((f) => f.startsWith('42["overview"')), 5000, 50).catch(
      () => undefined,
    );
  } else {
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything sent after a refusal would land now
  }
  ws.terminate();
  return { ...outcome, received };
}

async function closeAll(clients: Client[], port: number): Promise<void> {
  for (const c of clients) c.socket.disconnect();
  await waitFor(
    'every socket to close',
    async () => sum(await metrics(port), 'pulse_web_socket_clients') === 0,
    10_000,
    50,
  );
}

describe('web edge: live updates under abuse (production web servers, real PostgreSQL)', () => {
  let db: TestDatabase;
  let open: Managed | undefined;
  let strict: Managed | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('pulse_it_edge');
    // Six thousand sales over the last 30 days, so every 30-day view costs real queries.
    const prisma = createPrisma(db.url, 2);
    try {
      const apply = salesApplier(prisma, TOPIC);
      const now = Date.now();
      for (let batch = 0; batch < SALES / 500; batch++) {
        await apply(
          Array.from({ length: 500 }, (_, i) => {
            const n = batch * 500 + i;
            return sale({
              event_id: `edge-${n}`,
              order_id: `ord-edge-${n}`,
              occurred_at: new Date(now - ((n * 7919) % (30 * DAY_MS))).toISOString(),
              store_id: `S-${n % 40}`,
              lines: [
                {
                  sku: `SKU-${n % 300}`,
                  name: `Item ${n % 300}`,
                  category: `C${n % 9}`,
                  quantity: 1 + (n % 3),
                  unit_price_cents: 500 + (n % 50) * 10,
                },
              ],
            });
          }),
        );
      }
    } finally {
      await prisma.$disconnect();
    }
    const env = webEnv(db.url, TOPIC);
    [open, strict] = await Promise.all([
      startWeb(
        { ...env, WEB_SUBSCRIBE_BURST: '1000000', WEB_SUBSCRIBE_RATE: '1000000', WEB_MAX_SOCKETS_PER_IP: '1000' },
        OPEN_PORT,
      ),
      startWeb(
        {
          ...env,
          WEB_TRUST_PROXY: 'true',
          WEB_ALLOWED_ORIGINS: EMBED,
          WEB_MAX_SOCKETS: '4',
          WEB_MAX_SOCKETS_PER_IP: '2',
          WEB_MAX_LIVE_ROOMS: '2',
          WEB_SUBSCRIBE_BURST: '3',
          WEB_SUBSCRIBE_RATE: '1',
        },
        STRICT_PORT,
      ),
    ]);
  });

  afterAll(async () => {
    await Promise.all([open?.stop(), strict?.stop()]);
    await db?.drop();
  });

  it('1,000 rapid subscribes from one socket: one room while connected, none after; API fast; RSS bounded', async () => {
    // Warm up (compiled routes, pools) so the memory figures compare like with like.
    expect((await authedFetch(url(OPEN_PORT, '/api/v1/overview?range=30d'))).status).toBe(200);
    const warm = await client(OPEN_PORT);
    warm.socket.emit('subscribe', { range: '30d' });
    await waitFor('a first push', async () => warm.pushes.length > 0, 15_000, 20);
    await closeAll([warm], OPEN_PORT);
    const before = await metrics(OPEN_PORT);
    const rssBefore = sum(before, 'pulse_process_resident_memory_bytes');
    const liveLoadsBefore = sum(before, 'pulse_web_overview_duration_seconds_count', { source: 'live' });

    let maxRooms = 0;
    let maxRss = rssBefore;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const m = await metrics(OPEN_PORT);
        maxRooms = Math.max(maxRooms, sum(m, 'pulse_web_live_rooms'));
        maxRss = Math.max(maxRss, sum(m, 'pulse_process_resident_memory_bytes'));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();

    const abuser = await client(OPEN_PORT);
    const views = Array.from({ length: 1000 }, (_, i) => ({ range: '30d', store: `S-${i}` }));
    for (const view of views) abuser.socket.emit('subscribe', view);
    const lastKey = viewKey(toOverviewQuery(views.at(-1) as Record<string, string>));
    await waitFor('the answer for the last view', async () => abuser.pushes.some((p) => p.key === lastKey), 30_000, 20);

    // The HTTP API keeps its own pool: it answers promptly right after the burst.
    const started = performance.now();
    const api = await authedFetch(url(OPEN_PORT, '/api/v1/overview?range=30d'));
    const apiMs = performance.now() - started;
    expect(api.status).toBe(200);
    expect(apiMs).toBeLessThan(2000);

    expect(sum(await metrics(OPEN_PORT), 'pulse_web_live_rooms')).toBe(1);
    abuser.socket.disconnect();
    await waitFor('no rooms left', async () => sum(await metrics(OPEN_PORT), 'pulse_web_live_rooms') === 0, 10_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // nothing is recomputed for the departed socket
    sampling = false;
    await sampler;

    const after = await metrics(OPEN_PORT);
    const liveLoads = sum(after, 'pulse_web_overview_duration_seconds_count', { source: 'live' }) - liveLoadsBefore;
    console.info(
      `1,000 subscribes: max rooms ${maxRooms}, live loads ${liveLoads}, API ${apiMs.toFixed(0)} ms, ` +
        `RSS ${(rssBefore / MB).toFixed(0)} → max ${(maxRss / MB).toFixed(0)} MB`,
    );
    expect(maxRooms).toBeLessThanOrEqual(1);
    expect(sum(after, 'pulse_web_live_rooms')).toBe(0);
    expect(sum(after, 'pulse_web_live_loads', { state: 'waiting' })).toBe(0);
    // Superseded views are never loaded: the socket's one answer moves on to the newest view.
    expect(liveLoads).toBeLessThan(20);
    expect(maxRss - rssBefore).toBeLessThan(100 * MB);
  });

  it('300 sockets with distinct views: rooms stop at WEB_MAX_LIVE_ROOMS, loads queue, the API stays fast', async () => {
    const clients = await Promise.all(Array.from({ length: 300 }, () => client(OPEN_PORT)));
    expect(clients.every((c) => !c.refused)).toBe(true);
    clients.forEach((c, i) => {
      c.socket.emit('subscribe', { range: '30d', store: `T-${i}` });
    });
    const apiTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      expect((await authedFetch(url(OPEN_PORT, `/api/v1/overview?range=30d&store=S-${i}`))).status).toBe(200);
      apiTimes.push(performance.now() - started);
    }
    await waitFor(
      'every socket answered or refused',
      async () => clients.every((c) => c.pushes.length > 0 || c.errors.length > 0),
      60_000,
      50,
    );
    const m = await metrics(OPEN_PORT);
    const refused = clients.filter((c) => c.errors.some((e) => e.code === 'live_rooms'));
    console.info(`300 distinct views: API max ${Math.max(...apiTimes).toFixed(0)} ms, ${refused.length} refused`);
    expect(sum(m, 'pulse_web_live_rooms')).toBe(200);
    expect(refused).toHaveLength(100);
    expect(refusals(m, 'live_rooms')).toBe(100);
    expect(refused[0]?.errors[0]?.message).toMatch(/200 distinct live views/);
    expect(Math.max(...apiTimes)).toBeLessThan(2000);
    await closeAll(clients, OPEN_PORT);
    expect(sum(await metrics(OPEN_PORT), 'pulse_web_live_rooms')).toBe(0);
  });

  it('a page of another origin gets no data at all; the own origin, a listed one and non-browser clients do', async () => {
    const subscribe = ['40', '42["subscribe",{"range":"30d"}]'];
    // Raw WebSocket, as the measured attack did it: refused before the upgrade.
    const foreign = await rawSocket(STRICT_PORT, 'https://evil.example', subscribe);
    expect(foreign).toEqual({ opened: false, status: 400, received: [] });
    for (const origin of [url(STRICT_PORT), EMBED]) {
      const allowed = await rawSocket(STRICT_PORT, origin, subscribe);
      expect(allowed.opened, origin).toBe(true);
      expect(
        allowed.received.some((f) => f.startsWith('42["overview"')),
        origin,
      ).toBe(true);
    }

    // Polling handshakes: refused with the reason and no CORS header; the listed origin may read its answer.
    const evil = await get(STRICT_PORT, HANDSHAKE, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).message).toMatch(/^origin: Origin https:\/\/evil\.example is not allowed/);
    expect(evil.body).not.toContain('sid');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const embed = await get(STRICT_PORT, HANDSHAKE, { origin: EMBED });
    expect(embed.status).toBe(200);
    expect(embed.headers['access-control-allow-origin']).toBe(EMBED);
    const { sid } = JSON.parse(embed.body.slice(1)) as { sid: string };
    await get(STRICT_PORT, `${HANDSHAKE}&sid=${sid}`, { origin: EMBED }, 'POST', '1'); // close it
    // A <script> tag on a foreign page sends no Origin: JSONP and cross-site fetches are refused.
    expect((await get(STRICT_PORT, `${HANDSHAKE}&j=0`, {})).status).toBe(403);
    expect((await get(STRICT_PORT, HANDSHAKE, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);

    // Non-browser clients send no Origin and are let in (they could read the HTTP API as well).
    const plain = await client(STRICT_PORT);
    expect(plain.refused).toBeUndefined();
    const spoofed = await client(STRICT_PORT, { origin: 'https://evil.example' });
    expect(spoofed.refused?.message).toBe('websocket error');
    // Without a session (or an embed token) the handshake is refused, with the reason.
    const nobody = await client(STRICT_PORT, {}, true);
    expect(nobody.refused?.message).toMatch(/sign in/);
    await closeAll([plain, spoofed, nobody], STRICT_PORT);
    const m = await metrics(STRICT_PORT);
    expect(refusals(m, 'origin')).toBe(5);
    expect(refusals(m, 'unauthorized')).toBe(1);
  });

  it('per-address and per-process socket caps refuse the handshake with the reason, and count it', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const a = await Promise.all([client(STRICT_PORT, from('198.51.100.1')), client(STRICT_PORT, from('198.51.100.1'))]);
    const third = await client(STRICT_PORT, from('198.51.100.1'));
    expect(a.every((c) => !c.refused)).toBe(true);
    expect(third.refused).toBeDefined();
    const perIp = await get(STRICT_PORT, HANDSHAKE, from('198.51.100.1'));
    expect(perIp.status).toBe(403);
    expect(JSON.parse(perIp.body).message).toBe('sockets_per_ip: 2 live connections from one address at most');

    const b = await Promise.all([client(STRICT_PORT, from('198.51.100.2')), client(STRICT_PORT, from('198.51.100.2'))]);
    expect(b.every((c) => !c.refused)).toBe(true);
    const fifth = await client(STRICT_PORT, from('198.51.100.3'));
    expect(fifth.refused).toBeDefined();
    const total = await get(STRICT_PORT, HANDSHAKE, from('198.51.100.3'));
    expect(JSON.parse(total.body).message).toBe('sockets: this server holds its limit of 4 live connections');

    let m = await metrics(STRICT_PORT);
    expect(sum(m, 'pulse_web_socket_clients')).toBe(4);
    expect(refusals(m, 'sockets_per_ip')).toBe(2);
    expect(refusals(m, 'sockets')).toBe(2);

    // Closed sockets give their places back.
    await closeAll([...a, ...b, third, fifth], STRICT_PORT);
    const again = await client(STRICT_PORT, from('198.51.100.1'));
    expect(again.refused).toBeUndefined();
    await closeAll([again], STRICT_PORT);

    // Two CONNECTs in one polling request would be two sockets (and two views) on one
    // connection — Socket.IO itself drops a second one only once the first has finished.
    const own = { origin: url(STRICT_PORT), ...(await session(STRICT_PORT)) };
    const { sid } = JSON.parse((await get(STRICT_PORT, HANDSHAKE, own)).body.slice(1)) as { sid: string };
    await get(STRICT_PORT, `${HANDSHAKE}&sid=${sid}`, own, 'POST', '40\x1e40');
    // The first waits for its session to be read, so the second's refusal may come first, in an earlier poll.
    const packets: string[] = [];
    await waitFor(
      'both answers',
      async () => {
        packets.push(...(await get(STRICT_PORT, `${HANDSHAKE}&sid=${sid}`, own)).body.split('\x1e'));
        return packets.length >= 2;
      },
      10_000,
      0,
    );
    await get(STRICT_PORT, `${HANDSHAKE}&sid=${sid}`, own, 'POST', '1');
    expect(packets).toHaveLength(2);
    expect(packets.filter((p) => /^40\{"sid"/.test(p))).toHaveLength(1);
    expect(packets.filter((p) => /^44\{"message":"one live-update socket per connection"/.test(p))).toHaveLength(1);
    m = await metrics(STRICT_PORT);
    expect(refusals(m, 'sockets_per_connection')).toBe(1);
  });

  it('subscribe rate and live rooms: a live:error { code, message }, counted; the socket keeps working', async () => {
    const before = await metrics(STRICT_PORT);
    const c = await client(STRICT_PORT, { 'x-forwarded-for': '198.51.100.7' });
    for (let i = 0; i < 10; i++) c.socket.emit('subscribe', { range: '30d', store: `S-${i % 2}` });
    await waitFor('seven refusals', async () => c.errors.length === 7, 10_000, 20);
    expect(c.errors[0]).toEqual({
      code: 'subscribe_rate',
      message: 'at most 3 subscriptions at once and 1 per second per connection; this one was ignored',
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    c.socket.emit('subscribe', { range: '30d', store: 'S-5' });
    const key = viewKey(toOverviewQuery({ range: '30d', store: 'S-5' }));
    await waitFor('the answer after the bucket refilled', async () => c.pushes.some((p) => p.key === key), 10_000, 20);

    // Two rooms at most: a third distinct view is refused (the refused socket holds no view).
    const d = await client(STRICT_PORT, { 'x-forwarded-for': '198.51.100.8' });
    const e = await client(STRICT_PORT, { 'x-forwarded-for': '198.51.100.9' });
    d.socket.emit('subscribe', { range: '30d', store: 'S-6' });
    await waitFor('the second room', async () => d.pushes.length > 0, 10_000, 20);
    e.socket.emit('subscribe', { range: '30d', store: 'S-7' });
    await waitFor('the room refusal', async () => e.errors.length > 0, 10_000, 20);
    expect(e.errors[0]?.code).toBe('live_rooms');
    e.socket.emit('subscribe', { range: '30d', store: 'S-6' }); // an existing view is still served
    await waitFor('a shared room', async () => e.pushes.length > 0, 10_000, 20);

    const m = await metrics(STRICT_PORT);
    expect(sum(m, 'pulse_web_live_rooms')).toBe(2);
    expect(refusals(m, 'subscribe_rate') - refusals(before, 'subscribe_rate')).toBe(7);
    expect(refusals(m, 'live_rooms') - refusals(before, 'live_rooms')).toBe(1);
    await closeAll([c, d, e], STRICT_PORT);
    expect(sum(await metrics(STRICT_PORT), 'pulse_web_live_rooms')).toBe(0);
  });
});
