// Webhook deliveries end to end against real PostgreSQL and real local HTTP receivers
// (node:http): actions written with enqueueActions in a transaction reach every matching hook,
// signed (the receiver checks with verifyWebhookSignature); a receiver failing twice gets retried
// with growing delays and then sees exactly one success per action; one that always fails ends
// in status failed after the maximum of attempts; two deliverers running at once POST each
// action exactly once; a hook's types filter holds; a crashed deliverer's lease runs out and
// the delivery is tried again; every try is in the delivery log (webhook_attempt).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@prisma/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ActionMessage, type ActionType, WEBHOOK_HEADERS } from '@/lib/contract/actions';
import { createPrisma } from '@/lib/db';
import { BACKOFF_JITTER, verifyWebhookSignature } from '@/lib/domain/webhooks';
import { logger } from '@/lib/logger';
import { type EpisodeRow, enqueueActions } from '@/lib/queries/actions/enqueue-action';
import { pruneOutbox } from '@/lib/queries/actions/outbox';
import { claimDueDeliveries, pruneWebhookDeliveries } from '@/lib/queries/actions/webhook-deliveries';
import { createTestDatabase, type TestDatabase, waitFor } from '@/tests/support/stack';
import { startWebhookDeliverer, type WebhookSettings } from '@/workers/actions/webhooks';

const SECRET = 'whsec_integration-test-secret';
const log = logger.child({ component: 'webhooks-test' });

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** A local HTTP receiver; `answer` picks each request's status (or `hang` to never answer). */
async function startReceiver(answer: (req: Received, seen: Received[]) => number | 'hang'): Promise<Receiver> {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Received = {
        at: Date.now(),
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        status: 0,
      };
      const status = answer(entry, received);
      received.push(entry);
      if (status === 'hang') {
        hanging.push(res);
        return;
      }
      entry.status = status;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const header = (r: Received, name: string) => String(r.headers[name] ?? '');
const actionIdOf = (r: Received) => header(r, WEBHOOK_HEADERS.actionId);

function settings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return {
    timeoutMs: 2000,
    maxAttempts: 5,
    backoffBaseMs: 300,
    backoffMaxMs: 10_000,
    concurrency: 4,
    pollMs: 40,
    ...overrides,
  };
}

