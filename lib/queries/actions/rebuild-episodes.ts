// The replay of the actions (workers/replay/actions-replay.ts) writing alert_episode in its own
// schema from the actions topic: the ids it has applied (a publisher that crashed after the
// broker took a batch sends it again), the folded patches (lib/domain/action-history.ts), the
// outbox rows not yet published, and the last touches that make the build a twin of the live
// table — constraints that could not hold while episodes arrived partition by partition.
import type { Prisma } from '@prisma/client';
import type { EpisodePatch } from '@/lib/domain/action-history';
import { ident, LIVE_SCHEMA, type Queryable, qualified, type Session } from '@/lib/queries/replay/replay-sql';

/** The build's table of action ids applied; not a live table, so created here. */
export async function createSeenActions(session: Session, schema: string): Promise<void> {
  await session.query(`CREATE UNLOGGED TABLE ${qualified(schema, 'action_seen')} (action_id uuid PRIMARY KEY)`);
}

/** Of `actionIds` (distinct), those not applied before; they count as applied from now on. */
export async function rememberActions(
  tx: Prisma.TransactionClient,
  actionIds: readonly string[],
): Promise<Set<string>> {
  if (actionIds.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ action_id: string }[]>`
    INSERT INTO action_seen (action_id) SELECT unnest(${[...actionIds]}::uuid[])
    ON CONFLICT (action_id) DO NOTHING
    RETURNING action_id::text`;
  return new Set(rows.map((r) => r.action_id));
}

/**
 * Writes the patches: a new episode is inserted with its recorded id; a known one takes the
 * patch's snapshot fields, and the acknowledgement, snooze and decision where the patch has one.
 */
export async function applyEpisodePatches(
  tx: Prisma.TransactionClient,
  patches: readonly EpisodePatch[],
): Promise<void> {
  if (patches.length === 0) return;
  const col = <T>(f: (p: EpisodePatch) => T) => patches.map(f);
  const text = (v: bigint | null) => (v === null ? null : String(v));
  await tx.$executeRaw`
    INSERT INTO alert_episode (id, rule_id, kind, subject_key, store_id, sku, region, category, severity, opened_at,
      cleared_at, details, acknowledged_at, acknowledged_by, snoozed_until, decision, decided_at, decided_by, updated_at)
    SELECT p.id::bigint, p.rule_id::bigint, p.kind, p.subject_key, p.store_id, p.sku, p.region, p.category, p.severity,
      p.opened_at, p.cleared_at, p.details, p.acknowledged_at, p.acknowledged_by::bigint, p.snoozed_until, p.decision,
      p.decided_at, p.decided_by::bigint, p.updated_at
    FROM unnest(
      ${col((p) => String(p.id))}::text[], ${col((p) => text(p.ruleId))}::text[], ${col((p) => p.kind)}::text[],
      ${col((p) => p.subjectKey)}::text[], ${col((p) => p.storeId)}::text[], ${col((p) => p.sku)}::text[],
      ${col((p) => p.region)}::text[], ${col((p) => p.category)}::text[], ${col((p) => p.severity)}::text[],
      ${col((p) => p.openedAt)}::timestamptz[], ${col((p) => p.clearedAt)}::timestamptz[],
      ${col((p) => JSON.stringify(p.details))}::jsonb[], ${col((p) => p.acknowledgedAt)}::timestamptz[],
      ${col((p) => text(p.acknowledgedBy))}::text[], ${col((p) => p.snoozedUntil)}::timestamptz[],
      ${col((p) => p.decision)}::text[], ${col((p) => p.decidedAt)}::timestamptz[],
      ${col((p) => text(p.decidedBy))}::text[], ${col((p) => p.updatedAt)}::timestamptz[]
    ) AS p(id, rule_id, kind, subject_key, store_id, sku, region, category, severity, opened_at, cleared_at, details,
      acknowledged_at, acknowledged_by, snoozed_until, decision, decided_at, decided_by, updated_at)
    ON CONFLICT (id) DO UPDATE SET
      rule_id = EXCLUDED.rule_id, kind = EXCLUDED.kind, subject_key = EXCLUDED.subject_key,
      store_id = EXCLUDED.store_id, sku = EXCLUDED.sku, region = EXCLUDED.region, category = EXCLUDED.category,
      severity = EXCLUDED.severity, opened_at = EXCLUDED.opened_at, cleared_at = EXCLUDED.cleared_at,
      details = EXCLUDED.details,
      acknowledged_at = COALESCE(EXCLUDED.acknowledged_at, alert_episode.acknowledged_at),
      acknowledged_by = CASE WHEN EXCLUDED.acknowledged_at IS NULL THEN alert_episode.acknowledged_by ELSE EXCLUDED.acknowledged_by END,
      snoozed_until = COALESCE(EXCLUDED.snoozed_until, alert_episode.snoozed_until),
      decision = COALESCE(EXCLUDED.decision, alert_episode.decision),
      decided_at = COALESCE(EXCLUDED.decided_at, alert_episode.decided_at),
      decided_by = CASE WHEN EXCLUDED.decision IS NULL THEN alert_episode.decided_by ELSE EXCLUDED.decided_by END,
      updated_at = GREATEST(EXCLUDED.updated_at, alert_episode.updated_at)`;
}

