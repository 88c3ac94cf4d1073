// How Admin → Alerts words a rule: its metric, level, scope and threshold with its unit, and
// which fields a metric takes (the form shows only those). Pure, over the rules' contract
// (lib/contract/admin-alert-rules.ts), so the list and the form say the same.
import type { RuleLevel, RuleMetric, RuleScopeKind } from '@/lib/contract/actions';
import { type AdminAlertRule, isAnomalyMetric, METRIC_INFO } from '@/lib/contract/admin-alert-rules';

/** What the form explains under the metric: plain words, the unit of the threshold. */
export const METRIC_HINTS: Record<RuleMetric, string> = {
  low_stock:
    'The Inventory page’s low rule for each store × SKU: on-hand below the reorder point, or too few days of cover. No threshold.',
  on_hand: 'Each store × SKU whose on-hand falls below the threshold, in units.',
  days_of_cover:
    'Each store × SKU whose days of cover (on-hand ÷ forecast daily demand) fall below the threshold, in days.',
  revenue_anomaly:
    'Net revenue of the last closed window against the same window on previous days. The threshold is a robust z-score: how many spreads from normal.',
  orders_anomaly:
    'Orders of the last closed window against the same window on previous days. The threshold is a robust z-score: how many spreads from normal.',
};

export const LEVEL_WORDS: Record<RuleLevel, string> = {
  store_sku: 'Store × SKU',
  all: 'Whole business',
  store: 'Per store',
  region: 'Per region',
  category: 'Per category',
  sku: 'Per SKU',
};

export const SCOPE_WORDS: Record<RuleScopeKind, string> = {
  all: 'Everywhere',
  store: 'One store',
  region: 'One region',
  category: 'One category',
  sku: 'One SKU',
};

/** The label of a scope value's field. */
export const SCOPE_VALUE_LABELS: Record<Exclude<RuleScopeKind, 'all'>, string> = {
  store: 'Store id',
  region: 'Region',
  category: 'Category',
  sku: 'SKU',
};

/** The fields a metric takes besides name, scope, severity and enabled. */
export function fieldsOf(metric: RuleMetric): {
  level: boolean;
  threshold: boolean;
  window: boolean;
  history: boolean;
} {
  const anomaly = isAnomalyMetric(metric);
  return { level: anomaly, threshold: metric !== 'low_stock', window: anomaly, history: anomaly };
}

export const metricWords = (metric: RuleMetric): string => METRIC_INFO[metric].label;

/** "Store PAR-01", "Region eu", "Everywhere". */
export function scopeWords(rule: Pick<AdminAlertRule, 'scope_kind' | 'scope_value'>): string {
  if (rule.scope_kind === 'all') return SCOPE_WORDS.all;
  return `${SCOPE_VALUE_LABELS[rule.scope_kind].replace(' id', '')} ${rule.scope_value ?? ''}`.trim();
}

const FIGURE = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** "< 5 units", "< 2.5 days", "|z| ≥ 3.5"; low_stock: "Inventory rule". */
export function thresholdWords(rule: Pick<AdminAlertRule, 'metric' | 'threshold'>): string {
  if (rule.metric === 'low_stock' || rule.threshold === null) return 'Inventory rule';
  const value = FIGURE.format(rule.threshold);
  if (isAnomalyMetric(rule.metric)) return `|z| ≥ ${value}`;
  const unit = METRIC_INFO[rule.metric].unit ?? '';
  return `< ${value} ${rule.threshold === 1 ? unit.replace(/s$/, '') : unit}`;
}
