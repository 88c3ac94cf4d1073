// Parses GET /api/v1/alerts and the bodies of the actions on one episode with the contract's
// schemas (lib/contract/alerts.ts); a problem is a ParamError (400). The store filter is held to
// the caller's scope as the inventory route holds it (lib/web/inventory-params.ts).
import {
  ALERTS_DEFAULT_LIMIT,
  type AlertsQuery,
  acknowledgeBodySchema,
  alertsQuerySchema,
  decisionBodySchema,
  SNOOZE_MAX_MINUTES,
  SNOOZE_MIN_MINUTES,
  snoozeBodySchema,
} from '@/lib/contract/alerts';
import { parseBody } from './auth/admin-input';
import { allows, type Scope, ScopeError } from './auth/scope';
import { HttpError } from './http-error';
import { ParamError } from './overview-params';

const SINGLE = ['state', 'limit', 'offset'] as const;
const LISTS = ['kind', 'severity', 'store', 'sku'] as const;

const sorted = <T extends string>(values: readonly T[] | undefined): T[] => [...new Set(values ?? [])].sort();

/** Other keys are ignored, as the inventory parser does; a single-valued key given twice is an error. */
export function parseAlertsQuery(params: URLSearchParams): AlertsQuery {
  const input: Record<string, unknown> = {};
  for (const key of SINGLE) {
    const given = params.getAll(key);
    if (given.length > 1) throw new ParamError(key, `${key} may be given only once`);
    if (given[0] !== undefined) input[key] = given[0];
  }
  for (const key of LISTS) {
    const given = params.getAll(key);
    if (given.length > 0) input[key] = given;
  }
  const result = alertsQuerySchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ParamError(String(issue?.path[0] ?? 'query'), issue?.message ?? 'invalid query');
  }
  const v = result.data;
  return {
    kinds: sorted(v.kind),
    severities: sorted(v.severity),
    state: v.state ?? 'open',
    stores: sorted(v.store),
    skus: sorted(v.sku),
    limit: v.limit ?? ALERTS_DEFAULT_LIMIT,
    offset: v.offset ?? 0,
  };
}

/** `query` as search parameters (the panel's live subscription and polling URL): parseAlertsQuery gives it back. */
export function alertsSearchParams(query: AlertsQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const kind of query.kinds) params.append('kind', kind);
  for (const severity of query.severities) params.append('severity', severity);
  if (query.state !== 'open') params.set('state', query.state);
  for (const store of query.stores) params.append('store', store);
  for (const sku of query.skus) params.append('sku', sku);
  if (query.limit !== ALERTS_DEFAULT_LIMIT) params.set('limit', String(query.limit));
  if (query.offset !== 0) params.set('offset', String(query.offset));
  return params;
}

/** The key live pushes of `query` carry (before the scope fills in the stores). */
export const alertsViewKey = (query: AlertsQuery): string => JSON.stringify(query);

/** Every store asked for must lie inside the scope (403 otherwise); none asked means the scope's own. */
export function alertsInScope(query: AlertsQuery, scope: Scope): AlertsQuery {
  const outside = query.stores.find((s) => !allows(scope, 'store', s));
  if (outside !== undefined) throw new ScopeError('store', `store ${JSON.stringify(outside)} is outside your scope`);
  return query.stores.length > 0 ? query : { ...query, stores: [...(scope.store ?? [])].sort() };
}

/** Ids are opaque to the client: one that is not a positive integer names nothing (404). */
export function parseAlertId(id: string): bigint {
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw new HttpError(404, 'not_found', `no alert or suggestion ${id}`);
  return BigInt(id);
}

/** A body that may be empty: {} then. */
export async function readOptionalJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ParamError('body', 'the body must be a JSON object');
  }
}

export function parseAcknowledgeBody(body: unknown): void {
  parseBody(acknowledgeBodySchema, body);
}

/** Until when a snooze body asks, as of `nowMs`: 5 minutes to a week ahead. */
export function parseSnoozeBody(body: unknown, nowMs = Date.now()): Date {
  const input = parseBody(snoozeBodySchema, body);
  if (input.minutes !== undefined) return new Date(nowMs + input.minutes * 60_000);
  const until = Date.parse(input.until as string);
  const minutes = (until - nowMs) / 60_000;
  if (minutes < SNOOZE_MIN_MINUTES - 0.5 || minutes > SNOOZE_MAX_MINUTES + 0.5) {
    throw new ParamError('until', `until must lie ${SNOOZE_MIN_MINUTES} minutes to a week ahead`);
  }
  return new Date(until);
}

export function parseDecisionBody(body: unknown): { note?: string } {
  const input = parseBody(decisionBodySchema, body);
  return input.note ? { note: input.note } : {};
}