/** The live outbox's unpublished messages, oldest first (read while the writers are fenced). */
export async function getUnpublishedActions(q: Queryable): Promise<{ actionId: string; payload: string }[]> {
  const { rows } = await q.query<{ action_id: string; payload: string }>(
    `SELECT action_id::text, payload::text FROM ${qualified(LIVE_SCHEMA, 'action_outbox')}
     WHERE published_at IS NULL ORDER BY seq`,
  );
  return rows.map((r) => ({ actionId: r.action_id, payload: r.payload }));
}

/** The constraints on alert_episode that episodes arriving partition by partition would break, and its foreign keys. */
export interface DeferredConstraints {
  /** Unique indexes over several episodes (at most one open per condition), by name → definition on the build. */
  indexes: { name: string; def: string }[];
}

/**
 * Drops from the build's alert_episode the unique indexes other than its primary key: one
 * condition's old episode may be cleared on one partition after its next one opened on another
 * was applied. finishEpisodeBuild puts them back, with the live names.
 */
export async function deferEpisodeConstraints(session: Session, schema: string): Promise<DeferredConstraints> {
  const { rows } = await session.query<{ name: string; def: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = to_regclass($1) AND i.indisunique AND NOT i.indisprimary`,
    [qualified(schema, 'alert_episode')],
  );
  for (const { name } of rows) await session.query(`DROP INDEX ${qualified(schema, name)}`);
  return { indexes: rows };
}

/**
 * The build made a twin of the live alert_episode: episodes of rules deleted since lose their
 * rule as the foreign key made the live ones lose it; the deferred unique indexes come back;
 * the live table's foreign keys are added (CREATE TABLE … LIKE copies none).
 */
export async function finishEpisodeBuild(
  session: Session,
  schema: string,
  deferred: DeferredConstraints,
): Promise<{ rulesGone: number }> {
  const episodes = qualified(schema, 'alert_episode');
  const { rowCount } = await session.query(
    `UPDATE ${episodes} e SET rule_id = NULL
     WHERE rule_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${qualified(LIVE_SCHEMA, 'alert_rule')} r WHERE r.id = e.rule_id)`,
  );
  for (const { def } of deferred.indexes) await session.query(def);
  const { rows } = await session.query<{ name: string; def: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = to_regclass($1) AND contype = 'f'`,
    [qualified(LIVE_SCHEMA, 'alert_episode')],
  );
  for (const { name, def } of rows) {
    await session.query(`ALTER TABLE ${episodes} ADD CONSTRAINT ${ident(name)} ${def}`);
  }
  return { rulesGone: rowCount ?? 0 };
}
