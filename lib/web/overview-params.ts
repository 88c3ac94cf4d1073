// Parses the dashboard's filter parameters (HTTP query string or Socket.IO subscription)
// into validated OverviewFilters. One parser for both paths, so a link, an API call and a
// live subscription with the same parameters always mean the same numbers.
import type { z } from 'zod';
import type { Channel, OverviewFilters } from '@/lib/contract/overview';
import {
  DEFAULT_RANGE,
  DEFAULT_TIME_ZONE,
  DIMENSIONS,
  type Dimension,
  type ExportTile,
  exportTileSchema,
  idSchema,
  instantMs,
  MAX_FILTER_VALUES,
  MAX_RANGE_MINUTES,
  MAX_VALUE_LENGTH,
  MINUTE_MS,
  type ProductExportTile,
  productExportTileSchema,
  QUERY_KEYS,
  RANGE_PRESETS,
  storableText,
  viewQuerySchema,
} from '@/lib/contract/view-query';
import { canonicalRegion } from '@/lib/domain/dimensions';
import {
  addDays,
  bucketStarts,
  canonicalTimeZone,
  chooseGranularity,
  comparisonPeriod,
  DEFAULT_COMPARISON,
  MAX_BUCKETS,
  startOfDay,
} from '@/lib/domain/time-buckets';

export {
  ALL_PRESETS,
  DAY_PRESETS,
  DEFAULT_RANGE,
  DEFAULT_TIME_ZONE,
  DIMENSIONS,
  type Dimension,
  isRangePreset,
  MAX_FILTER_VALUES,
  MAX_INSTANT,
  MAX_RANGE_MINUTES,
  MIN_INSTANT,
  MINUTE_MS,
  QUERY_KEYS,
  RANGE_PRESETS,
  type RangePreset,
  TOP_LIMITS,
} from '@/lib/contract/view-query';

/**
 * The raw, serialisable form of a view: what the URL and a socket subscription carry. The four
 * dimensions take several values (repeated keys in a URL, `?store=A&store=B`, or an array in a
 * subscription); `toOverviewQuery` always gives arrays, hand-built queries may use a string.
 */
export interface OverviewQuery {
  range?: string;
  from?: string;
  to?: string;
  store?: DimensionValue;
  region?: DimensionValue;
  channel?: DimensionValue;
  category?: DimensionValue;
  /** IANA time zone for calendar presets and hour/day buckets; default UTC. */
  tz?: string;
  /** Trend bucket size; default chosen from the range length. */
  granularity?: string;
  /** What the view is compared with: `previous` (default), `yesterday` or `last_week`. */
  compare?: string;
  /** Number of top products: 10, 25 or 50. */
  top?: string;
  /** Top products by `revenue` (default) or `units`. */
  top_by?: string;
}

export type DimensionValue = string | readonly string[];

function isDimension(key: string): key is Dimension {
  return (DIMENSIONS as readonly string[]).includes(key);
}

/**
 * The values of one dimension in canonical form: empty values dropped (`store=` means all
 * stores), duplicates removed, sorted. An empty list means no filter.
 */
export function dimensionValues(query: OverviewQuery, dimension: Dimension): string[] {
  const value = query[dimension];
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  return [...new Set(list.filter((v) => v !== ''))].sort();
}

export class ParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}

/**
 * The ParamError of the first of `error`'s issues, parameters taken in `order` (a list's own
 * problem before its values'): the parameter named, the schema's message as it is.
 */
export function paramErrorOf(error: z.ZodError, order: readonly string[]): ParamError {
  const rank = (issue: z.core.$ZodIssue) => {
    const at = order.indexOf(String(issue.path[0]));
    return (at === -1 ? order.length : at) * 100 + issue.path.length;
  };
  const [first] = [...error.issues].sort((a, b) => rank(a) - rank(b));
  return new ParamError(String(first?.path[0] ?? 'query'), first?.message ?? 'the query is invalid');
}

export function floorToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** Throws a ParamError for control characters or unpaired surrogates (not storable text). */
export function checkText(param: string, value: string): void {
  const result = storableText(param).safeParse(value);
  if (!result.success) throw new ParamError(param, result.error.issues[0]?.message ?? `${param} is invalid`);
}

/**
 * Pick the known keys from URLSearchParams or a plain object (a socket subscription). The four
 * dimensions may repeat (URL) or be arrays (subscription) and come out as canonical arrays;
 * any other key given twice is an error. Values are not split on commas: a store id or a
 * category may contain one.
 */
