// The action layer's contract (README "Actions contract"): what goes on retail.actions.v1 and to
// webhooks, shared by the actions worker (the evaluator, the publisher, the webhook deliverer),
// the web process (acknowledge, snooze, accept, dismiss; the Alerts panel) and the browser.

/** Alerts are conditions to look at; suggestions are proposals to accept or dismiss. */
export const ALERT_KINDS = ['low_stock', 'sales_anomaly'] as const;
export const SUGGESTION_KINDS = ['restock', 'markdown', 'price_raise'] as const;
export const EPISODE_KINDS = [...ALERT_KINDS, ...SUGGESTION_KINDS] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];
export type EpisodeKind = (typeof EPISODE_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a rule measures (alert_rule.metric). */
export const RULE_METRICS = ['low_stock', 'on_hand', 'days_of_cover', 'revenue_anomaly', 'orders_anomaly'] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];
export const STOCK_METRICS = ['low_stock', 'on_hand', 'days_of_cover'] as const satisfies readonly RuleMetric[];
export const ANOMALY_METRICS = ['revenue_anomaly', 'orders_anomaly'] as const satisfies readonly RuleMetric[];
/** What an anomaly rule groups by (stock rules are per store × SKU: 'store_sku'). */
export const ANOMALY_LEVELS = ['all', 'store', 'region', 'category', 'sku'] as const;
export type RuleLevel = (typeof ANOMALY_LEVELS)[number] | 'store_sku';
export const RULE_SCOPE_KINDS = ['all', 'store', 'region', 'category', 'sku'] as const;
export type RuleScopeKind = (typeof RULE_SCOPE_KINDS)[number];

/** The transitions published, one message each. */
export const ACTION_TYPES = [
  'alert.opened',
  'alert.cleared',
  'alert.acknowledged',
  'alert.snoozed',
  'suggestion.opened',
  'suggestion.cleared',
  'suggestion.accepted',
  'suggestion.dismissed',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export function isSuggestionKind(kind: string): kind is SuggestionKind {
  return (SUGGESTION_KINDS as readonly string[]).includes(kind);
}

/** The subject of an episode: the fields that apply are set, the others null. */
export interface ActionSubject {
  store_id: string | null;
  sku: string | null;
  region: string | null;
  category: string | null;
}

/**
 * One message on retail.actions.v1 (and one webhook body). Key: `episode:<episode_id>`, so every
 * transition of an episode lands on one partition, in order. `action_id` is unique per message:
 * the publisher delivers at least once, so a consumer drops an action_id it has seen.
 */
export interface ActionMessage {
  schema: 'retail.actions.v1';
  action_id: string;
  type: ActionType;
  /** When the transition happened (ISO 8601, UTC). */
  occurred_at: string;
  episode: {
    id: string;
    kind: EpisodeKind;
    rule_id: string | null;
    rule_name: string | null;
    severity: Severity;
    /** The condition's identity within its kind and rule (`<store>:<sku>`, `store=<id>`, …): at most one open episode per kind, rule and key. */
    subject_key: string;
    subject: ActionSubject;
    opened_at: string;
    cleared_at: string | null;
    /** Kind-specific figures and the reasoning (on_hand, reorder_point, days_of_cover, restock_units, observed, expected, z, …). */
    details: Record<string, unknown>;
  };
  /** Who acted (acknowledge, snooze, accept, dismiss); null for the evaluator's own transitions. */
  actor: { user_id: string; email: string } | null;
  /** snooze: until when (ISO 8601); decisions: an optional note. */
  snoozed_until?: string;
  note?: string;
}

/** Postgres NOTIFY channel: episodes opened, cleared or acted on (sent inside the transaction). */
export const ALERTS_UPDATED_CHANNEL = 'pulse_alerts_updated';

/** Socket.IO: the Alerts panel subscribes with `alerts:subscribe` and receives `alerts` pushes. */
export const ALERTS_EVENTS = {
  subscribe: 'alerts:subscribe',
  push: 'alerts',
  error: 'alerts:error',
} as const;

/** Webhook request headers: the signature is hex HMAC-SHA256(secret, `${timestamp}.${body}`). */
export const WEBHOOK_HEADERS = {
  signature: 'x-pulse-signature',
  timestamp: 'x-pulse-timestamp',
  actionId: 'x-pulse-action-id',
  actionType: 'x-pulse-action-type',
} as const;