describe('webhook deliveries (real PostgreSQL, real HTTP receivers)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let episode: EpisodeRow;
  const receivers: Receiver[] = [];
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pulse_it_webhooks');
    prisma = createPrisma(db.url, 8);
    const [row] = await prisma.$queryRaw<EpisodeRow[]>`
      INSERT INTO alert_episode (kind, subject_key, store_id, sku, severity, opened_at, details)
      VALUES ('low_stock', 'S1|SKU-1', 'S1', 'SKU-1', 'warning', now(), '{"on_hand": 2}')
      RETURNING id, kind, rule_id, NULL::text AS rule_name, severity, store_id, sku, region, category,
        opened_at, cleared_at, details`;
    episode = row as EpisodeRow;
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    for (const r of receivers.splice(0)) await r.close();
    // Each test's hooks go: actions of the next test fan out to its own hooks only.
    await db.query('DELETE FROM webhook');
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  async function receiver(answer: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  }

  async function hook(url: string, types: ActionType[] = [], enabled = true): Promise<bigint> {
    const created = await prisma.webhook.create({ data: { name: 'test hook', url, secret: SECRET, types, enabled } });
    return created.id;
  }

  /** Actions of these types written as the application does: in a transaction, with the change. */
  function enqueue(types: ActionType[]): Promise<ActionMessage[]> {
    return prisma.$transaction((tx) =>
      enqueueActions(
        tx,
        types.map((type) => ({ type, episode, occurredAt: new Date() })),
      ),
    );
  }

  function deliverer(overrides: Partial<WebhookSettings> = {}) {
    const d = startWebhookDeliverer({ prisma, log, settings: settings(overrides) });
    stops.push(() => d.stop());
    return d;
  }

  const deliveries = (webhookId: bigint) =>
    db.query<{
      id: string;
      action_id: string;
      status: string;
      attempts: number;
      last_status: number | null;
      last_error: string | null;
    }>(
      'SELECT id::text, action_id::text, status, attempts, last_status, last_error FROM webhook_delivery WHERE webhook_id = $1 ORDER BY id',
      [String(webhookId)],
    );
  const attemptsOf = (deliveryId: string) =>
    db.query<{ attempt: number; status: number | null; error: string | null; duration_ms: number }>(
      'SELECT attempt, status, error, duration_ms FROM webhook_attempt WHERE delivery_id = $1 ORDER BY attempt',
      [deliveryId],
    );
  const settled = (webhookId: bigint, count: number) => async () => {
    const rows = await deliveries(webhookId);
    return rows.length === count && rows.every((d) => d.status !== 'pending') ? rows : null;
  };

  it('signs every POST, retries a failing receiver with growing delays, then delivers each action once', async () => {
    const flaky = await receiver((req, seen) =>
      seen.filter((r) => actionIdOf(r) === actionIdOf(req)).length < 2 ? 500 : 200,
    );
    const id = await hook(flaky.url);
    const messages = await enqueue(['alert.opened', 'alert.acknowledged', 'alert.cleared']);
    const base = settings().backoffBaseMs;
    deliverer();
    const rows = await waitFor('deliveries settled', settled(id, 3), 30_000, 50);

    expect(rows.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(flaky.received).toHaveLength(9);
    for (const message of messages) {
      const copies = flaky.received.filter((r) => actionIdOf(r) === message.action_id);
      expect(copies.map((r) => r.status)).toEqual([500, 500, 200]);
      for (const r of copies) {
        expect(r.headers['content-type']).toBe('application/json');
        expect(header(r, WEBHOOK_HEADERS.actionType)).toBe(message.type);
        expect(header(r, WEBHOOK_HEADERS.signature)).toMatch(/^sha256=[0-9a-f]{64}$/);
        const ok = verifyWebhookSignature(
          SECRET,
          header(r, WEBHOOK_HEADERS.timestamp),
          r.body,
          header(r, WEBHOOK_HEADERS.signature),
          60_000,
        );
        expect(ok, 'signature verifies').toBe(true);
        expect(
          verifyWebhookSignature(
            'wrong',
            header(r, WEBHOOK_HEADERS.timestamp),
            r.body,
            header(r, WEBHOOK_HEADERS.signature),
            60_000,
          ),
        ).toBe(false);
        expect(JSON.parse(r.body)).toEqual(message);
      }
      // Backoff: ≥ 0.75 × base before the 2nd try, ≥ 0.75 × 2 × base (and longer) before the 3rd.
      const [first, second, third] = copies.map((r) => r.at) as [number, number, number];
      expect(second - first).toBeGreaterThanOrEqual(base * (1 - BACKOFF_JITTER) - 20);
      expect(third - second).toBeGreaterThanOrEqual(2 * base * (1 - BACKOFF_JITTER) - 20);
      expect(third - second).toBeGreaterThan(second - first);
    }
    for (const d of rows) {
      expect(d).toMatchObject({ attempts: 3, last_status: 200, last_error: null });
      const log = await attemptsOf(d.id);
      expect(log.map((a) => [a.attempt, a.status])).toEqual([
        [1, 500],
        [2, 500],
        [3, 200],
      ]);
      expect(log[0]?.error).toBe('HTTP 500: receiver says no');
      expect(log.every((a) => a.duration_ms >= 0)).toBe(true);
    }
  });

  it('gives up after the maximum of attempts (status failed), timeouts counting as failures', async () => {
    const down = await receiver(() => 503);
    const silent = await receiver(() => 'hang');
    const downId = await hook(down.url);
    const silentId = await hook(silent.url);
    await enqueue(['alert.opened']);
    const d = deliverer({ maxAttempts: 3, backoffBaseMs: 50, timeoutMs: 300 });
    const [failed] = await waitFor('gave up on the failing hook', settled(downId, 1), 30_000, 50);
    const [timedOut] = await waitFor('gave up on the silent hook', settled(silentId, 1), 30_000, 50);

    expect(failed).toMatchObject({ status: 'failed', attempts: 3, last_status: 503 });
    expect(down.received).toHaveLength(3);
    expect((await attemptsOf(failed?.id ?? '')).map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(timedOut).toMatchObject({ status: 'failed', attempts: 3, last_status: null });
    expect(timedOut?.last_error).toBe('timed out after 300 ms');
    const silentLog = await attemptsOf(timedOut?.id ?? '');
    expect(silentLog).toHaveLength(3);
    expect(silentLog.every((a) => a.status === null && a.duration_ms >= 290)).toBe(true);
    expect(d.stats).toMatchObject({ failed: 2, delivered: 0, retries: 4 });
    // Nothing more is tried once failed.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(down.received).toHaveLength(3);
  });

  it('two deliverers at once POST every action exactly once', async () => {
    const ok = await receiver(() => 200);
    const id = await hook(ok.url);
    const a = deliverer({ concurrency: 3 });
    const b = deliverer({ concurrency: 3 });
    const types: ActionType[] = Array.from({ length: 60 }, (_, i) => (i % 2 ? 'alert.opened' : 'alert.cleared'));
    const messages = [...(await enqueue(types.slice(0, 30))), ...(await enqueue(types.slice(30)))];
    const rows = await waitFor('all delivered', settled(id, 60), 30_000, 50);

    expect(rows.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    const ids = ok.received.map(actionIdOf).sort();
    expect(ids).toEqual(messages.map((m) => m.action_id).sort());
    expect(a.stats.delivered + b.stats.delivered).toBe(60);
    expect(a.stats.delivered, 'the first deliverer took part').toBeGreaterThan(0);
    expect(b.stats.delivered, 'the second deliverer took part').toBeGreaterThan(0);
    const [{ n }] = (await db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id WHERE d.webhook_id = $1',
      [String(id)],
    )) as [{ n: string }];
    expect(n).toBe('60');
  });

  it('sends a hook only the types it asked for; a disabled hook gets nothing', async () => {
    const all = await receiver(() => 200);
    const clears = await receiver(() => 200);
    const off = await receiver(() => 200);
    const allId = await hook(all.url);
    const clearsId = await hook(clears.url, ['alert.cleared', 'suggestion.cleared']);
    const offId = await hook(off.url, [], false);
    const messages = await enqueue(['alert.opened', 'alert.cleared', 'suggestion.opened', 'suggestion.cleared']);
    deliverer();
    await waitFor('all delivered', settled(allId, 4), 30_000, 50);
    await waitFor('clears delivered', settled(clearsId, 2), 30_000, 50);

    expect(all.received.map(actionIdOf).sort()).toEqual(messages.map((m) => m.action_id).sort());
    expect(clears.received.map((r) => header(r, WEBHOOK_HEADERS.actionType)).sort()).toEqual([
      'alert.cleared',
      'suggestion.cleared',
    ]);
    expect(await deliveries(clearsId)).toHaveLength(2);
    expect(await deliveries(offId)).toHaveLength(0);
    expect(off.received).toHaveLength(0);
  });

  it('tries again after the lease when a deliverer died mid-POST (receivers dedupe on the action id)', async () => {
    const ok = await receiver(() => 200);
    const id = await hook(ok.url);
    const [message] = await enqueue(['alert.opened']);
    // A deliverer claims it and dies before recording anything: its lease holds others off…
    const [claimed] = await claimDueDeliveries(prisma, 10, 700, 5);
    expect(claimed).toMatchObject({ actionId: message?.action_id, attempt: 1 });
    deliverer();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ok.received).toHaveLength(0);
    // …until it runs out: then the delivery is tried again, as attempt 2.
    const [row] = await waitFor('delivered after the lease', settled(id, 1), 30_000, 50);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
    expect((await attemptsOf(row?.id ?? '')).map((a) => [a.attempt, a.status])).toEqual([[2, 200]]);
    expect(ok.received.map(actionIdOf)).toEqual([message?.action_id]);
  });

  it('prunes finished deliveries past the retention with their tries, never pending ones', async () => {
    const ok = await receiver(() => 200);
    const id = await hook(ok.url);
    await enqueue(['alert.opened', 'alert.cleared', 'suggestion.opened']);
    deliverer();
    const rows = await waitFor('delivered', settled(id, 3), 30_000, 50);
    const [old, pending] = rows;
    await db.query("UPDATE webhook_delivery SET created_at = now() - interval '40 days' WHERE id = $1", [old?.id]);
    await db.query(
      "UPDATE webhook_delivery SET created_at = now() - interval '40 days', status = 'pending', next_attempt_at = now() + interval '1 day' WHERE id = $1",
      [pending?.id],
    );
    expect(await pruneWebhookDeliveries(prisma, 30 * 86_400_000, { batchSize: 1 })).toBe(1);
    expect((await deliveries(id)).map((d) => d.id)).toEqual([pending?.id, rows[2]?.id]);
    expect(await attemptsOf(old?.id ?? '')).toHaveLength(0);
    expect(await attemptsOf(rows[2]?.id ?? '')).toHaveLength(1);

    // The outbox then forgets published actions past the retention that no delivery needs any more:
    // the pruned one's action goes, the pending one's stays, and so does an old unpublished one.
    const actionOf = async (deliveryId: string | undefined) =>
      (
        await db.query<{ action_id: string }>('SELECT action_id::text FROM webhook_delivery WHERE id = $1', [
          deliveryId,
        ])
      )[0]?.action_id;
    const [prunedAction] = await db.query<{ action_id: string }>(
      `SELECT action_id::text FROM action_outbox o
       WHERE NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.action_id = o.action_id) ORDER BY seq DESC LIMIT 1`,
    );
    const pendingAction = await actionOf(pending?.id);
    await db.query("UPDATE action_outbox SET created_at = now() - interval '40 days', published_at = now()");
    const [unpublished] = await enqueue(['alert.snoozed']);
    await db.query(
      "UPDATE action_outbox SET created_at = now() - interval '40 days', published_at = NULL WHERE action_id = $1",
      [unpublished?.action_id],
    );
    await db.query('DELETE FROM webhook_delivery WHERE action_id = $1', [unpublished?.action_id]);
    const before = await db.query<{ action_id: string }>('SELECT action_id::text FROM action_outbox');
    const pruned = await pruneOutbox(prisma, 30 * 86_400_000, { batchSize: 2 });
    const after = new Set(
      (await db.query<{ action_id: string }>('SELECT action_id::text FROM action_outbox')).map((r) => r.action_id),
    );
    expect(pruned).toBe(before.length - after.size);
    expect(pruned).toBeGreaterThan(0);
    expect(after.has(prunedAction?.action_id ?? '')).toBe(false);
    expect(after.has(pendingAction ?? '')).toBe(true);
    expect(after.has(unpublished?.action_id ?? '')).toBe(true);
    // Every action a delivery refers to is still there.
    const orphans = await db.query(
      'SELECT 1 FROM webhook_delivery d WHERE NOT EXISTS (SELECT 1 FROM action_outbox o WHERE o.action_id = d.action_id)',
    );
    expect(orphans).toEqual([]);
  });
});