export function toOverviewQuery(input: URLSearchParams | Record<string, unknown>): OverviewQuery {
  const query: OverviewQuery = {};
  for (const key of QUERY_KEYS) {
    let value: unknown;
    if (input instanceof URLSearchParams) {
      const all = input.getAll(key);
      if (all.length > 1 && !isDimension(key)) throw new ParamError(key, `${key} may be given only once`);
      value = isDimension(key) ? all : all[0];
    } else {
      value = input[key];
    }
    if (value === undefined || value === null) continue;
    if (isDimension(key)) {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => typeof v === 'string')) {
        throw new ParamError(key, `${key} must be a string or an array of strings`);
      }
      // Bound the work before de-duplicating; parseOverviewQuery checks the distinct values again.
      if (list.length > MAX_FILTER_VALUES) {
        throw new ParamError(key, `${key} may list at most ${MAX_FILTER_VALUES} values`);
      }
      // Regions are counted lower-case (lib/domain/dimensions.ts): `?region=EU-West` is eu-west.
      const given = key === 'region' ? (list as string[]).map(canonicalRegion) : (list as string[]);
      const values = dimensionValues({ [key]: given }, key);
      if (values.length > 0) query[key] = values;
      continue;
    }
    if (typeof value !== 'string') throw new ParamError(key, `${key} must be a string`);
    query[key] = value;
  }
  return query;
}

/** Which parameter's problem a 400 names when several are wrong (`to` is read before `from`). */
const PARAM_ORDER = [
  'tz',
  'range',
  'to',
  'from',
  'granularity',
  'compare',
  'channel',
  'store',
  'region',
  'category',
  'top',
  'top_by',
];
const viewSchema = viewQuerySchema.omit({ top: true, top_by: true });
const topSchema = viewQuerySchema.pick({ top: true, top_by: true });

/**
 * What the schemas check: the parameters given a non-empty value (empty means the default),
 * dimensions canonical, `top` as the number its text reads as.
 */
function schemaInput(query: OverviewQuery): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of QUERY_KEYS) {
    if (isDimension(key)) {
      const values = dimensionValues(query, key);
      if (values.length > 0) input[key] = values;
    } else if (query[key]) {
      input[key] = key === 'top' ? Number(query[key]) : query[key];
    }
  }
  return input;
}

/** The view parameters each checked by viewQuerySchema; a range given with from/to is refused after tz. */
function checkedView(query: OverviewQuery): z.infer<typeof viewSchema> {
  const result = viewSchema.safeParse(schemaInput(query));
  const tzIssue = result.error?.issues.find((issue) => issue.path[0] === 'tz');
  if (tzIssue) throw new ParamError('tz', tzIssue.message);
  const hasExplicit = query.from !== undefined || query.to !== undefined;
  if (query.range !== undefined && query.range !== '' && hasExplicit) {
    throw new ParamError('range', 'give either range or from/to, not both');
  }
  if (!result.success) throw paramErrorOf(result.error, PARAM_ORDER);
  return result.data;
}

function resolveRange(
  query: OverviewQuery,
  view: z.infer<typeof viewSchema>,
  tz: string,
  nowMs: number,
): { fromMs: number; toMs: number } {
  const endOfThisMinute = floorToMinute(nowMs) + MINUTE_MS;
  if (query.from !== undefined || query.to !== undefined) {
    const toMs = view.to ? instantMs(view.to) : endOfThisMinute;
    const fromMs = view.from ? instantMs(view.from) : toMs - 60 * MINUTE_MS;
    return { fromMs, toMs };
  }
  const preset = view.range ?? DEFAULT_RANGE;
  if (preset === 'today' || preset === 'yesterday') {
    const today = startOfDay(nowMs, tz);
    return preset === 'today'
      ? { fromMs: today, toMs: endOfThisMinute }
      : { fromMs: addDays(today, -1, tz), toMs: today };
  }
  return { fromMs: endOfThisMinute - RANGE_PRESETS[preset] * MINUTE_MS, toMs: endOfThisMinute };
}

const BUCKET_MS = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 1440 * MINUTE_MS } as const;

/**
 * Resolve a query to concrete filters at `nowMs`. Presets slide with time: they end with the
 * current minute, so the minute in progress is included and moves as sales arrive.
 */
