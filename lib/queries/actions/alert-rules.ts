// Reads and writes of alert_rule for the admin API (lib/web/admin-alert-rules.ts): rules with
// the number of alerts each has open, and the changes, each in a transaction that locks the
// rule's row. Why the lock: a change is read, merged and checked whole, so two admins' edits
// must not interleave; and a delete must not race the evaluator opening an alert on the rule
// (its insert takes a key-share lock on the row, which waits for ours, then finds no rule).
import type { AlertRule, Prisma, PrismaClient } from '@prisma/client';
import type { AlertRuleSettings } from '@/lib/contract/admin-alert-rules';
import { joinEpisodeWriters } from './episode-writers';

type Tx = Prisma.TransactionClient;

/** A stored rule and the alerts it has open (cleared_at null). */
export interface AlertRuleRow {
  rule: AlertRule;
  openAlerts: number;
}

const withOpenCount = { _count: { select: { episodes: { where: { clearedAt: null } } } } } as const;

type RuleWithCount = AlertRule & { _count: { episodes: number } };

const toRow = ({ _count, ...rule }: RuleWithCount): AlertRuleRow => ({ rule, openAlerts: _count.episodes });

const columns = (s: AlertRuleSettings) => ({
  name: s.name,
  metric: s.metric,
  level: s.level,
  scopeKind: s.scope_kind,
  scopeValue: s.scope_value,
  threshold: s.threshold,
  windowMinutes: s.window_minutes,
  historyDays: s.history_days,
  severity: s.severity,
  enabled: s.enabled,
});

/** Every rule, oldest first (the seeded defaults lead). */
export async function listAlertRules(prisma: PrismaClient): Promise<AlertRuleRow[]> {
  const rules = await prisma.alertRule.findMany({ orderBy: { id: 'asc' }, include: withOpenCount });
  return rules.map(toRow);
}

export async function insertAlertRule(
  prisma: PrismaClient,
  settings: AlertRuleSettings,
  updatedBy: bigint,
): Promise<AlertRuleRow> {
  const rule = await prisma.alertRule.create({ data: { ...columns(settings), updatedBy }, include: withOpenCount });
  return toRow(rule);
}

/** The rule, locked until the transaction ends; null when there is none. */
async function lockRule(tx: Tx, id: bigint): Promise<AlertRule | null> {
  const locked = await tx.$queryRaw<{ id: bigint }[]>`SELECT id FROM alert_rule WHERE id = ${id} FOR UPDATE`;
  if (locked.length === 0) return null;
  return tx.alertRule.findUnique({ where: { id } });
}

/**
 * Changes a rule: `change` gets the stored rule and gives the new settings (or throws, which
 * rolls back). Null when there is no such rule.
 */
export async function updateAlertRule(
  prisma: PrismaClient,
  id: bigint,
  updatedBy: bigint,
  change: (current: AlertRule) => AlertRuleSettings,
): Promise<AlertRuleRow | null> {
  return prisma.$transaction(async (tx) => {
    const current = await lockRule(tx, id);
    if (!current) return null;
    const rule = await tx.alertRule.update({
      where: { id },
      data: { ...columns(change(current)), updatedBy, updatedAt: new Date() },
      include: withOpenCount,
    });
    return toRow(rule);
  });
}

export type DeleteOutcome = { deleted: true } | { deleted: false; reason: 'not_found' } | RefusedDelete;
interface RefusedDelete {
  deleted: false;
  reason: 'open_alerts';
  rule: AlertRule;
  openAlerts: number;
}

/**
 * Deletes a rule that has no open alert. One with open alerts stays: deleting it would leave
 * them open with no rule (the foreign key sets rule_id null) and nothing would ever clear them.
 */
export async function deleteAlertRule(prisma: PrismaClient, id: bigint): Promise<DeleteOutcome> {
  return prisma.$transaction(async (tx): Promise<DeleteOutcome> => {
    // The foreign key sets rule_id null on the rule's cleared episodes: a change of episodes.
    await joinEpisodeWriters(tx);
    const rule = await lockRule(tx, id);
    if (!rule) return { deleted: false, reason: 'not_found' };
    const openAlerts = await tx.alertEpisode.count({ where: { ruleId: id, clearedAt: null } });
    if (openAlerts > 0) return { deleted: false, reason: 'open_alerts', rule, openAlerts };
    await tx.alertRule.delete({ where: { id } });
    return { deleted: true };
  });
}
