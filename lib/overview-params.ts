// Parses the dashboard's filter parameters (HTTP query string or Socket.IO subscription)
// into validated OverviewFilters. One parser for both paths, so a link, an API call and a
// live subscription with the same parameters always mean the same numbers.
import { CHANNELS, type Channel, type OverviewFilters } from './queries/overview.types';
import { LONE_SURROGATE } from './sales-event';
import {
  addDays,
  bucketStarts,
  canonicalTimeZone,
  chooseGranularity,
  GRANULARITIES,
  type Granularity,
  MAX_BUCKETS,
  startOfDay,
} from './time-buckets';

/** Sliding presets (minutes, ending with the current minute). */
export const RANGE_PRESETS = { '15m': 15, '1h': 60, '4h': 240, '24h': 1440, '7d': 10080, '30d': 43200 } as const;
/** Calendar presets, computed in the view's time zone. */
export const DAY_PRESETS = ['today', 'yesterday'] as const;
export type RangePreset = keyof typeof RANGE_PRESETS | (typeof DAY_PRESETS)[number];
export const DEFAULT_RANGE: RangePreset = '1h';
export const MINUTE_MS = 60_000;
export const MAX_RANGE_MINUTES = 92 * 1440;
export const DEFAULT_TIME_ZONE = 'UTC';
/**
 * Explicit `from`/`to` must lie in [2000-01-01, 2100-01-01] UTC. Sales are never older or
 * newer than that, and year 1 or 9999 made the previous period fall outside what PostgreSQL
 * can store (a 500).
 */
export const MIN_INSTANT = '2000-01-01T00:00:00Z';
export const MAX_INSTANT = '2100-01-01T00:00:00Z';
const MIN_INSTANT_MS = Date.parse(MIN_INSTANT);
const MAX_INSTANT_MS = Date.parse(MAX_INSTANT);

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
  /** Number of top products: 10, 25 or 50. */
  top?: string;
  /** Top products by `revenue` (default) or `units`. */
  top_by?: string;
}

export const QUERY_KEYS = [
  'range',
  'from',
  'to',
  'store',
  'region',
  'channel',
  'category',
  'tz',
  'granularity',
  'top',
  'top_by',
] as const;

export const TOP_LIMITS = [10, 25, 50] as const;

/** The multi-valued filter dimensions. */
export const DIMENSIONS = ['store', 'region', 'channel', 'category'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type DimensionValue = string | readonly string[];
/** Most values one dimension may list (a link stays a reasonable length; queries stay cheap). */
export const MAX_FILTER_VALUES = 50;
const MAX_VALUE_LENGTH = 128;

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

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

export function floorToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

function parseInstant(param: 'from' | 'to', value: string): number {
  const ms = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ParamError(param, `${param} must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T09:00:00Z`);
  }
  if (ms % MINUTE_MS !== 0) throw new ParamError(param, `${param} must be aligned to a whole minute`);
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) {
    throw new ParamError(param, `${param} must lie between ${MIN_INSTANT} and ${MAX_INSTANT}`);
  }
  return ms;
}

// C0 and C1 controls (NUL, tab, newline, DEL, …): no id a filter names contains one, PostgreSQL
// refuses NUL outright (a 500 before), and U+0001 marks reserved category rows.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Throws a ParamError for control characters or unpaired surrogates (not storable text). */
export function checkText(param: string, value: string): void {
  if (CONTROL.test(value)) throw new ParamError(param, `${param} must not contain control characters`);
  if (LONE_SURROGATE.test(value)) throw new ParamError(param, `${param} must be valid Unicode text`);
}

/** Validated, canonical values of one dimension; undefined when it does not filter. */
function parseDimension(query: OverviewQuery, dimension: Dimension): string[] | undefined {
  const values = dimensionValues(query, dimension);
  if (values.length > MAX_FILTER_VALUES) {
    throw new ParamError(dimension, `${dimension} may list at most ${MAX_FILTER_VALUES} values`);
  }
  for (const value of values) {
    if (value.length > MAX_VALUE_LENGTH) {
      throw new ParamError(dimension, `${dimension} must be at most ${MAX_VALUE_LENGTH} characters`);
    }
    checkText(dimension, value);
  }
  return values.length > 0 ? values : undefined;
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
      const values = dimensionValues({ [key]: list as string[] }, key);
      if (values.length > 0) query[key] = values;
      continue;
    }
    if (typeof value !== 'string') throw new ParamError(key, `${key} must be a string`);
    query[key] = value;
  }
  return query;
}

const ALL_PRESETS = [...Object.keys(RANGE_PRESETS), ...DAY_PRESETS];