export function parseOverviewQuery(query: OverviewQuery, nowMs = Date.now()): OverviewFilters {
  const view = checkedView(query);
  // Canonical from here on ('europe/paris' → 'Europe/Paris'): one cached formatter per zone.
  const tz = canonicalTimeZone(view.tz ?? DEFAULT_TIME_ZONE) as string;
  const { fromMs, toMs } = resolveRange(query, view, tz, nowMs);
  if (fromMs >= toMs) throw new ParamError('from', 'from must be before to');
  if (toMs - fromMs > MAX_RANGE_MINUTES * MINUTE_MS) {
    throw new ParamError('to', `the range may span at most ${MAX_RANGE_MINUTES / 1440} days`);
  }
  const granularity = view.granularity ?? chooseGranularity(fromMs, toMs);
  if (view.granularity && (toMs - fromMs) / BUCKET_MS[granularity] > MAX_BUCKETS) {
    throw new ParamError(
      'granularity',
      `granularity ${granularity} gives more than ${MAX_BUCKETS} buckets for this range`,
    );
  }
  return {
    from: new Date(fromMs),
    to: new Date(toMs),
    tz,
    granularity,
    compare: view.compare ?? DEFAULT_COMPARISON,
    store: view.store,
    region: view.region,
    channel: view.channel as Channel[] | undefined,
    category: view.category,
  };
}

/** How many top products, ranked by what. */
export function parseTopOptions(query: OverviewQuery): { limit: number; sort: 'revenue' | 'units' } {
  const result = topSchema.safeParse(schemaInput({ top: query.top, top_by: query.top_by }));
  if (!result.success) throw paramErrorOf(result.error, PARAM_ORDER);
  return { limit: result.data.top ?? 10, sort: result.data.top_by ?? 'revenue' };
}

/** `tile` of GET /api/v1/export (the first one given). */
export function parseExportTile(value: string | null): ExportTile {
  return parseTile(exportTileSchema, value);
}

export function parseProductExportTile(value: string | null): ProductExportTile {
  return parseTile(productExportTileSchema, value);
}

function parseTile<T extends string>(schema: z.ZodType<T>, value: string | null): T {
  const result = schema.safeParse(value ?? '');
  if (!result.success) throw new ParamError('tile', result.error.issues[0]?.message ?? 'tile is invalid');
  return result.data;
}

/** Trend bucket starts of resolved filters. */
export function trendBuckets(f: OverviewFilters): number[] {
  return bucketStarts(f.from.getTime(), f.to.getTime(), f.granularity, f.tz);
}

/** The period resolved filters are compared with. */
export function comparedPeriod(f: OverviewFilters): { from: number; to: number } {
  return comparisonPeriod(f.from.getTime(), f.to.getTime(), f.compare, f.tz);
}

/**
 * The event-time spans a view's figures depend on: its range and the period it is compared
 * with (KPI changes, the dashed trend, rank changes, movers). Disjoint for `yesterday` or
 * `last_week`, adjacent for `previous`.
 */
export function viewSpans(f: OverviewFilters): { from: number; to: number }[] {
  return [{ from: f.from.getTime(), to: f.to.getTime() }, comparedPeriod(f)];
}

/**
 * Canonical key of a view, also its URL query string: identical subscriptions share one
 * Socket.IO room and one query. Keys in a fixed order, dimension values de-duplicated and
 * sorted (`store=B&store=A` and `store=A&store=B&store=A` are the same view).
 */
export function viewKey(query: OverviewQuery): string {
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) {
    if (isDimension(key)) {
      for (const value of dimensionValues(query, key)) params.append(key, value);
      continue;
    }
    const value = query[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

/** Longest SKU a product view accepts (the event contract's ids are at most 128 characters). */
export const MAX_SKU_LENGTH = MAX_VALUE_LENGTH;

/** A SKU or store id from a path (`param` names it in the error): 1–128 characters of text. */
export function parseId(param: string, value: string): string {
  const result = idSchema(param, '').safeParse(value);
  if (!result.success) throw new ParamError(param, result.error.issues[0]?.message ?? `${param} is invalid`);
  return result.data;
}

/**
 * Canonical key of a product page view: the SKU and the view parameters the product's figures
 * depend on (not the dashboard's top-N choice, which the page only carries for the way back).
 */
export function productViewKey(sku: string, query: OverviewQuery): string {
  const { top: _top, top_by: _topBy, ...view } = query;
  const rest = viewKey(view);
  return `sku=${encodeURIComponent(sku)}${rest ? `&${rest}` : ''}`;
}
