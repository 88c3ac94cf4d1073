// Reads of alert_episode for GET /api/v1/alerts, the live Alerts panel and the actions on one
// episode: the filters of the query, the caller's scope (stores, regions, categories) and the
// mapping of a row to the API's AlertEpisode. One scope rule for the list and for the actions,
// so an episode a caller cannot list is one they cannot act on either (404).
import { Prisma, type PrismaClient } from '@prisma/client';
import { isSuggestionKind } from '@/lib/contract/actions';
import { ALERTS_CLEARED_DAYS, type AlertEpisode, type Alerts, type AlertsQuery } from '@/lib/contract/alerts';
import type { EpisodeRow } from '@/lib/queries/actions/enqueue-action';
import type { Scope } from '@/lib/web/auth/scope';

type Db = PrismaClient | Prisma.TransactionClient;

/** An alert_episode row with its rule's name and the emails of who acted. */
export interface FullEpisodeRow extends EpisodeRow {
  acknowledged_at: Date | null;
  acknowledged_by: bigint | null;
  acknowledged_email: string | null;
  snoozed_until: Date | null;
  decision: string | null;
  decided_at: Date | null;
  decided_by: bigint | null;
  decided_email: string | null;
}

/** The columns FullEpisodeRow selects, over `alert_episode e`. */
export const EPISODE_COLUMNS = Prisma.sql`
  e.id, e.kind, e.rule_id, r.name AS rule_name, e.subject_key, e.severity, e.store_id, e.sku, e.region, e.category,
  e.opened_at, e.cleared_at, e.details, e.acknowledged_at, e.acknowledged_by, ua.email AS acknowledged_email,
  e.snoozed_until, e.decision, e.decided_at, e.decided_by, ud.email AS decided_email`;

export const EPISODE_JOINS = Prisma.sql`
  LEFT JOIN alert_rule r ON r.id = e.rule_id
  LEFT JOIN app_user ua ON ua.id = e.acknowledged_by
  LEFT JOIN app_user ud ON ud.id = e.decided_by`;

/**
 * The episodes `scope` may see. A scoped dimension needs the episode's value of it to be known
 * and inside the scope: a region comes from the episode or its store's row, a category from the
 * episode or its SKU's product row (as on the inventory page). An episode about something wider
 * than the scope (every store, a whole region for a store-scoped user) is not shown.
 */
export function episodeScopeSql(scope: Scope): Prisma.Sql {
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (scope.store && scope.store.length > 0) where.push(Prisma.sql`e.store_id = ANY(${[...scope.store]}::text[])`);
  if (scope.region && scope.region.length > 0) {
    where.push(
      Prisma.sql`COALESCE(e.region, (SELECT s.region FROM store s WHERE s.store_id = e.store_id)) = ANY(${[...scope.region]}::text[])`,
    );
  }
  if (scope.category && scope.category.length > 0) {
    where.push(
      Prisma.sql`COALESCE(e.category, (SELECT p.category FROM product p WHERE p.sku = e.sku)) = ANY(${[...scope.category]}::text[])`,
    );
  }
  return Prisma.join(where, ' AND ');
}

function stateSql(state: AlertsQuery['state'], now: Date): Prisma.Sql {
  const recent = new Date(now.getTime() - ALERTS_CLEARED_DAYS * 86_400_000);
  const open = Prisma.sql`(e.cleared_at IS NULL AND (e.snoozed_until IS NULL OR e.snoozed_until <= ${now}))`;
  const snoozed = Prisma.sql`(e.cleared_at IS NULL AND e.snoozed_until > ${now})`;
  const cleared = Prisma.sql`(e.cleared_at IS NOT NULL AND e.cleared_at >= ${recent})`;
  if (state === 'open') return open;
  if (state === 'snoozed') return snoozed;
  if (state === 'cleared') return cleared;
  return Prisma.sql`(e.cleared_at IS NULL OR e.cleared_at >= ${recent})`;
}

const SEVERITY_RANK = Prisma.sql`CASE e.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`;

