// Test data: alert and suggestion episodes opened the way the actions worker's evaluator opens
// them (workers/actions/), an INSERT into alert_episode and its `alert.opened` or
// `suggestion.opened` action (enqueueActions) in one transaction, so the web side (the alerts
// API, the live Alerts panel, the inventory page's suggestions) can be tested without waiting for
// a condition to hold. Also the outbox reads the tests assert on.
import type { PrismaClient } from '@prisma/client';
import { type EpisodeKind, isSuggestionKind, type Severity } from '@/lib/contract/actions';
import { createPrisma } from '@/lib/db';
import { type EpisodeRow, enqueueActions } from '@/lib/queries/actions/enqueue-action';

export interface TestEpisode {
  kind: EpisodeKind;
  severity?: Severity;
  /** An alert's rule (the seeded 'Low stock' rule is id 1); suggestions have none. */
  ruleId?: bigint | null;
  storeId?: string | null;
  sku?: string | null;
  region?: string | null;
  category?: string | null;
  details?: Record<string, unknown>;
  openedAt?: Date;
  /** Distinguishes episodes of the same kind, rule and subject (one may be open at a time). */
  subjectKey?: string;
}

/** A Prisma client on a test database (disconnect it when done). */
export const episodesDb = (databaseUrl: string): PrismaClient => createPrisma(databaseUrl, 2);

/** Opens one episode as the evaluator does; its id. */
export async function openTestEpisode(prisma: PrismaClient, episode: TestEpisode): Promise<bigint> {
  const suggestion = isSuggestionKind(episode.kind);
  const ruleId = suggestion ? null : (episode.ruleId ?? 1n);
  const subjectKey =
    episode.subjectKey ??
    [episode.storeId, episode.sku, episode.region, episode.category].map((v) => v ?? '').join('|');
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<EpisodeRow[]>`
      WITH e AS (
        INSERT INTO alert_episode (rule_id, kind, subject_key, store_id, sku, region, category, severity, opened_at, details)
        VALUES (${ruleId}, ${episode.kind}, ${subjectKey}, ${episode.storeId ?? null}, ${episode.sku ?? null},
          ${episode.region ?? null}, ${episode.category ?? null}, ${episode.severity ?? 'warning'},
          ${episode.openedAt ?? new Date()}, ${JSON.stringify(episode.details ?? {})}::jsonb)
        RETURNING *
      )
      SELECT e.id, e.kind, e.rule_id, r.name AS rule_name, e.severity, e.store_id, e.sku, e.region, e.category,
        e.opened_at, e.cleared_at, e.details
      FROM e LEFT JOIN alert_rule r ON r.id = e.rule_id`;
    const row = rows[0];
    if (!row) throw new Error('the episode was not inserted');
    await enqueueActions(tx, [
      { type: suggestion ? 'suggestion.opened' : 'alert.opened', episode: row, occurredAt: row.opened_at },
    ]);
    return row.id;
  });
}

export interface OutboxRow {
  seq: bigint;
  type: string;
  episode_id: bigint;
  payload: { actor: { user_id: string; email: string } | null; note?: string; snoozed_until?: string };
}

/** The outbox rows of an episode, in order. */
export function outboxOf(prisma: PrismaClient, episodeId: bigint): Promise<OutboxRow[]> {
  return prisma.$queryRaw<OutboxRow[]>`
    SELECT seq, type, episode_id, payload FROM action_outbox WHERE episode_id = ${episodeId} ORDER BY seq`;
}

/** The id of the open episode of `kind` about `store` × `sku` once the evaluator has opened it. */
export async function waitForOpenEpisode(
  prisma: PrismaClient,
  kind: EpisodeKind,
  store: string,
  sku: string,
  timeoutMs = 60_000,
): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await prisma.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM alert_episode
      WHERE kind = ${kind} AND store_id = ${store} AND sku = ${sku} AND cleared_at IS NULL`;
    if (rows[0]) return rows[0].id;
    if (Date.now() > deadline) throw new Error(`no open ${kind} episode for ${sku} at ${store} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
