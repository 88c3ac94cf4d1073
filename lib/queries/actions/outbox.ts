// The publisher's side of the transactional outbox (action_outbox): claim the oldest unpublished
// actions in seq order, and mark them published in the same transaction once the broker has
// them (workers/actions/publisher.ts).
import type { Prisma } from '@prisma/client';

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
