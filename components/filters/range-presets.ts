// The filter bar's time-range logic, pure and browser-safe: the presets and their labels, the
// trend granularities a span allows, the view a preset or a custom range gives, the custom
// range as local date-times of the view's time zone (inputs) or as text, and the comparisons.
import { COMPARISON_NAMES, formatDateTime, formatInZone } from '@/lib/domain/format';
import {
  COMPARISONS,
  type Comparison,
  DEFAULT_COMPARISON,
  localTime,
  MAX_BUCKETS,
  zonedTimeToUtc,
} from '@/lib/domain/time-buckets';
import {
  DEFAULT_RANGE,
  isRangePreset,
  MAX_RANGE_MINUTES,
  type OverviewQuery,
  RANGE_PRESETS,
  type RangePreset,
} from '@/lib/web/overview-params';

export const RANGE_LABELS: Record<RangePreset, string> = {
  '15m': '15 min',
  '1h': '1 h',
  '4h': '4 h',
  '24h': '24 h',
  today: 'Today',
  yesterday: 'Yesterday',
  '7d': '7 d',
  '30d': '30 d',
};
export const RANGE_TITLES: Record<RangePreset, string> = {
  '15m': 'Last 15 minutes, live',
  '1h': 'Last hour',
  '4h': 'Last 4 hours',
  '24h': 'Last 24 hours',
  today: 'Today so far, in your time zone',
  yesterday: 'Yesterday, in your time zone',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};
/** The presets in the order the bar shows them. */
export const PRESETS = Object.keys(RANGE_LABELS) as RangePreset[];

export type Granularity = 'minute' | 'hour' | 'day';
const GRANULARITY_MINUTES: Record<Granularity, number> = { minute: 1, hour: 60, day: 1440 };
export const GRANULARITY_LABELS: Record<Granularity, string> = { minute: 'Minute', hour: 'Hour', day: 'Day' };
export const GRANULARITIES = Object.keys(GRANULARITY_LABELS) as Granularity[];

/** The server refuses a trend of more than MAX_BUCKETS buckets. */
export function fits(granularity: Granularity, spanMinutes: number): boolean {
  return spanMinutes / GRANULARITY_MINUTES[granularity] <= MAX_BUCKETS;
}

/** Longest span of a preset in minutes (a calendar day may have 25 hours). */
function presetMinutes(range: RangePreset): number {
  return range === 'today' || range === 'yesterday' ? 1500 : RANGE_PRESETS[range];
}

/** Minutes between two RFC 3339 instants. */
export function spanMinutes(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 60_000;
}

/** A keeps-the-granularity-if-it-still-fits copy of the query for a new span. */
function withSpan(query: OverviewQuery, minutes: number): OverviewQuery {
  const g = query.granularity as Granularity | undefined;
  return g && g in GRANULARITY_MINUTES && !fits(g, minutes) ? { ...query, granularity: undefined } : query;
}

/** The view over a preset: any from/to goes, and a granularity too fine for the preset. */
export function withPreset(query: OverviewQuery, range: RangePreset): OverviewQuery {
  const { from: _from, to: _to, ...rest } = query;
  return { ...withSpan(rest, presetMinutes(range)), range };
}

/** The view over an explicit range: the preset goes, and a granularity too fine for the span. */
export function withCustomRange(query: OverviewQuery, from: string, to: string): OverviewQuery {
  const { range: _range, ...rest } = query;
  return { ...withSpan(rest, spanMinutes(from, to)), from, to };
}

/** The preset the view uses, or null for an explicit from/to range. */
export function activePreset(query: OverviewQuery): RangePreset | null {
  if (query.from || query.to) return null;
  const range = query.range || DEFAULT_RANGE;
  return isRangePreset(range) ? range : null;
}

/** The "Compare with" choices, in the order the bar lists them ("Same time last week"). */
export const COMPARISON_OPTIONS = COMPARISONS.map((value) => {
  const { name } = COMPARISON_NAMES[value];
  return { value, label: `${name.charAt(0).toUpperCase()}${name.slice(1)}` };
});

/** What the view is compared with: its `compare`, else the previous period. */
export function activeComparison(query: OverviewQuery): Comparison {
  const asked = COMPARISONS.find((c) => c === query.compare);
  return asked ?? DEFAULT_COMPARISON;
}

/** The view's time zone: the one in the URL, else the one the view was resolved in. */
export function viewZone(query: OverviewQuery, resolvedTz: string): string {
  return query.tz || resolvedTz;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as the value of a `datetime-local` input, in the view's time zone. */
export function toLocalInput(ms: number, tz: string): string {
  const t = localTime(ms, tz);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}`;
}

/** A `datetime-local` value read as wall-clock time in `tz` → RFC 3339 UTC (`…T09:00:00Z`). */
export function fromLocalInput(value: string, tz: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const ms = zonedTimeToUtc({ year, month, day, hour, minute }, tz);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The custom-range inputs (local date-times of `tz`) as minute-aligned UTC instants, or what
 * is wrong with them: missing, end not after start, longer than MAX_RANGE_MINUTES.
 */
export function parseCustomRange(
  fromValue: string,
  toValue: string,
  tz: string,
): { from: string; to: string } | { error: string } {
  const from = fromLocalInput(fromValue, tz);
  const to = fromLocalInput(toValue, tz);
  if (from === null || to === null) return { error: 'Enter both start and end.' };
  const span = Date.parse(to) - Date.parse(from);
  if (span <= 0) return { error: 'The end must be after the start.' };
  if (span > MAX_RANGE_MINUTES * 60_000) return { error: `At most ${MAX_RANGE_MINUTES / 1440} days.` };
  return { from, to };
}

/** The ends of an explicit range in epoch ms: a missing end is now (null), a missing start an hour before the end. */
export function customRangeEnds(query: OverviewQuery): { from: number | null; to: number | null } {
  const to = query.to ? Date.parse(query.to) : null;
  const from = query.from ? Date.parse(query.from) : to === null ? null : to - 60 * 60_000;
  return { from, to };
}

/**
 * One end of a custom range as text. With the view's zone in the URL the text is the same on
 * the server and in the browser; without it, local times exist only in the browser, so the
 * server (`inBrowser` false) renders the UTC instant.
 */
export function formatRangeEnd(ms: number | null, tz: string | undefined, inBrowser: boolean): string {
  if (ms === null) return 'now';
  if (tz) return formatInZone(ms, tz, 'dateTime');
  return inBrowser ? formatDateTime(ms) : new Date(ms).toISOString();
}
