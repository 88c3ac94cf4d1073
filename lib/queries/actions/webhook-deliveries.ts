// The webhook deliverer's SQL (workers/actions/webhooks.ts): claiming due deliveries under a
// lease, recording each attempt's outcome with its row in the delivery log (webhook_attempt),
// and giving up on deliveries whose last attempt was interrupted.
//
// Claiming is one statement: the due rows are locked FOR UPDATE SKIP LOCKED (another deliverer
// skips them instead of waiting) and leased — next_attempt_at moved past the request's
// timeout — before any POST goes out, so no other process takes them while this one posts. A
// process that dies mid-POST leaves the lease to run out; the delivery is then tried again (at
// least once: receivers drop an x-pulse-action-id they have seen).
import type { PrismaClient } from '@prisma/client';
import { deleteInBatches } from '@/lib/queries/delete-in-batches';

/** A claimed delivery with what its POST needs. */
export interface ClaimedDelivery {
  id: bigint;
  webhookId: bigint;
  actionId: string;
  actionType: string;
  /** This try's number (1 = first). */
  attempt: number;
  url: string;
  secret: string;
  /** The outbox payload as JSON text: the body sent and signed. */
  body: string;
}

interface ClaimRow {
  id: bigint;
  webhook_id: bigint;
  action_id: string;
  attempts: number;
  url: string;
  secret: string;
  type: string;
  body: string;
}

/**
 * The body comes from action_outbox: whoever prunes the outbox must keep the rows of actions
 * whose deliveries are pending (a delivery without its outbox row is never claimed) and, for
 * the delivery log's types, those of deliveries still logged (WEBHOOK_LOG_RETENTION_DAYS).
 *
 * Claims up to `limit` due deliveries of enabled hooks (oldest due first) with fewer than
 * `maxAttempts` tries, counts the try and leases them for `leaseMs`. A disabled hook's
 * deliveries wait, pending, until it is enabled again.
 */
export async function claimDueDeliveries(
  prisma: PrismaClient,
  limit: number,
  leaseMs: number,
  maxAttempts: number,
): Promise<ClaimedDelivery[]> {
  const rows = await prisma.$queryRaw<ClaimRow[]>`
    WITH due AS (
      SELECT d.id
      FROM webhook_delivery d
      JOIN webhook w ON w.id = d.webhook_id AND w.enabled
      WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND d.attempts < ${maxAttempts}
        AND EXISTS (SELECT 1 FROM action_outbox o WHERE o.action_id = d.action_id)
      ORDER BY d.next_attempt_at, d.id
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_delivery d
    SET attempts = d.attempts + 1, next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
    FROM due, webhook w, action_outbox o
    WHERE d.id = due.id AND w.id = d.webhook_id AND o.action_id = d.action_id
    RETURNING d.id, d.webhook_id, d.action_id::text AS action_id, d.attempts, w.url, w.secret, o.type,
      o.payload::text AS body`;
  return rows
    .map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      actionId: r.action_id,
      actionType: r.type,
      attempt: r.attempts,
      url: r.url,
      secret: r.secret,
      body: r.body,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface AttemptRecord {
  deliveryId: bigint;
  attempt: number;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** Logs a try in webhook_attempt, unless the delivery is gone (its hook was deleted meanwhile). */
async function logAttempt(tx: Pick<PrismaClient, '$executeRaw'>, a: AttemptRecord): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO webhook_attempt (delivery_id, attempt, status, error, duration_ms)
    SELECT id, ${a.attempt}, ${a.status}, ${a.error}, ${a.durationMs}
    FROM webhook_delivery WHERE id = ${a.deliveryId}`;
}

/** A 2xx: the delivery is delivered (even when a slower copy of the same try is still out). */
export async function recordDelivered(prisma: PrismaClient, a: AttemptRecord): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE webhook_delivery
      SET status = 'delivered', delivered_at = now(), last_status = ${a.status}, last_error = NULL
      WHERE id = ${a.deliveryId} AND status = 'pending'`;
    await logAttempt(tx, a);
  });
}

/**
 * A failed try: the next is due after `delayMs`, or, `delayMs` null, the delivery has failed
 * for good. Only while the delivery is still this try's (pending, attempts unchanged): a try
 * whose lease ran out and was taken over does not reschedule the newer one.
 */
export async function recordFailed(prisma: PrismaClient, a: AttemptRecord, delayMs: number | null): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE webhook_delivery
      SET status = ${delayMs === null ? 'failed' : 'pending'},
        next_attempt_at = CASE WHEN ${delayMs}::int IS NULL THEN next_attempt_at
          ELSE now() + ${delayMs}::int * interval '1 millisecond' END,
        last_status = ${a.status}, last_error = ${a.error}
      WHERE id = ${a.deliveryId} AND status = 'pending' AND attempts = ${a.attempt}`;
    await logAttempt(tx, a);
  });
}

export const INTERRUPTED = 'the last attempt was interrupted (its worker stopped mid-request); attempts exhausted';

/**
 * Deliveries whose last allowed try was interrupted (the worker died mid-POST, the lease ran
 * out) would wait forever: they fail, saying so.
 */
export async function failAbandonedDeliveries(prisma: PrismaClient, maxAttempts: number): Promise<number> {
  return prisma.$executeRaw`
    UPDATE webhook_delivery SET status = 'failed', last_error = ${INTERRUPTED}
    WHERE id IN (
      SELECT id FROM webhook_delivery
      WHERE status = 'pending' AND next_attempt_at <= now() AND attempts >= ${maxAttempts}
      FOR UPDATE SKIP LOCKED)`;
}

/**
 * Forgets finished deliveries (delivered or failed, tests included) made before `retentionMs`
 * ago, with their tries (WEBHOOK_LOG_RETENTION_DAYS), in small batches; pending ones stay
 * whatever their age. Several deliverers may run it: SKIP LOCKED keeps them apart.
 */
export async function pruneWebhookDeliveries(
  prisma: PrismaClient,
  retentionMs: number,
  { batchSize = 5_000, nowMs = Date.now() }: { batchSize?: number; nowMs?: number } = {},
): Promise<number> {
  const cutoff = new Date(nowMs - retentionMs);
  return deleteInBatches(
    batchSize,
    () =>
      prisma.$executeRaw`
        DELETE FROM webhook_delivery WHERE id IN (
          SELECT id FROM webhook_delivery WHERE status <> 'pending' AND created_at < ${cutoff}
          LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`,
  );
}
