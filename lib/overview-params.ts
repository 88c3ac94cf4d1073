// Parses the dashboard's filter parameters (HTTP query string or Socket.IO subscription)
// into validated OverviewFilters. One parser for both paths, so a link, an API call and a
// live subscription with the same parameters always mean the same numbers.
import { CHANNELS, type Channel, type OverviewFilters } from './queries/overview.types';

export const RANGE_PRESETS = { '15m': 15, '1h': 60, '4h': 240, '24h': 1440, '7d': 10080 } as const;
export type RangePreset = keyof typeof RANGE_PRESETS;
export const DEFAULT_RANGE: RangePreset = '1h';
export const MINUTE_MS = 60_000;
export const MAX_RANGE_MINUTES = RANGE_PRESETS['7d'];

/** The raw, serialisable form of a view: what the URL and a socket subscription carry. */
export interface OverviewQuery {
  range?: string;
  from?: string;
  to?: string;
  store?: string;
  region?: string;
  channel?: string;
  category?: string;
}

export const QUERY_KEYS = ['range', 'from', 'to', 'store', 'region', 'channel', 'category'] as const;

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
  return ms;
}

function parseDimension(param: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > 128) throw new ParamError(param, `${param} must be at most 128 characters`);
  return value;
}

/** Pick the known keys from URLSearchParams or a plain object; repeated keys are an error. */
export function toOverviewQuery(input: URLSearchParams | Record<string, unknown>): OverviewQuery {
  const query: OverviewQuery = {};
  for (const key of QUERY_KEYS) {
    let value: unknown;
    if (input instanceof URLSearchParams) {
      const all = input.getAll(key);
      if (all.length > 1) throw new ParamError(key, `${key} may be given only once`);
      value = all[0];
    } else {
      value = input[key];
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new ParamError(key, `${key} must be a string`);
    query[key] = value;
  }
  return query;
}

/**
 * Resolve a query to concrete filters at `nowMs`. Presets slide with time: `to` is the end
 * of the current minute, so the minute in progress is included and moves as sales arrive.
 */
export function parseOverviewQuery(query: OverviewQuery, nowMs = Date.now()): OverviewFilters {
  let fromMs: number;
  let toMs: number;
  const hasExplicit = query.from !== undefined || query.to !== undefined;
  if (query.range !== undefined && query.range !== '' && hasExplicit) {
    throw new ParamError('range', 'give either range or from/to, not both');
  }
  if (hasExplicit) {
    toMs = query.to ? parseInstant('to', query.to) : floorToMinute(nowMs) + MINUTE_MS;
    fromMs = query.from ? parseInstant('from', query.from) : toMs - RANGE_PRESETS[DEFAULT_RANGE] * MINUTE_MS;
  } else {
    const preset = query.range || DEFAULT_RANGE;
    if (!(preset in RANGE_PRESETS)) {
      throw new ParamError('range', `range must be one of ${Object.keys(RANGE_PRESETS).join(', ')}`);
    }
    toMs = floorToMinute(nowMs) + MINUTE_MS;
    fromMs = toMs - RANGE_PRESETS[preset as RangePreset] * MINUTE_MS;
  }
  if (fromMs >= toMs) throw new ParamError('from', 'from must be before to');
  if (toMs - fromMs > MAX_RANGE_MINUTES * MINUTE_MS) {
    throw new ParamError('to', `the range may span at most ${MAX_RANGE_MINUTES / 1440} days`);
  }

  const channel = parseDimension('channel', query.channel);
  if (channel !== undefined && !(CHANNELS as readonly string[]).includes(channel)) {
    throw new ParamError('channel', `channel must be one of ${CHANNELS.join(', ')}`);
  }
  return {
    from: new Date(fromMs),
    to: new Date(toMs),
    store: parseDimension('store', query.store),
    region: parseDimension('region', query.region),
    channel: channel as Channel | undefined,
    category: parseDimension('category', query.category),
  };
}

/** Canonical key of a view: identical subscriptions share one Socket.IO room and one query. */
export function viewKey(query: OverviewQuery): string {
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}
