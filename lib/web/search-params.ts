// What the dashboard's pages accept: the shared parsers each page runs, also run by server.ts
// before Next renders, so that an invalid link is answered with status 400 (a page cannot set
// its own status) while the page shows which parameter is wrong.

import type { OverviewFilters } from '@/lib/contract/overview';
import { applyScope, type Scope } from '@/lib/web/auth/scope';
import { type DeadLetterQuery, parseDeadLetterQuery } from '@/lib/web/dead-letters/params';
import {
  type OverviewQuery,
  ParamError,
  parseId,
  parseOverviewQuery,
  parseTopOptions,
  toOverviewQuery,
} from './overview-params';

/** `searchParams` as Next hands it to a page: repeated keys arrive as arrays. */
export type PageSearchParams = Record<string, string | string[] | undefined>;

/** A page's props as Next hands them: path segments (still encoded) and the query string. */
export interface PageProps<Segment extends string = never> {
  params: Promise<Record<Segment, string>>;
  searchParams: Promise<PageSearchParams>;
}

/** Back to URLSearchParams, keeping repeated keys, so the view parser can reject them by name. */
export function toSearchParams(raw: PageSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, v);
  }
  return params;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: spelling them out is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * The values the link has for `param`, to show with the error. Control characters are spelled
 * out (`\u0000`): the browser's parser turns a raw NUL into U+FFFD and hydration then fails.
 */
export function givenValues(search: URLSearchParams, param: string): string[] {
  return search
    .getAll(param)
    .map((v) => v.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * A dynamic path segment as its id. Next hands pages the segment still percent-encoded (route
 * handlers get it decoded), so `/products/A%2FB%201%25` is the SKU `A/B 1%` only once decoded.
 */
export function decodeSegment(param: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new ParamError(param, `${param} is not valid percent-encoded UTF-8`);
  }
  return parseId(param, value);
}

export interface DashboardView {
  query: OverviewQuery;
  filters: OverviewFilters;
  top: ReturnType<typeof parseTopOptions>;
}

/**
 * `/` and `/stores/{id}`: the view, its filters and the top-N choice. `query` is the view as the
 * link has it (the filter bar shows it); `filters` are held to the viewer's scope.
 */
export function parseDashboardView(search: URLSearchParams, scope: Scope = {}): DashboardView {
  const query = toOverviewQuery(search);
  return { query, filters: parseOverviewQuery(applyScope(query, scope)), top: parseTopOptions(query) };
}

export interface ProductView {
  sku: string;
  query: OverviewQuery;
  filters: OverviewFilters;
}

/** `/products/{sku}` (the segment as Next hands it, still encoded). */
export function parseProductView(rawSku: string, search: URLSearchParams, scope: Scope = {}): ProductView {
  const sku = decodeSegment('sku', rawSku);
  const query = toOverviewQuery(search);
  return { sku, query, filters: parseOverviewQuery(applyScope(query, scope)) };
}

export type StorePageTarget = { redirect: string } | ({ id: string; search: URLSearchParams } & DashboardView);

/**
 * `/stores/{id}`. The path names the store; `store` in the query (a link, or the filter bar)
 * may move away: one other store → that store's page, several → the dashboard with them
 * selected. None, or this store, stays here.
 */
export function parseStoreView(rawId: string, params: URLSearchParams, scope: Scope = {}): StorePageTarget {
  const id = decodeSegment('id', rawId);
  const search = new URLSearchParams(params);
  const chosen = [...new Set(search.getAll('store').filter((s) => s !== ''))];
  if (chosen.length > 1) return { redirect: `/?${search}` };
  search.delete('store');
  if (chosen.length === 1 && chosen[0] !== id) {
    const rest = search.toString();
    return { redirect: `/stores/${encodeURIComponent(chosen[0] as string)}${rest ? `?${rest}` : ''}` };
  }
  search.set('store', id);
  return { id, search, ...parseDashboardView(search, scope) };
}

/** `/ops/dead-letters`: only the reason filter lives in the URL (pages load as the list scrolls). */
export function parseDeadLettersView(search: URLSearchParams): DeadLetterQuery {
  return parseDeadLetterQuery(new URLSearchParams(search.getAll('reason').map((r) => ['reason', r])));
}

/**
 * The parameter error the page at `pathname` (as requested, still encoded) will show for
 * `search`, or null when it renders normally, redirects, or is not one of these pages.
 */
export function pageParamError(pathname: string, search: URLSearchParams): ParamError | null {
  const segments = pathname.split('/').slice(1);
  try {
    if (pathname === '/') parseDashboardView(search);
    else if (segments.length === 2 && segments[0] === 'products') parseProductView(segments[1] as string, search);
    else if (segments.length === 2 && segments[0] === 'stores') parseStoreView(segments[1] as string, search);
    else if (pathname === '/ops/dead-letters') parseDeadLettersView(search);
    return null;
  } catch (err) {
    if (err instanceof ParamError) return err;
    throw err;
  }
}
