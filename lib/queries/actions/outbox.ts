// The publisher's side of the transactional outbox (action_outbox): claim the oldest unpublished
// actions in seq order, and mark them published in the same transaction once the broker has
// them (workers/actions/publisher.ts).
import type { Prisma, PrismaClient } from '@prisma/client';
import { deleteInBatches } from '@/lib/queries/delete-in-batches';

type Tx = Prisma.TransactionClient;

/** pg_try_advisory_xact_lock key: one publisher at a time, so each episode's actions reach the topic in order ('actp'). */
export const PUBLISH_LOCK = 0x61637470;

export interface OutboxRow {
  seq: bigint;
  actionId: string;
  messageKey: string;
  /** The ActionMessage as JSON text (the message value, byte for byte what webhooks get). */
  payload: string;
}

/** Takes the publish lock; false when another publisher holds it. */
export async function tryLockPublisher(tx: Tx): Promise<boolean> {
  const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${PUBLISH_LOCK}) AS ok`;
  return lock?.ok === true;
}

/** Up to `limit` unpublished rows, oldest first, locked (SKIP LOCKED) until the transaction ends. */
export async function claimUnpublished(tx: Tx, limit: number): Promise<OutboxRow[]> {
  const rows = await tx.$queryRaw<{ seq: bigint; action_id: string; message_key: string; payload: string }[]>`
    SELECT seq, action_id::text, message_key, payload::text AS payload
    FROM action_outbox WHERE published_at IS NULL
    ORDER BY seq LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => ({ seq: r.seq, actionId: r.action_id, messageKey: r.message_key, payload: r.payload }));
}

export async function markPublished(tx: Tx, seqs: readonly bigint[]): Promise<void> {
  await tx.$executeRaw`UPDATE action_outbox SET published_at = now() WHERE seq = ANY(${[...seqs]}::bigint[])`;
}

/**
 * Forgets published actions created before `retentionMs` ago that no webhook delivery refers to
 * any more (its body comes from here), in small batches: the actions topic keeps them. Unpublished
 * rows stay whatever their age (the publisher and the actions replay need them).
 */
export async function pruneOutbox(
  prisma: PrismaClient,
  retentionMs: number,
  { batchSize = 5_000, nowMs = Date.now() }: { batchSize?: number; nowMs?: number } = {},
): Promise<number> {
  const cutoff = new Date(nowMs - retentionMs);
  return deleteInBatches(
    batchSize,
    () =>
      prisma.$executeRaw`
        DELETE FROM action_outbox WHERE seq IN (
          SELECT o.seq FROM action_outbox o
          WHERE o.published_at IS NOT NULL AND o.created_at < ${cutoff}
            AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.action_id = o.action_id)
          ORDER BY o.seq LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`,
  );
}
