// A user's (or an embed's) scope: the stores, regions and categories it may see. Applied to
// every view before anything is queried: a filter inside the scope narrows it, a filter that
// reaches outside it is refused (403), and no filter means the whole scope, so totals are
// computed over the scope only. Pure: the same rules for pages, the API, CSV and sockets.

import { LOCKABLE_DIMENSIONS, type Lock } from '@/lib/contract/access';
import type { FilterOptions } from '@/lib/contract/overview';
import { HttpError } from '@/lib/web/http-error';
import { type Dimension, dimensionValues, type OverviewQuery } from '@/lib/web/overview-params';

/** The dimensions a scope can hold (empty list = every value). Channels are never scoped. */
export const SCOPED_DIMENSIONS = ['store', 'region', 'category'] as const;
export type ScopedDimension = (typeof SCOPED_DIMENSIONS)[number];

export type Scope = Lock;

export const EVERYTHING: Scope = {};

/** True when the scope restricts nothing. */
export function isUnrestricted(scope: Scope): boolean {
  return LOCKABLE_DIMENSIONS.every((d) => (scope[d]?.length ?? 0) === 0);
}

export class ScopeError extends HttpError {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(403, 'outside_scope', message);
    this.name = 'ScopeError';
  }
}

/**
 * The query narrowed to the scope: each scoped dimension keeps the values asked for when all
 * lie inside the scope, takes the scope's values when none are asked for, and throws a
 * ScopeError naming the first value outside it.
 */
export function applyScope<Q extends OverviewQuery>(query: Q, scope: Scope): Q {
  const scoped: Q = { ...query };
  for (const dimension of LOCKABLE_DIMENSIONS) {
    const allowed = scope[dimension];
    if (!allowed || allowed.length === 0) continue;
    const asked = dimensionValues(query, dimension);
    if (asked.length === 0) {
      scoped[dimension] = [...allowed].sort();
      continue;
    }
    const outside = asked.find((value) => !allowed.includes(value));
    if (outside !== undefined) {
      throw new ScopeError(dimension, `${dimension} ${JSON.stringify(outside)} is outside your scope`);
    }
    scoped[dimension] = asked;
  }
  return scoped;
}

/** Whether one value of a dimension lies inside the scope. */
export function allows(scope: Scope, dimension: Dimension, value: string): boolean {
  const allowed = scope[dimension];
  return !allowed || allowed.length === 0 || allowed.includes(value);
}

/** The narrower of two scopes, dimension by dimension (an embed token narrowing its embed's lock). */
export function intersectScopes(outer: Scope, inner: Scope): Scope {
  const result: Scope = {};
  for (const dimension of LOCKABLE_DIMENSIONS) {
    const a = outer[dimension] ?? [];
    const b = inner[dimension] ?? [];
    if (a.length === 0 && b.length === 0) continue;
    const values = a.length === 0 ? b : b.length === 0 ? a : b.filter((v) => a.includes(v));
    if (values.length === 0) throw new ScopeError(dimension, `${dimension} leaves nothing inside the scope`);
    result[dimension] = [...new Set(values)].sort();
  }
  return result;
}

/** The filter bar's choices inside the scope: a scoped user never sees other stores' names. */
export function scopeFilterOptions(options: FilterOptions, scope: Scope): FilterOptions {
  const stores = options.stores.filter((s) => allows(scope, 'store', s.id) && allows(scope, 'region', s.region));
  const storeRegions = new Set(stores.map((s) => s.region));
  return {
    stores,
    regions: options.regions.filter(
      (r) => allows(scope, 'region', r) && ((scope.store?.length ?? 0) === 0 || storeRegions.has(r)),
    ),
    channels: options.channels.filter((c) => allows(scope, 'channel', c)),
    categories: options.categories.filter((c) => allows(scope, 'category', c)),
  };
}
