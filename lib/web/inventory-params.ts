// Parses GET /api/v1/inventory with the contract's schema; a problem is a ParamError (400).
import {
  INVENTORY_DEFAULT_LIMIT,
  type InventoryHistoryQuery,
  type InventoryQuery,
  inventoryHistoryQuerySchema,
  inventoryQuerySchema,
} from '@/lib/contract/inventory';
import { allows, type Scope, ScopeError } from './auth/scope';
import { ParamError } from './overview-params';

const SINGLE = ['q', 'low', 'sort', 'order', 'limit', 'offset'] as const;

/** Other keys are ignored, as the view parameters' parser does; a single-valued key given twice is an error. */
export function parseInventoryQuery(params: URLSearchParams): InventoryQuery {
  const input: Record<string, unknown> = {};
  for (const key of SINGLE) {
    const given = params.getAll(key);
    if (given.length > 1) throw new ParamError(key, `${key} may be given only once`);
    if (given[0] !== undefined) input[key] = given[0];
  }
  const stores = params.getAll('store');
  if (stores.length > 0) input.store = stores;
  const result = inventoryQuerySchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ParamError(String(issue?.path[0] ?? 'query'), issue?.message ?? 'invalid query');
  }
  const v = result.data;
  return {
    stores: [...new Set(v.store ?? [])].sort(),
    q: v.q ?? null,
    low: v.low ?? false,
    sort: v.sort ?? 'on_hand',
    order: v.order ?? 'asc',
    limit: v.limit ?? INVENTORY_DEFAULT_LIMIT,
    offset: v.offset ?? 0,
  };
}

/**
 * The query held to the scope's stores: every store asked for must lie inside it (ScopeError,
 * 403, otherwise); none asked means the scope's own. Regions and categories of the scope are
 * applied by the query (lib/queries/inventory/get-inventory.ts).
 */
export function inventoryInScope(query: InventoryQuery, scope: Scope): InventoryQuery {
  const outside = query.stores.find((s) => !allows(scope, 'store', s));
  if (outside !== undefined) throw new ScopeError('store', `store ${JSON.stringify(outside)} is outside your scope`);
  return query.stores.length > 0 ? query : { ...query, stores: [...(scope.store ?? [])].sort() };
}

/**
 * `query` as a URL's search parameters, leaving out what equals the defaults (the inventory
 * page's links and the live subscription's parameters): parseInventoryQuery gives it back.
 */
export function inventorySearchParams(query: InventoryQuery, defaultLimit = INVENTORY_DEFAULT_LIMIT): URLSearchParams {
  const params = new URLSearchParams();
  for (const store of query.stores) params.append('store', store);
  if (query.q !== null) params.set('q', query.q);
  if (query.low) params.set('low', 'true');
  if (query.sort !== 'on_hand') params.set('sort', query.sort);
  if (query.order !== 'asc') params.set('order', query.order);
  if (query.limit !== defaultLimit) params.set('limit', String(query.limit));
  if (query.offset !== 0) params.set('offset', String(query.offset));
  return params;
}

/**
 * The key the live hub's inventory pushes carry for a subscription of `query` (lib/web/live/views.ts:
 * the query as parsed, before the scope fills in the stores).
 */
export const inventoryViewKey = (query: InventoryQuery): string => JSON.stringify(query);

/** Parses GET /api/v1/inventory/history; the stores are held to the scope as the inventory's are. */
export function parseInventoryHistoryQuery(params: URLSearchParams, scope: Scope): InventoryHistoryQuery {
  const input: Record<string, unknown> = {};
  for (const key of ['sku', 'range'] as const) {
    const given = params.getAll(key);
    if (given.length > 1) throw new ParamError(key, `${key} may be given only once`);
    if (given[0] !== undefined) input[key] = given[0];
  }
  const stores = params.getAll('store');
  if (stores.length > 0) input.store = stores;
  const result = inventoryHistoryQuerySchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ParamError(String(issue?.path[0] ?? 'query'), issue?.message ?? 'invalid query');
  }
  const v = result.data;
  const wanted = [...new Set(v.store ?? [])].sort();
  const outside = wanted.find((s) => !allows(scope, 'store', s));
  if (outside !== undefined) throw new ScopeError('store', `store ${JSON.stringify(outside)} is outside your scope`);
  return { sku: v.sku, stores: wanted.length > 0 ? wanted : [...(scope.store ?? [])].sort(), range: v.range ?? '7d' };
}
