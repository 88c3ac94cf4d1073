// A user's action on one episode (POST /api/v1/alerts/{id}/acknowledge, /snooze, /accept,
// /dismiss): the episode is locked, checked, updated and its action written to the outbox
// (enqueueActions) in one transaction, so the action is published if and only if the change
// commits. Idempotent where it can be: acknowledging an acknowledged alert changes nothing and
// publishes nothing; a decided suggestion cannot be decided again (409).
import { Prisma, type PrismaClient } from '@prisma/client';
import { type ActionType, isSuggestionKind } from '@/lib/contract/actions';
import type { AlertAction, AlertActionName } from '@/lib/contract/alerts';
import { enqueueActions } from '@/lib/queries/actions/enqueue-action';
import { joinEpisodeWriters } from '@/lib/queries/actions/episode-writers';
import type { Scope } from '@/lib/web/auth/scope';
import { HttpError } from '@/lib/web/http-error';
import { type FullEpisodeRow, getEpisode, toAlertEpisode } from './get-alerts';

export interface Actor {
  userId: string;
  email: string;
}

export type EpisodeAction =
  | { name: 'acknowledge' }
  | { name: 'snooze'; until: Date }
  | { name: 'accept' | 'dismiss'; note?: string };

const notFound = (id: bigint) => new HttpError(404, 'not_found', `no alert or suggestion ${id}`);

/** Why `action` cannot apply to `row` (409), or null. */
function refusal(row: FullEpisodeRow, action: AlertActionName): HttpError | null {
  const suggestion = isSuggestionKind(row.kind);
  if ((action === 'accept' || action === 'dismiss') && !suggestion) {
    return new HttpError(409, 'not_a_suggestion', `${row.kind} is an alert: acknowledge or snooze it`);
  }
  if ((action === 'acknowledge' || action === 'snooze') && suggestion) {
    return new HttpError(409, 'not_an_alert', `${row.kind} is a suggestion: accept or dismiss it`);
  }
  if (row.decision !== null) {
    return new HttpError(409, 'already_decided', `this suggestion was ${row.decision} already`);
  }
  if (row.cleared_at !== null && !(action === 'acknowledge' && row.acknowledged_at !== null)) {
    return new HttpError(409, 'episode_cleared', 'the condition has cleared already');
  }
  return null;
}

/** The UPDATE of the action and the type it publishes; null when the episode is so already. */
function change(
  row: FullEpisodeRow,
  action: EpisodeAction,
  userId: bigint,
  now: Date,
): { sql: Prisma.Sql; type: ActionType } | null {
  switch (action.name) {
    case 'acknowledge':
      if (row.acknowledged_at !== null) return null;
      return {
        sql: Prisma.sql`acknowledged_at = ${now}, acknowledged_by = ${userId}`,
        type: 'alert.acknowledged',
      };
    case 'snooze':
      return { sql: Prisma.sql`snoozed_until = ${action.until}`, type: 'alert.snoozed' };
    case 'accept':
    case 'dismiss':
      return {
        sql: Prisma.sql`decision = ${action.name === 'accept' ? 'accepted' : 'dismissed'}, decided_at = ${now}, decided_by = ${userId}`,
        type: action.name === 'accept' ? 'suggestion.accepted' : 'suggestion.dismissed',
      };
  }
}

/** Applies `action` to episode `id` as `actor`, within `scope` (outside it: 404). */
export async function actOnEpisode(
  prisma: PrismaClient,
  id: bigint,
  action: EpisodeAction,
  actor: Actor,
  scope: Scope,
): Promise<AlertAction> {
  return prisma.$transaction(async (tx) => {
    await joinEpisodeWriters(tx);
    const row = await getEpisode(tx, id, scope, true);
    if (!row) throw notFound(id);
    const refused = refusal(row, action.name);
    if (refused) throw refused;
    const now = new Date();
    const userId = BigInt(actor.userId);
    const update = change(row, action, userId, now);
    if (!update) return { episode: toAlertEpisode(row, now), changed: false };
    await tx.$executeRaw`UPDATE alert_episode SET ${update.sql}, updated_at = ${now} WHERE id = ${id}`;
    const updated = await getEpisode(tx, id, scope);
    if (!updated) throw notFound(id);
    await enqueueActions(tx, [
      {
        type: update.type,
        episode: updated,
        occurredAt: now,
        actor: { userId, email: actor.email },
        ...(action.name === 'snooze' ? { snoozedUntil: action.until } : {}),
        ...((action.name === 'accept' || action.name === 'dismiss') && action.note ? { note: action.note } : {}),
      },
    ]);
    return { episode: toAlertEpisode(updated, now), changed: true };
  });
}
