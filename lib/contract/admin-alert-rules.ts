// Bodies and answers of the admin API's alert rules (/api/v1/admin/alert-rules*): zod schemas
// the handlers parse with (lib/web/admin-alert-rules.ts), the types below are inferred from and
// the OpenAPI document (lib/web/openapi-admin.ts) is generated from. They mirror the alert_rule
// table and its CHECK constraints (prisma/migrations/20261209000000_actions), so a rule the API
// accepts is one the table stores; each message is the 400 a field gives. Pure: the admin page
// bundles it to show which fields a metric takes.
import { z } from 'zod';
import { canonicalRegion } from '@/lib/domain/dimensions';
import {
  ANOMALY_LEVELS,
  ANOMALY_METRICS,
  RULE_METRICS,
  RULE_SCOPE_KINDS,
  type RuleLevel,
  type RuleMetric,
  type RuleScopeKind,
  SEVERITIES,
  type Severity,
  STOCK_METRICS,
} from './actions';
import { isStorableText, NOT_STORABLE } from './admin-fields';
import { component, instant } from './common';

export const RULE_LEVELS = ['store_sku', ...ANOMALY_LEVELS] as const satisfies readonly RuleLevel[];
export const MAX_RULE_NAME = 80;
export const WINDOW_MINUTES = { min: 5, max: 1440, default: 60 } as const;
export const HISTORY_DAYS = { min: 3, max: 90, default: 14 } as const;

export const isStockMetric = (metric: RuleMetric): boolean => (STOCK_METRICS as readonly string[]).includes(metric);
export const isAnomalyMetric = (metric: RuleMetric): boolean => (ANOMALY_METRICS as readonly string[]).includes(metric);

/** What each metric measures and the unit of its threshold (the API's description, the page's words). */
export const METRIC_INFO: Record<RuleMetric, { label: string; unit: string | null; explain: string }> = {
  low_stock: {
    label: 'Low stock',
    unit: null,
    explain:
      'the Inventory page’s low rule per store × SKU: on-hand below the reorder point, or days of cover below the low-cover threshold (inventory rules or INVENTORY_LOW_COVER_DAYS); no threshold',
  },
  on_hand: {
    label: 'On hand below',
    unit: 'units',
    explain: 'on-hand below `threshold` units, per store × SKU',
  },
  days_of_cover: {
    label: 'Days of cover below',
    unit: 'days',
    explain: 'days of cover (on-hand ÷ forecast daily demand) below `threshold` days, per store × SKU',
  },
  revenue_anomaly: {
    label: 'Revenue anomaly',
    unit: 'z',
    explain:
      'net revenue of the last closed window of `window_minutes`, per `level`, against the same window on each of the previous `history_days` days (or the 24 windows before it): a spike or drop when the robust z-score (x − median) / (1.4826 · MAD) reaches `threshold` either way; critical from twice the threshold',
  },
  orders_anomaly: {
    label: 'Orders anomaly',
    unit: 'z',
    explain: 'as revenue_anomaly, counting orders instead of revenue',
  },
};

