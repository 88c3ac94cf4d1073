// Applies the evaluator's diff (lib/domain/action-conditions.ts) in the caller's transaction:
// new episodes inserted, ended ones cleared, and one action each written to the outbox with
// enqueueActions — the episode change and its action commit together or not at all. The partial
// unique index alert_episode_open_key makes an insert that races another evaluator's a no-op
// (no episode, no action), so a condition never has two open episodes.
import type { Prisma } from '@prisma/client';
import { type ActionType, isSuggestionKind } from '@/lib/contract/actions';
import type { Condition, ConditionDiff, OpenEpisode } from '@/lib/domain/action-conditions';
import { type EpisodeRow, enqueueActions } from './enqueue-action';

type Tx = Prisma.TransactionClient;

/** The open episodes of these kinds. */
export async function getOpenEpisodes(tx: Tx, kinds: readonly string[]): Promise<OpenEpisode[]> {
  const rows = await tx.$queryRaw<{ id: bigint; kind: string; rule_id: bigint | null; subject_key: string }[]>`
    SELECT id, kind, rule_id, subject_key FROM alert_episode
    WHERE cleared_at IS NULL AND kind = ANY(${[...kinds]}::text[])`;
  return rows.map((r) => ({ id: r.id, kind: r.kind, ruleId: r.rule_id, subjectKey: r.subject_key }));
}

const typeOf = (kind: string, change: 'opened' | 'cleared') =>
  `${isSuggestionKind(kind) ? 'suggestion' : 'alert'}.${change}` as ActionType;

async function insertEpisodes(tx: Tx, conditions: readonly Condition[], now: Date): Promise<EpisodeRow[]> {
  if (conditions.length === 0) return [];
  const col = <T>(f: (c: Condition) => T) => conditions.map(f);
  return tx.$queryRaw<EpisodeRow[]>`
    WITH ins AS (
      INSERT INTO alert_episode (rule_id, kind, subject_key, store_id, sku, region, category, severity, opened_at, details, updated_at)
      SELECT NULLIF(c.rule_id, '')::bigint, c.kind, c.subject_key, c.store_id, c.sku, c.region, c.category, c.severity,
        ${now}, c.details, ${now}
      FROM unnest(
        ${col((c) => (c.ruleId === null ? '' : String(c.ruleId)))}::text[], ${col((c) => c.kind)}::text[],
        ${col((c) => c.subjectKey)}::text[], ${col((c) => c.storeId)}::text[], ${col((c) => c.sku)}::text[],
        ${col((c) => c.region)}::text[], ${col((c) => c.category)}::text[], ${col((c) => c.severity)}::text[],
        ${col((c) => JSON.stringify(c.details))}::jsonb[]
      ) AS c(rule_id, kind, subject_key, store_id, sku, region, category, severity, details)
      ON CONFLICT (kind, (COALESCE(rule_id, 0)), subject_key) WHERE cleared_at IS NULL DO NOTHING
      RETURNING *
    )
    SELECT ins.id, ins.kind, ins.rule_id, r.name AS rule_name, ins.subject_key, ins.severity, ins.store_id, ins.sku, ins.region,
      ins.category, ins.opened_at, ins.cleared_at, ins.details
    FROM ins LEFT JOIN alert_rule r ON r.id = ins.rule_id
    ORDER BY ins.id`;
}

async function clearEpisodes(tx: Tx, episodes: readonly OpenEpisode[], now: Date): Promise<EpisodeRow[]> {
  if (episodes.length === 0) return [];
  return tx.$queryRaw<EpisodeRow[]>`
    WITH upd AS (
      UPDATE alert_episode SET cleared_at = ${now}, updated_at = ${now}
      WHERE id = ANY(${episodes.map((e) => e.id)}::bigint[]) AND cleared_at IS NULL
      RETURNING *
    )
    SELECT upd.id, upd.kind, upd.rule_id, r.name AS rule_name, upd.subject_key, upd.severity, upd.store_id, upd.sku, upd.region,
      upd.category, upd.opened_at, upd.cleared_at, upd.details
    FROM upd LEFT JOIN alert_rule r ON r.id = upd.rule_id
    ORDER BY upd.id`;
}

/** Opens and clears the diff's episodes at `now`, each with its action; returns the counts. */
export async function applyConditionDiff(
  tx: Tx,
  diff: ConditionDiff,
  now: Date,
): Promise<{ opened: EpisodeRow[]; cleared: EpisodeRow[] }> {
  const cleared = await clearEpisodes(tx, diff.toClear, now);
  const opened = await insertEpisodes(tx, diff.toOpen, now);
  await enqueueActions(tx, [
    ...cleared.map((episode) => ({ type: typeOf(episode.kind, 'cleared'), episode, occurredAt: now })),
    ...opened.map((episode) => ({ type: typeOf(episode.kind, 'opened'), episode, occurredAt: now })),
  ]);
  return { opened, cleared };
}