function resolveRange(query: OverviewQuery, tz: string, nowMs: number): { fromMs: number; toMs: number } {
  const endOfThisMinute = floorToMinute(nowMs) + MINUTE_MS;
  const hasExplicit = query.from !== undefined || query.to !== undefined;
  if (query.range !== undefined && query.range !== '' && hasExplicit) {
    throw new ParamError('range', 'give either range or from/to, not both');
  }
  if (hasExplicit) {
    const toMs = query.to ? parseInstant('to', query.to) : endOfThisMinute;
    const fromMs = query.from ? parseInstant('from', query.from) : toMs - 60 * MINUTE_MS;
    return { fromMs, toMs };
  }
  const preset = query.range || DEFAULT_RANGE;
  if (preset === 'today' || preset === 'yesterday') {
    const today = startOfDay(nowMs, tz);
    return preset === 'today'
      ? { fromMs: today, toMs: endOfThisMinute }
      : { fromMs: addDays(today, -1, tz), toMs: today };
  }
  if (!(preset in RANGE_PRESETS)) throw new ParamError('range', `range must be one of ${ALL_PRESETS.join(', ')}`);
  return {
    fromMs: endOfThisMinute - RANGE_PRESETS[preset as keyof typeof RANGE_PRESETS] * MINUTE_MS,
    toMs: endOfThisMinute,
  };
}

/**
 * Resolve a query to concrete filters at `nowMs`. Presets slide with time: they end with the
 * current minute, so the minute in progress is included and moves as sales arrive.
 */
export function parseOverviewQuery(query: OverviewQuery, nowMs = Date.now()): OverviewFilters {
  // Canonical from here on ('europe/paris' → 'Europe/Paris'): one cached formatter per zone.
  const tz = canonicalTimeZone(query.tz || DEFAULT_TIME_ZONE);
  if (tz === undefined) throw new ParamError('tz', 'tz must be an IANA time zone such as Europe/Paris');
  const { fromMs, toMs } = resolveRange(query, tz, nowMs);
  if (fromMs >= toMs) throw new ParamError('from', 'from must be before to');
  if (toMs - fromMs > MAX_RANGE_MINUTES * MINUTE_MS) {
    throw new ParamError('to', `the range may span at most ${MAX_RANGE_MINUTES / 1440} days`);
  }
  let granularity: Granularity = chooseGranularity(fromMs, toMs);
  if (query.granularity) {
    if (!(GRANULARITIES as readonly string[]).includes(query.granularity)) {
      throw new ParamError('granularity', `granularity must be one of ${GRANULARITIES.join(', ')}`);
    }
    granularity = query.granularity as Granularity;
    const approx = (toMs - fromMs) / { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 1440 * MINUTE_MS }[granularity];
    if (approx > MAX_BUCKETS) {
      throw new ParamError(
        'granularity',
        `granularity ${granularity} gives more than ${MAX_BUCKETS} buckets for this range`,
      );
    }
  }

  const channel = parseDimension(query, 'channel');
  if (channel?.some((c) => !(CHANNELS as readonly string[]).includes(c))) {
    throw new ParamError('channel', `channel must be one of ${CHANNELS.join(', ')}`);
  }
  return {
    from: new Date(fromMs),
    to: new Date(toMs),
    tz,
    granularity,
    store: parseDimension(query, 'store'),
    region: parseDimension(query, 'region'),
    channel: channel as Channel[] | undefined,
    category: parseDimension(query, 'category'),
  };
}

/** How many top products, ranked by what. */
export function parseTopOptions(query: OverviewQuery): { limit: number; sort: 'revenue' | 'units' } {
  const limit = query.top ? Number(query.top) : 10;
  if (!(TOP_LIMITS as readonly number[]).includes(limit)) {
    throw new ParamError('top', `top must be one of ${TOP_LIMITS.join(', ')}`);
  }
  const sort = query.top_by || 'revenue';
  if (sort !== 'revenue' && sort !== 'units') throw new ParamError('top_by', 'top_by must be revenue or units');
  return { limit, sort };
}

/** Trend bucket starts of resolved filters. */
export function trendBuckets(f: OverviewFilters): number[] {
  return bucketStarts(f.from.getTime(), f.to.getTime(), f.granularity, f.tz);
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
export const MAX_SKU_LENGTH = 128;

/** A SKU or store id from a path (`param` names it in the error): 1–128 characters of text. */
export function parseId(param: string, value: string): string {
  if (value === '' || value.length > MAX_SKU_LENGTH) {
    throw new ParamError(param, `${param} must be 1–${MAX_SKU_LENGTH} characters`);
  }
  checkText(param, value);
  return value;
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