/** Episodes matching `query` inside `scope`, as of `now`. `query.stores` is already held to the scope. */
export async function getAlerts(prisma: Db, query: AlertsQuery, scope: Scope, now = new Date()): Promise<Alerts> {
  const where: Prisma.Sql[] = [episodeScopeSql(scope), stateSql(query.state, now)];
  if (query.kinds.length > 0) where.push(Prisma.sql`e.kind = ANY(${query.kinds}::text[])`);
  if (query.severities.length > 0) where.push(Prisma.sql`e.severity = ANY(${query.severities}::text[])`);
  if (query.stores.length > 0) where.push(Prisma.sql`e.store_id = ANY(${query.stores}::text[])`);
  if (query.skus.length > 0) where.push(Prisma.sql`e.sku = ANY(${query.skus}::text[])`);
  const condition = Prisma.join(where, ' AND ');
  const [rows, counted] = await Promise.all([
    prisma.$queryRaw<FullEpisodeRow[]>`
      SELECT ${EPISODE_COLUMNS}
      FROM alert_episode e ${EPISODE_JOINS}
      WHERE ${condition}
      ORDER BY ${SEVERITY_RANK}, e.opened_at DESC, e.id DESC
      LIMIT ${query.limit} OFFSET ${query.offset}`,
    prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM alert_episode e WHERE ${condition}`,
  ]);
  return {
    episodes: rows.map((row) => toAlertEpisode(row, now)),
    total: Number(counted[0]?.n ?? 0),
    limit: query.limit,
    offset: query.offset,
    as_of: now.toISOString(),
  };
}

/** The reasoning in words, as the evaluator writes it into details. */
function reasoningOf(details: Record<string, unknown>): string | null {
  for (const key of ['reasoning', 'reason']) {
    const value = details[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

const actor = (id: bigint | null, email: string | null) => (id === null ? null : { user_id: String(id), email });

export function toAlertEpisode(row: FullEpisodeRow, now: Date): AlertEpisode {
  const details =
    typeof row.details === 'object' && row.details !== null && !Array.isArray(row.details)
      ? (row.details as Record<string, unknown>)
      : {};
  const snoozed = row.snoozed_until !== null && row.snoozed_until > now;
  return {
    id: String(row.id),
    kind: row.kind as AlertEpisode['kind'],
    class: isSuggestionKind(row.kind) ? 'suggestion' : 'alert',
    rule_id: row.rule_id === null ? null : String(row.rule_id),
    rule_name: row.rule_name,
    severity: row.severity as AlertEpisode['severity'],
    state: row.cleared_at !== null ? 'cleared' : snoozed ? 'snoozed' : 'open',
    subject: { store_id: row.store_id, sku: row.sku, region: row.region, category: row.category },
    opened_at: row.opened_at.toISOString(),
    cleared_at: row.cleared_at?.toISOString() ?? null,
    reasoning: reasoningOf(details),
    details,
    acknowledged:
      row.acknowledged_at === null
        ? null
        : { at: row.acknowledged_at.toISOString(), by: actor(row.acknowledged_by, row.acknowledged_email) },
    snoozed_until: row.snoozed_until?.toISOString() ?? null,
    decision:
      row.decision === null || row.decided_at === null
        ? null
        : {
            value: row.decision as 'accepted' | 'dismissed',
            at: row.decided_at.toISOString(),
            by: actor(row.decided_by, row.decided_email),
          },
  };
}

/** One episode inside `scope`, locked for an action when `lock` (FOR UPDATE of the episode row only). */
export async function getEpisode(prisma: Db, id: bigint, scope: Scope, lock = false): Promise<FullEpisodeRow | null> {
  const rows = await prisma.$queryRaw<FullEpisodeRow[]>`
    SELECT ${EPISODE_COLUMNS}
    FROM alert_episode e ${EPISODE_JOINS}
    WHERE e.id = ${id} AND ${episodeScopeSql(scope)}
    ${lock ? Prisma.sql`FOR UPDATE OF e` : Prisma.empty}`;
  return rows[0] ?? null;
}
