// Writes one action into the transactional outbox (action_outbox) and fans it out to the
// matching webhooks (webhook_delivery), inside the caller's transaction: the action exists if
// and only if the change that caused it commits. The actions worker publishes the outbox to
// retail.actions.v1 (workers/actions/publisher.ts) and delivers the webhooks.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import {
  type ActionMessage,
  type ActionType,
  ALERTS_UPDATED_CHANNEL,
  type EpisodeKind,
  type Severity,
} from '@/lib/contract/actions';

type Tx = Prisma.TransactionClient;

/** An alert_episode row as the outbox needs it (snake_case, as selected by raw SQL). */
export interface EpisodeRow {
  id: bigint;
  kind: string;
  rule_id: bigint | null;
  rule_name: string | null;
  subject_key: string;
  severity: string;
  store_id: string | null;
  sku: string | null;
  region: string | null;
  category: string | null;
  opened_at: Date;
  cleared_at: Date | null;
  details: unknown;
}

export interface ActionInput {
  type: ActionType;
  episode: EpisodeRow;
  occurredAt: Date;
  actor?: { userId: bigint | string; email: string } | null;
  snoozedUntil?: Date;
  note?: string;
}

export function actionMessage(input: ActionInput, actionId: string): ActionMessage {
  const e = input.episode;
  const message: ActionMessage = {
    schema: 'retail.actions.v1',
    action_id: actionId,
    type: input.type,
    occurred_at: input.occurredAt.toISOString(),
    episode: {
      id: String(e.id),
      kind: e.kind as EpisodeKind,
      rule_id: e.rule_id === null ? null : String(e.rule_id),
      rule_name: e.rule_name,
      severity: e.severity as Severity,
      subject_key: e.subject_key,
      subject: { store_id: e.store_id, sku: e.sku, region: e.region, category: e.category },
      opened_at: e.opened_at.toISOString(),
      cleared_at: e.cleared_at?.toISOString() ?? null,
      details: (e.details ?? {}) as Record<string, unknown>,
    },
    actor: input.actor ? { user_id: String(input.actor.userId), email: input.actor.email } : null,
  };
  if (input.snoozedUntil) message.snoozed_until = input.snoozedUntil.toISOString();
  if (input.note) message.note = input.note;
  return message;
}

/**
 * Adds the actions to the outbox and their webhook deliveries, and notifies web processes
 * (ALERTS_UPDATED_CHANNEL) at commit. Returns the messages written.
 */
export async function enqueueActions(tx: Tx, inputs: readonly ActionInput[]): Promise<ActionMessage[]> {
  if (inputs.length === 0) return [];
  const messages = inputs.map((input) => actionMessage(input, randomUUID()));
  const ids = messages.map((m) => m.action_id);
  await tx.$executeRaw`
    INSERT INTO action_outbox (action_id, episode_id, type, message_key, payload)
    SELECT a.action_id, a.episode_id, a.type, 'episode:' || a.episode_id::text, a.payload
    FROM unnest(
      ${ids}::uuid[],
      ${messages.map((m) => BigInt(m.episode.id))}::bigint[],
      ${messages.map((m) => m.type)}::text[],
      ${messages.map((m) => JSON.stringify(m))}::jsonb[]
    ) AS a(action_id, episode_id, type, payload)`;
  await tx.$executeRaw`
    INSERT INTO webhook_delivery (webhook_id, action_id)
    SELECT w.id, a.action_id
    FROM unnest(${ids}::uuid[], ${messages.map((m) => m.type)}::text[]) AS a(action_id, type)
    JOIN webhook w ON w.enabled AND (cardinality(w.types) = 0 OR a.type = ANY (w.types))
    ON CONFLICT (webhook_id, action_id) DO NOTHING`;
  await tx.$executeRaw`SELECT pg_notify(${ALERTS_UPDATED_CHANNEL}, ${String(messages.length)})`;
  return messages;
}
