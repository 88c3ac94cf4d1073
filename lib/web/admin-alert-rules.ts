// Administration of alert rules (Admin → Alerts): the API's bodies parsed with their contract
// (lib/contract/admin-alert-rules.ts), a patch checked on the whole rule it makes, and the
// reads and writes behind them (lib/queries/actions/alert-rules.ts). The actions worker's
// evaluator reads the rules on its next evaluation; a disabled rule's open alerts it clears.
import type { AlertRule, PrismaClient } from '@prisma/client';
import type { RuleLevel, RuleMetric, RuleScopeKind, Severity } from '@/lib/contract/actions';
import {
  type AdminAlertRule,
  type AlertRulePatch,
  type AlertRuleSettings,
  alertRulePatchSchema,
  type NewAlertRuleInput,
  newAlertRuleSchema,
  patchedRule,
  ruleProblem,
  settleRule,
} from '@/lib/contract/admin-alert-rules';
import {
  type AlertRuleRow,
  deleteAlertRule,
  insertAlertRule,
  listAlertRules,
  updateAlertRule,
} from '@/lib/queries/actions/alert-rules';
import { parseBody } from '@/lib/web/auth/admin-input';
import { HttpError } from '@/lib/web/http-error';
import { ParamError } from '@/lib/web/overview-params';

export function parseNewAlertRule(body: unknown): NewAlertRuleInput {
  return parseBody(newAlertRuleSchema, body);
}

export function parseAlertRulePatch(body: unknown): AlertRulePatch {
  return parseBody(alertRulePatchSchema, body);
}

/** A rule id from the path: a positive integer. */
export function parseAlertRuleId(id: string): bigint {
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw new ParamError('id', 'id must be an alert rule id (a positive integer)');
  return BigInt(id);
}

/** A stored rule's settings (the table's CHECK constraints hold its values to the contract's). */
export function settingsOf(rule: AlertRule): AlertRuleSettings {
  return {
    name: rule.name,
    metric: rule.metric as RuleMetric,
    level: rule.level as RuleLevel,
    scope_kind: rule.scopeKind as RuleScopeKind,
    scope_value: rule.scopeValue,
    threshold: rule.threshold,
    window_minutes: rule.windowMinutes,
    history_days: rule.historyDays,
    severity: rule.severity as Severity,
    enabled: rule.enabled,
  };
}

/** The stored rule with the patch applied, checked whole; a 400 naming the field at fault. */
export function applyPatch(current: AlertRuleSettings, patch: AlertRulePatch): AlertRuleSettings {
  const settled = settleRule(patchedRule(current, patch));
  const problem = ruleProblem(settled);
  if (problem) throw new ParamError(problem.param, problem.message);
  return settled as AlertRuleSettings;
}

function toAdminAlertRule({ rule, openAlerts }: AlertRuleRow): AdminAlertRule {
  return {
    id: rule.id.toString(),
    ...settingsOf(rule),
    open_alerts: openAlerts,
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
    updated_by: rule.updatedBy?.toString() ?? null,
  };
}

const notFound = (id: bigint) => new HttpError(404, 'not_found', `no alert rule ${id}`);

export async function listRules(prisma: PrismaClient): Promise<AdminAlertRule[]> {
  return (await listAlertRules(prisma)).map(toAdminAlertRule);
}

export async function createRule(
  prisma: PrismaClient,
  settings: AlertRuleSettings,
  adminId: bigint,
): Promise<AdminAlertRule> {
  return toAdminAlertRule(await insertAlertRule(prisma, settings, adminId));
}

export async function updateRule(
  prisma: PrismaClient,
  id: bigint,
  patch: AlertRulePatch,
  adminId: bigint,
): Promise<AdminAlertRule> {
  const row = await updateAlertRule(prisma, id, adminId, (current) => applyPatch(settingsOf(current), patch));
  if (!row) throw notFound(id);
  return toAdminAlertRule(row);
}

/**
 * Deletes a rule. One with open alerts is refused (409): disabling it is the way, since the
 * evaluator then clears its alerts (publishing alert.cleared); once none is open it may go.
 */
export async function deleteRule(prisma: PrismaClient, id: bigint): Promise<void> {
  const outcome = await deleteAlertRule(prisma, id);
  if (outcome.deleted) return;
  if (outcome.reason === 'not_found') throw notFound(id);
  const { rule, openAlerts } = outcome;
  const alerts = openAlerts === 1 ? '1 open alert' : `${openAlerts} open alerts`;
  throw new HttpError(
    409,
    'rule_has_open_alerts',
    rule.enabled
      ? `“${rule.name}” has ${alerts}: disable it first (its alerts are then cleared), then delete it`
      : `“${rule.name}” still has ${alerts}: they are cleared on the next evaluation of the disabled rule; delete it then`,
  );
}
