// Live pushes of product pages through the real hub: a real Socket.IO server and clients, a
// real PostgreSQL database whose commits (written by the worker's own applySalesBatch) NOTIFY
// the hub, and the real product view — only its loader is wrapped to count the queries.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@prisma/client';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductDetail } from '@/lib/contract/overview';
import { decodeSaleEvent, type SaleEvent } from '@/lib/domain/sales-event';
import type { UserPrincipal } from '@/lib/web/auth/principal';
import type { LiveHub, LivePush } from '@/lib/web/live/hub';
import { bytes, type SaleJson, sale } from '@/tests/support/events';
import { createTestDatabase, type TestDatabase, testTopic, waitFor } from '@/tests/support/stack';

/** An admin with no scope: every socket of this test sees everything. */
const EVERYTHING: UserPrincipal = { kind: 'user', userId: '1', email: 'hub@test', name: '', role: 'admin', scope: {} };

const SKU = 'LIVE-1';
const TOPIC = testTopic('it.live');

interface Viewer {
  socket: Socket;
  pushes: { at: number; data: ProductDetail }[];
  errors: { param: string; message: string }[];
}

describe('live hub: product pages over Socket.IO (real Postgres NOTIFY, real Socket.IO)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let http: HttpServer;
  let ioServer: Server;
  let hub: LiveHub;
  let url: string;
  let applySalesBatch: typeof import('@/lib/queries/ingest/apply-sales-batch').applySalesBatch;
  const viewers: Viewer[] = [];
  /** Product loads per room key (the view's canonical key). */
  const loads = new Map<string, number>();
  let offset = 0n;
  let sequence = 0;

  /** One sale of `SKU` counted through the worker's own write path (one batch, one commit, one NOTIFY). */
  async function commitSale(overrides: Partial<SaleJson> = {}, quantity = 1): Promise<void> {
    sequence += 1;
    const json = sale({
      event_id: `live-${sequence}`,
      order_id: `ord-live-${sequence}`,
      occurred_at: new Date().toISOString(),
      lines: [{ sku: SKU, name: 'Live Lamp', category: 'Home', quantity, unit_price_cents: 1000 }],
      ...overrides,
    });
    const decoded = decodeSaleEvent(bytes(json), 'USD');
    if (!decoded.ok) throw new Error(decoded.detail);
    const event: SaleEvent = decoded.event;
    await applySalesBatch(prisma, {
      clusterId: 'test-cluster',
      topic: TOPIC,
      partition: 0,
      lastOffset: offset,
      lastMessageAt: new Date(),
      highWatermark: offset + 1n,
      accepted: [{ offset, event }],
      rejected: [],
    });
    offset += 1n;
  }

  function watch(subscription: Record<string, string>): Viewer {
    const socket = connect(url, { transports: ['websocket'], forceNew: true });
    const viewer: Viewer = { socket, pushes: [], errors: [] };
    socket.on('product', (push: LivePush<ProductDetail>) => viewer.pushes.push({ at: Date.now(), data: push.data }));
    socket.on('product:error', (error: { param: string; message: string }) => viewer.errors.push(error));
    socket.on('connect', () => socket.emit('product:subscribe', subscription));
    viewers.push(viewer);
    return viewer;
  }

  const lastOrders = (v: Viewer) => v.pushes.at(-1)?.data.totals.orders ?? -1;

  beforeAll(async () => {
    db = await createTestDatabase('pulse_it_live');
    // lib/env and lib/logger read the environment once, on first import.
    process.env.DATABASE_URL = db.url;
    process.env.SALES_TOPIC = TOPIC;
    process.env.LOG_LEVEL = 'warn';
    const [{ LiveHub: Hub, liveView, liveLimitsFrom }, views, batch, { db: sharedDb }, { logger }, { env }] =
      await Promise.all([
        import('@/lib/web/live/hub'),
        import('@/lib/web/live/views'),
        import('@/lib/queries/ingest/apply-sales-batch'),
        import('@/lib/db'),
        import('@/lib/logger'),
        import('@/lib/env'),
      ]);
    applySalesBatch = batch.applySalesBatch;
    prisma = sharedDb();
    const counted = liveView({
      ...views.productViewSpec,
      load: (subscription) => {
        const key = views.productViewSpec.parse({ ...subscription.query, sku: subscription.sku }, EVERYTHING).key;
        loads.set(key, (loads.get(key) ?? 0) + 1);
        return views.productViewSpec.load(subscription);
      },
    });
    http = createServer();
    hub = new Hub({
      databaseUrl: db.url,
      log: logger,
      views: [liveView(views.overviewViewSpec), counted],
      limits: liveLimitsFrom(env()),
      idleRefreshMs: 3_600_000, // only commits push here: the test counts pushes
      // Rooms and pushes are under test here, not sign-in (tests/integration/access.test.ts).
      authenticate: async () => ({ principal: EVERYTHING }),
    });
    ioServer = new Server(http, { serveClient: false, ...hub.serverOptions() });
    await hub.start(ioServer);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    await commitSale();
  });

  afterAll(async () => {
    for (const v of viewers) v.socket.disconnect();
    await hub?.stop();
    await new Promise((resolve) => ioServer?.close(resolve));
    const [{ disconnectDb }, { disconnectLiveDb }] = await Promise.all([
      import('@/lib/db'),
      import('@/lib/web/live/views'),
    ]);
    await Promise.all([disconnectDb(), disconnectLiveDb()]);
    await db?.drop();
  });

  it('answers each subscriber at once, then pushes one recomputed payload per room after a commit', async () => {
    // Same product view three times (the top-N choice does not change a product's figures), and a different range.
    const a = watch({ sku: SKU, range: '15m' });
    const b = watch({ sku: SKU, range: '15m' });
    const c = watch({ sku: SKU, range: '15m', top: '25' });
    const hour = watch({ sku: SKU, range: '1h' });
    await waitFor(
      'every viewer to get its first answer',
      async () => viewers.every((v) => v.pushes.length === 1),
      15_000,
      20,
    );
    for (const v of [a, b, c, hour]) expect(lastOrders(v)).toBe(1);
    expect(a.pushes[0]?.data.product).toEqual({ sku: SKU, name: 'Live Lamp', category: 'Home' });
    loads.clear();

    await commitSale({}, 3);
    await waitFor(
      'the commit to reach every viewer',
      async () => viewers.every((v) => lastOrders(v) === 2),
      15_000,
      20,
    );
    for (const v of [a, b, c, hour]) {
      expect(v.pushes).toHaveLength(2);
      expect(v.pushes[1]?.data.totals).toMatchObject({ orders: 2, units: 4, revenue_cents: 4000 });
      expect(v.pushes[1]?.data.demographics.gender.find((s) => s.key === 'female')).toMatchObject({ orders: 2 });
    }
    // Three viewers of one view cost one query; the 1 h view is a room of its own.
    expect(Object.fromEntries(loads)).toEqual({
      [`sku=${SKU}&range=15m`]: 1,
      [`sku=${SKU}&range=1h`]: 1,
    });
  });

  it('coalesces a burst of commits into at most one push per second per room', async () => {
    const [a] = viewers as [Viewer];
    const before = a.pushes.length;
    loads.clear();
    const started = Date.now();
    for (let i = 0; i < 6; i++) await commitSale();
    await waitFor('the burst to arrive', async () => lastOrders(a) === 8, 15_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // any straggling push would land now
    const burst = a.pushes.slice(before);
    // Six commits within a few hundred milliseconds: one push as soon as allowed, one for the rest.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(burst.length).toBeGreaterThanOrEqual(1);
    expect(burst.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < burst.length; i++) {
      expect((burst[i]?.at ?? 0) - (burst[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    }
    expect(loads.get(`sku=${SKU}&range=15m`)).toBe(burst.length);
  });

  it('leaves a room alone when a commit is outside the span it shows (range and previous period)', async () => {
    const [a] = viewers as [Viewer];
    const before = a.pushes.length;
    loads.clear();
    await commitSale({ occurred_at: new Date(Date.now() - 2 * 86_400_000).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(a.pushes).toHaveLength(before);
    expect(loads.get(`sku=${SKU}&range=15m`)).toBeUndefined();
  });

  it('keys a room by its comparison and pushes when a commit lands in the compared period only', async () => {
    const [a] = viewers as [Viewer];
    const yesterday = watch({ sku: SKU, range: '15m', compare: 'yesterday' });
    await waitFor('first answer', async () => yesterday.pushes.length === 1, 15_000, 20);
    expect(yesterday.pushes[0]?.data.compare).toBe('yesterday');
    expect(yesterday.pushes[0]?.data.previous_totals.orders).toBe(0);
    const before = a.pushes.length;
    loads.clear();
    // Yesterday, 5 minutes before this minute: outside the plain 15 min view and its previous 15 min.
    await commitSale({ occurred_at: new Date(Date.now() - 86_400_000 - 300_000).toISOString() });
    await waitFor('the push to the compared view', async () => yesterday.pushes.length === 2, 15_000, 20);
    expect(yesterday.pushes[1]?.data.previous_totals.orders).toBe(1);
    expect(yesterday.pushes[1]?.data.totals).toEqual(yesterday.pushes[0]?.data.totals);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a push to the plain view would land now
    expect(a.pushes).toHaveLength(before);
    expect(Object.fromEntries(loads)).toEqual({ [`sku=${SKU}&range=15m&compare=yesterday`]: 1 });
  });

  it('re-subscribing after a reconnect answers again at once', async () => {
    const v = watch({ sku: SKU, range: '15m', channel: 'web' });
    await waitFor('first answer', async () => v.pushes.length === 1, 15_000, 20);
    v.socket.disconnect();
    v.socket.connect(); // the 'connect' handler subscribes again, as the browser hook does
    await waitFor('answer after reconnect', async () => v.pushes.length === 2, 15_000, 20);
    expect(v.pushes[1]?.data.totals.orders).toBe(v.pushes[0]?.data.totals.orders);
  });

  it('rejects a bad subscription naming the parameter, and pushes nothing for an unknown product', async () => {
    const noSku = watch({ range: '15m' });
    const badRange = watch({ sku: SKU, range: '2h' });
    const unknown = watch({ sku: 'NO-SUCH-SKU', range: '15m' });
    const nul = watch({ sku: 'A\u0000B', range: '15m' });
    await waitFor(
      'errors',
      async () => noSku.errors.length === 1 && badRange.errors.length === 1 && nul.errors.length === 1,
      15_000,
      20,
    );
    expect(noSku.errors[0]?.param).toBe('sku');
    expect(nul.errors[0]?.param).toBe('sku');
    expect(badRange.errors[0]?.param).toBe('range');
    await commitSale();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(unknown.pushes).toHaveLength(0);
    expect(unknown.errors).toHaveLength(0);
  });
});