const METRICS_TEXT = `What the rule watches. ${RULE_METRICS.map((m) => `\`${m}\`: ${METRIC_INFO[m].explain}`).join('. ')}.`;

/** What a scope kind's value names, for messages and labels. */
export const SCOPE_VALUE_NAMES: Record<Exclude<RuleScopeKind, 'all'>, string> = {
  store: 'a store id',
  region: 'a region',
  category: 'a category',
  sku: 'a SKU',
};

const fields = {
  name: z
    .string({ error: 'name must be a string' })
    .trim()
    .min(1, 'name must not be empty')
    .max(MAX_RULE_NAME, `name must be at most ${MAX_RULE_NAME} characters`)
    .refine(isStorableText, `name ${NOT_STORABLE}`),
  metric: z.enum(RULE_METRICS, { error: `metric must be one of ${RULE_METRICS.join(', ')}` }).describe(METRICS_TEXT),
  level: z
    .enum(RULE_LEVELS, { error: `level must be one of ${RULE_LEVELS.join(', ')}` })
    .describe(
      `What the rule compares: \`store_sku\` (each store × SKU) for the stock metrics, the only level they take (the default); ${ANOMALY_LEVELS.join(', ')} for the anomaly metrics (required): the whole business, each store, region, category or SKU`,
    ),
  scope_kind: z
    .enum(RULE_SCOPE_KINDS, { error: `scope_kind must be one of ${RULE_SCOPE_KINDS.join(', ')}` })
    .describe('Which subjects the rule watches: `all`, or those of one store, region, category or SKU'),
  scope_value: z
    .string({ error: 'scope_value must be a string (a store id, region, category or SKU) or null' })
    .trim()
    .min(1, 'scope_value must not be empty; use null with scope_kind all')
    .max(128, 'scope_value must be at most 128 characters')
    .refine(isStorableText, `scope_value ${NOT_STORABLE}`)
    .nullable()
    .describe('The store id, region (lower-cased, as sales are counted), category or SKU; null iff scope_kind is all'),
  threshold: z
    .number({ error: 'threshold must be a number greater than 0, or null for low_stock' })
    .gt(0, 'threshold must be greater than 0')
    .nullable()
    .describe(
      'How far is too far: units for on_hand, days for days_of_cover, |robust z| for the anomaly metrics (3.5 is a usual start); required for those, null (or absent) for low_stock',
    ),
  window_minutes: z
    .int({ error: `window_minutes must be a whole number of minutes, ${WINDOW_MINUTES.min}–${WINDOW_MINUTES.max}` })
    .min(WINDOW_MINUTES.min, `window_minutes must be at least ${WINDOW_MINUTES.min}`)
    .max(WINDOW_MINUTES.max, `window_minutes must be at most ${WINDOW_MINUTES.max} (a day)`)
    .describe(
      'Anomaly metrics: the length of the closed window compared, in minutes (the stock metrics read stock as it is now)',
    ),
  history_days: z
    .int({ error: `history_days must be a whole number of days, ${HISTORY_DAYS.min}–${HISTORY_DAYS.max}` })
    .min(HISTORY_DAYS.min, `history_days must be at least ${HISTORY_DAYS.min}`)
    .max(HISTORY_DAYS.max, `history_days must be at most ${HISTORY_DAYS.max}`)
    .describe('Anomaly metrics: how many previous days’ same window make the expected value'),
  severity: z
    .enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(', ')}` })
    .describe('Severity of the alerts it raises (anomalies at twice the threshold are critical)'),
  enabled: z
    .boolean({ error: 'enabled must be true or false' })
    .describe('A disabled rule raises nothing, and the evaluator clears the alerts it had open'),
};

/** A rule as stored: every field set. */
export interface AlertRuleSettings {
  name: string;
  metric: RuleMetric;
  level: RuleLevel;
  scope_kind: RuleScopeKind;
  scope_value: string | null;
  threshold: number | null;
  window_minutes: number;
  history_days: number;
  severity: Severity;
  enabled: boolean;
}

/** A rule on its way in: what its metric implies may still be missing (settleRule fills it in). */
export type AlertRuleDraft = Omit<AlertRuleSettings, 'level' | 'threshold' | 'scope_value'> & {
  level?: RuleLevel;
  threshold?: number | null;
  scope_value?: string | null;
};

export interface RuleProblem {
  param: 'level' | 'scope_value' | 'threshold';
  message: string;
}

/**
 * What a draft's metric and scope imply: a stock rule is per store × SKU, low_stock takes no
 * threshold, scope `all` no value; a region is lower-cased, as sales are counted.
 */
export function settleRule(draft: AlertRuleDraft): AlertRuleDraft {
  const settled = { ...draft };
  if (settled.level === undefined && isStockMetric(settled.metric)) settled.level = 'store_sku';
  if (settled.threshold === undefined && settled.metric === 'low_stock') settled.threshold = null;
  if (settled.scope_value === undefined && settled.scope_kind === 'all') settled.scope_value = null;
  if (settled.scope_kind === 'region' && typeof settled.scope_value === 'string') {
    settled.scope_value = canonicalRegion(settled.scope_value);
  }
  return settled;
}

/** The first rule across fields a settled draft breaks (the table's CHECK constraints), or null. */
export function ruleProblem(rule: AlertRuleDraft): RuleProblem | null {
  const { metric } = rule;
  if (isStockMetric(metric) && rule.level !== 'store_sku') {
    return { param: 'level', message: `level must be store_sku for ${metric}: stock rules watch each store × SKU` };
  }
  if (isAnomalyMetric(metric) && (rule.level === undefined || rule.level === 'store_sku')) {
    return {
      param: 'level',
      message: `level is required for ${metric}: one of ${ANOMALY_LEVELS.join(', ')} (what the anomaly is computed per)`,
    };
  }
  if (rule.scope_kind === 'all' && rule.scope_value !== null) {
    return { param: 'scope_value', message: 'scope_value must be null when scope_kind is all' };
  }
  if (rule.scope_kind !== 'all' && (rule.scope_value === null || rule.scope_value === undefined)) {
    return {
      param: 'scope_value',
      message: `scope_value is required when scope_kind is ${rule.scope_kind}: ${SCOPE_VALUE_NAMES[rule.scope_kind]}`,
    };
  }
  if (metric === 'low_stock' && rule.threshold !== null) {
    return {
      param: 'threshold',
      message: 'threshold must be null for low_stock: the Inventory page’s low rule decides what is low',
    };
  }
  if (metric !== 'low_stock' && (rule.threshold === null || rule.threshold === undefined)) {
    return {
      param: 'threshold',
      message: `threshold is required for ${metric}: a number greater than 0 (${METRIC_INFO[metric].unit})`,
    };
  }
  return null;
}

/** The draft settled, or its first problem as an issue on the field at fault (a 400 naming it). */
function settleOrRefuse(draft: AlertRuleDraft, ctx: z.RefinementCtx): AlertRuleSettings {
  const settled = settleRule(draft);
  const problem = ruleProblem(settled);
  if (problem) {
    ctx.addIssue({ code: 'custom', path: [problem.param], message: problem.message });
    return z.NEVER;
  }
  return settled as AlertRuleSettings;
}

/** POST /api/v1/admin/alert-rules. */
export const newAlertRuleSchema = z
  .strictObject(
    {
      name: fields.name,
      metric: fields.metric,
      level: fields.level.optional(),
      scope_kind: fields.scope_kind.default('all'),
      scope_value: fields.scope_value.optional(),
      threshold: fields.threshold.optional(),
      window_minutes: fields.window_minutes.default(WINDOW_MINUTES.default),
      history_days: fields.history_days.default(HISTORY_DAYS.default),
      severity: fields.severity.default('warning'),
      enabled: fields.enabled.default(true),
    },
    {
      error:
        'the body must be a JSON object {name, metric, level?, scope_kind?, scope_value?, threshold?, window_minutes?, history_days?, severity?, enabled?}',
    },
  )
  .transform(settleOrRefuse);

/**
 * PATCH /api/v1/admin/alert-rules/{id}: any of the fields; the rule they make is checked whole.
 * A new metric implies its level (stock) and no threshold (low_stock) unless given; a new
 * scope_kind needs its scope_value (null for all).
 */
export const alertRulePatchSchema = z
  .strictObject(
    {
      name: fields.name.optional(),
      metric: fields.metric.optional(),
      level: fields.level.optional(),
      scope_kind: fields.scope_kind.optional(),
      scope_value: fields.scope_value.optional(),
      threshold: fields.threshold.optional(),
      window_minutes: fields.window_minutes.optional(),
      history_days: fields.history_days.optional(),
      severity: fields.severity.optional(),
      enabled: fields.enabled.optional(),
    },
    { error: 'the body must be a JSON object of the rule fields to change' },
  )
  .refine((patch) => Object.keys(patch).length > 0, 'the body changes nothing');

export type NewAlertRuleInput = z.output<typeof newAlertRuleSchema>;
export type AlertRulePatch = z.output<typeof alertRulePatchSchema>;

/** A stored rule with a patch applied: what the patch's metric and scope_kind imply is re-derived. */
export function patchedRule(current: AlertRuleSettings, patch: AlertRulePatch): AlertRuleDraft {
  const draft: AlertRuleDraft = { ...current, ...stripUndefined(patch) };
  if (patch.metric !== undefined && patch.metric !== current.metric) {
    if (patch.level === undefined) draft.level = isStockMetric(patch.metric) ? undefined : keepAnomalyLevel(current);
    // A threshold in another unit (units, days, z) means nothing under the new metric.
    if (patch.threshold === undefined && METRIC_INFO[patch.metric].unit !== METRIC_INFO[current.metric].unit) {
      draft.threshold = undefined;
    }
  }
  if (patch.scope_kind !== undefined && patch.scope_kind !== current.scope_kind && patch.scope_value === undefined) {
    draft.scope_value = undefined;
  }
  return draft;
}

const keepAnomalyLevel = (current: AlertRuleSettings): RuleLevel | undefined =>
  current.level === 'store_sku' ? undefined : current.level;

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A rule as the admin API answers it. */
export const adminAlertRuleSchema = component(
  'AdminAlertRule',
  z.object({
    id: z.string(),
    name: z.string(),
    metric: z.enum(RULE_METRICS).describe(METRICS_TEXT),
    level: z.enum(RULE_LEVELS),
    scope_kind: z.enum(RULE_SCOPE_KINDS),
    scope_value: z.string().nullable().describe('Null iff scope_kind is all'),
    threshold: z
      .number()
      .nullable()
      .describe('Units (on_hand), days (days_of_cover) or |robust z| (anomalies); null for low_stock'),
    window_minutes: z.int(),
    history_days: z.int(),
    severity: z.enum(SEVERITIES),
    enabled: z.boolean(),
    open_alerts: z.int().describe('Alerts of this rule open now; a rule with any cannot be deleted (disable it first)'),
    created_at: instant(),
    updated_at: instant(),
    updated_by: z.string().nullable().describe('Id of the admin who last changed it; null for a rule Pulse seeded'),
  }),
);
export type AdminAlertRule = z.infer<typeof adminAlertRuleSchema>;
