// The webhooks' delivery log as Admin → Webhooks shows it (lib/web/admin-webhooks.ts): counts of
// deliveries per hook and state, a hook's latest deliveries with every try, and the record of
// an admin's "send test" (a delivery of its own, outside the outbox, already delivered or failed).
import type { PrismaClient } from '@prisma/client';
import { type DeliveriesQuery, WEBHOOK_TEST_TYPE, type WebhookDeliveryRow } from '@/lib/contract/admin-webhooks';
import type { AttemptOutcome } from '@/lib/domain/webhooks';

export interface HookSummary {
  pending: number;
  delivered: number;
  failed: number;
  lastDeliveryAt: Date | null;
}

/** Per hook id: how many deliveries are in each state, and when the latest was made. */
export async function getWebhookSummaries(prisma: PrismaClient): Promise<Map<string, HookSummary>> {
  const rows = await prisma.$queryRaw<
    { webhook_id: bigint; pending: number; delivered: number; failed: number; last: Date | null }[]
  >`
    SELECT webhook_id,
      (count(*) FILTER (WHERE status = 'pending'))::int AS pending,
      (count(*) FILTER (WHERE status = 'delivered'))::int AS delivered,
      (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
      max(created_at) AS last
    FROM webhook_delivery GROUP BY webhook_id`;
  return new Map(
    rows.map((r) => [
      String(r.webhook_id),
      { pending: r.pending, delivered: r.delivered, failed: r.failed, lastDeliveryAt: r.last },
    ]),
  );
}

interface DeliveryRow {
  id: bigint;
  action_id: string;
  type: string | null;
  status: WebhookDeliveryRow['status'];
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  attempt_log: { attempt: number; at: string; status: number | null; error: string | null; duration_ms: number }[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A hook's latest deliveries (newest first), each with its tries (first to last). */
export async function getWebhookDeliveries(
  prisma: PrismaClient,
  webhookId: bigint,
  query: DeliveriesQuery,
  deliveryId: bigint | null = null,
): Promise<WebhookDeliveryRow[]> {
  const rows = await prisma.$queryRaw<DeliveryRow[]>`
    SELECT d.id, d.action_id::text AS action_id, o.type, d.status, d.attempts, d.next_attempt_at,
      d.last_status, d.last_error, d.delivered_at, d.created_at,
      COALESCE((
        SELECT json_agg(json_build_object('attempt', a.attempt,
            'at', to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'status', a.status, 'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.attempt, a.id)
        FROM webhook_attempt a WHERE a.delivery_id = d.id), '[]') AS attempt_log
    FROM webhook_delivery d
    LEFT JOIN action_outbox o ON o.action_id = d.action_id
    WHERE d.webhook_id = ${webhookId}
      AND (${query.status ?? null}::text IS NULL OR d.status = ${query.status ?? null})
      AND (${deliveryId}::bigint IS NULL OR d.id = ${deliveryId})
    ORDER BY d.created_at DESC, d.id DESC
    LIMIT ${query.limit}`;
  return rows.map((r) => ({
    id: String(r.id),
    action_id: r.action_id,
    // A delivery without an outbox row is an admin's test (lib/web/admin-webhooks.ts): outbox
    // rows are never deleted while their deliveries are kept (see claimDueDeliveries).
    type: r.type ?? WEBHOOK_TEST_TYPE,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    last_status: r.last_status,
    last_error: r.last_error,
    delivered_at: iso(r.delivered_at),
    created_at: r.created_at.toISOString(),
    attempt_log: r.attempt_log,
  }));
}

/** Records a test POST as a delivery of one try, delivered or failed (never retried). Its id. */
export async function recordTestDelivery(
  prisma: PrismaClient,
  webhookId: bigint,
  actionId: string,
  outcome: AttemptOutcome,
  durationMs: number,
): Promise<bigint> {
  const error = outcome.ok ? null : outcome.error;
  const [row] = await prisma.$queryRaw<{ id: bigint }[]>`
    WITH d AS (
      INSERT INTO webhook_delivery (webhook_id, action_id, status, attempts, last_status, last_error, delivered_at)
      VALUES (${webhookId}, ${actionId}::uuid, ${outcome.ok ? 'delivered' : 'failed'}, 1, ${outcome.status},
        ${error}, ${outcome.ok ? new Date() : null}::timestamptz)
      RETURNING id)
    INSERT INTO webhook_attempt (delivery_id, attempt, status, error, duration_ms)
    SELECT id, 1, ${outcome.status}, ${error}, ${durationMs} FROM d
    RETURNING delivery_id AS id`;
  if (!row) throw new Error('the test delivery was not recorded');
  return row.id;
}
