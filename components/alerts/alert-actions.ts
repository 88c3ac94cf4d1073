// The browser's side of the actions on one episode (POST /api/v1/alerts/{id}/…), and how an
// episode reads on screen (its kind, subject and reasoning in words), shared by the dashboard's
// Alerts panel and the inventory page's suggestions.
import type { EpisodeKind, Severity } from '@/lib/contract/actions';
import type { AlertAction, AlertActionName, AlertEpisode } from '@/lib/contract/alerts';

/** Runs an action; throws with the API's message when refused. */
export async function postAlertAction(id: string, action: AlertActionName, body: object = {}): Promise<AlertAction> {
  const res = await fetch(`/api/v1/alerts/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  const answer = (await res.json().catch(() => null)) as (AlertAction & { error?: { message?: string } }) | null;
  if (!res.ok) throw new Error(answer?.error?.message ?? `HTTP ${res.status}`);
  return answer as AlertAction;
}

export const KIND_LABELS: Record<EpisodeKind, string> = {
  low_stock: 'Low stock',
  sales_anomaly: 'Sales anomaly',
  restock: 'Restock',
  markdown: 'Markdown',
  price_raise: 'Raise price',
};

export const SEVERITY_LABELS: Record<Severity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

/** Text and background of a severity's badge: the word says it, the colour repeats it. */
export const SEVERITY_CLASSES: Record<Severity, string> = {
  critical: 'border-danger/40 bg-danger-soft text-danger-foreground',
  warning: 'border-warning/40 bg-warning-soft text-warning-foreground',
  info: 'border-border-strong bg-muted text-foreground',
};

/** The subject in words: "SKU-1 at NYC-01", "store NYC-01", "region eu", "all stores". */
export function subjectText(episode: AlertEpisode): string {
  const { store_id, sku, region, category } = episode.subject;
  if (sku && store_id) return `${sku} at ${store_id}`;
  if (store_id) return `store ${store_id}`;
  if (sku) return `SKU ${sku}`;
  if (category) return `category ${category}`;
  if (region) return `region ${region}`;
  return 'all stores';
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** What happened and why: the evaluator's reasoning, else what the figures say. */
export function reasoningText(episode: AlertEpisode): string {
  if (episode.reasoning) return episode.reasoning;
  const d = episode.details;
  const onHand = num(d.on_hand);
  const restock = num(d.restock_units);
  if (episode.kind === 'restock' && restock !== null) return `Order ${restock} units to reach the target cover.`;
  if (episode.kind === 'low_stock' && onHand !== null) return `${onHand} units on hand.`;
  const observed = num(d.observed);
  const expected = num(d.expected);
  if (observed !== null && expected !== null) return `Observed ${observed} against an expected ${expected}.`;
  return episode.rule_name ? `Raised by the rule “${episode.rule_name}”.` : 'No details given.';
}
