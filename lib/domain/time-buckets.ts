// Time arithmetic of the dashboard: bucket sizes, time-zone-aware bucket boundaries (DST
// safe), the periods a view is compared with, and the plan that covers a range with the
// coarsest rollup cells.
import { GRAINS, GRANULARITIES, type Grain, type Granularity } from './grains';

export { GRANULARITIES, type Granularity };

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Minute buckets up to 3 h, hour buckets up to 3 days, day buckets beyond. */
export function chooseGranularity(fromMs: number, toMs: number): Granularity {
  const span = toMs - fromMs;
  if (span <= 3 * HOUR) return 'minute';
  if (span <= 3 * DAY) return 'hour';
  return 'day';
}

/** Most buckets one trend may have (a minute trend over 7 days is 10,080 points). */
export const MAX_BUCKETS = 10_080;

// Formatters by canonical IANA name only, and the canonical name of each spelling seen, by its
// lowercase form ('europe/paris' → 'Europe/Paris'). Zone names match case-insensitively, so
// both maps are bounded by the set of real names (~600); unknown names are never stored.
// Caching per spelling kept one ICU formatter per case variant a client sent (1.3 GB after
// 150 s of distinct spellings), and even one new formatter per request, freed or not, left
// ~80 MB of malloc high-water behind per 10,000. The caps hold whatever ICU accepts.
export const MAX_CACHED_TIME_ZONES = 1000;
const MAX_TIME_ZONE_LENGTH = 64;
// Every IANA name and alias: a letter, then letters, digits and `_+-`, up to two more parts
// (UTC, Etc/GMT+5, America/Argentina/Buenos_Aires). Anything else never reaches ICU.
const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
const formatters = new Map<string, Intl.DateTimeFormat>();
const canonicalNames = new Map<string, string>();

function createFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_CACHED_TIME_ZONES) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/** The canonical IANA name of `value` ('europe/paris' → 'Europe/Paris'), or undefined if unknown. */
export function canonicalTimeZone(value: string): string | undefined {
  if (formatters.has(value)) return value;
  if (value.length > MAX_TIME_ZONE_LENGTH || !TIME_ZONE_NAME.test(value)) return undefined;
  const key = value.toLowerCase();
  const known = canonicalNames.get(key);
  if (known !== undefined) return known;
  let probe: Intl.DateTimeFormat;
  try {
    probe = createFormatter(value);
  } catch {
    return undefined; // unknown: nothing stored
  }
  const canonical = probe.resolvedOptions().timeZone;
  remember(canonicalNames, key, canonical);
  if (!formatters.has(canonical)) remember(formatters, canonical, probe);
  return canonical;
}

/** How many formatters and spellings are cached (for tests). */
export function cachedTimeZoneCount(): number {
  return formatters.size + canonicalNames.size;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  const canonical = canonicalTimeZone(timeZone);
  if (canonical === undefined) throw new RangeError(`Invalid time zone specified: ${timeZone}`);
  let f = formatters.get(canonical);
  if (!f) {
    f = createFormatter(canonical);
    remember(formatters, canonical, f);
  }
  return f;
}

export function isTimeZone(value: string): boolean {
  return canonicalTimeZone(value) !== undefined;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** Wall-clock time in `timeZone` at instant `ms`. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: parts.hour as number,
    minute: parts.minute as number,
  };
}

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (east positive). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const t = localTime(ms, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  return Math.round((asUtc - Math.floor(ms / MINUTE) * MINUTE) / MINUTE);
}

/**
 * The instant of a wall-clock time in `timeZone`. A time skipped by a DST change resolves
 * to the instant just after the gap (02:30 on a spring-forward day → 03:30 local).
 */
export function zonedTimeToUtc(t: LocalTime, timeZone: string): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  const first = wall - offsetMinutes(wall, timeZone) * MINUTE;
  const second = wall - offsetMinutes(first, timeZone) * MINUTE;
  if (second === first) return first;
  const third = wall - offsetMinutes(second, timeZone) * MINUTE;
  // Inside a gap the two offsets disagree forever: take the later instant (after the gap).
  return third === second ? second : Math.max(second, third);
}

/** Start of the local day containing `ms`. */
export function startOfDay(ms: number, timeZone: string): number {
  // Where midnight does not exist (DST at 00:00) the day starts at the first instant after the gap.
  return zonedTimeToUtc({ ...localTime(ms, timeZone), hour: 0, minute: 0 }, timeZone);
}

/** Start of the local day `days` days after the one starting at `dayStart`. */
export function addDays(dayStart: number, days: number, timeZone: string): number {
  const t = localTime(dayStart + 12 * HOUR, timeZone); // noon: safely inside the day
  const next = new Date(Date.UTC(t.year, t.month - 1, t.day + days));
  return zonedTimeToUtc(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0 },
    timeZone,
  );
}

/**
 * Bucket starts for a trend over [fromMs, toMs): the first bucket starts at `fromMs`, later
 * ones at the local minute, hour or day boundaries of `timeZone`. Day buckets are 23 or 25
 * hours long across DST changes; hour buckets follow the local clock (a repeated hour is
 * two buckets with the same label, a skipped hour is absent).
 */
export function bucketStarts(fromMs: number, toMs: number, granularity: Granularity, timeZone: string): number[] {
  const starts = [fromMs];
  if (granularity === 'minute') {
    for (let t = fromMs + MINUTE; t < toMs; t += MINUTE) starts.push(t);
  } else if (granularity === 'hour') {
    // Local hour boundaries are where the local minute is 0; offsets are multiples of 15 min.
    const first = Math.floor(fromMs / (15 * MINUTE)) * 15 * MINUTE + 15 * MINUTE;
    for (let t = first; t < toMs; t += 15 * MINUTE) {
      if (t > fromMs && localTime(t, timeZone).minute === 0) starts.push(t);
    }
  } else {
    for (let t = addDays(startOfDay(fromMs, timeZone), 1, timeZone); t < toMs; t = addDays(t, 1, timeZone)) {
      starts.push(t);
    }
  }
  return starts;
}

/** Nominal start (label) of the bucket beginning at `start`: the local boundary at or before it. */
export function bucketLabel(start: number, granularity: Granularity, timeZone: string): number {
  if (granularity === 'minute') return start;
  if (granularity === 'day') return startOfDay(start, timeZone);
  const t = localTime(start, timeZone);
  return start - t.minute * MINUTE;
}

export interface Cell {
  grain: Grain;
  /** [from, to) in epoch ms, aligned to the grain. */
  from: number;
  to: number;
  /** Index of the trend bucket the cells belong to. */
  bucket: number;
}

/** Cover [from, to) with the fewest cells: whole UTC days, then hours, then minutes. */
function cover(from: number, to: number, bucket: number, out: Cell[]): void {
  const grains: Grain[] = ['d', 'h', 'm'];
  const step = (lo: number, hi: number, level: number) => {
    if (lo >= hi) return;
    const grain = grains[level] as Grain;
    const size = GRAINS[grain];
    const start = Math.ceil(lo / size) * size;
    const end = Math.floor(hi / size) * size;
    if (grain === 'm' || start >= end) {
      if (grain === 'm') out.push({ grain, from: lo, to: hi, bucket });
      else step(lo, hi, level + 1);
      return;
    }
    step(lo, start, level + 1);
    out.push({ grain, from: start, to: end, bucket });
    step(end, hi, level + 1);
  };
  step(from, to, 0);
}

/**
 * Rollup cells that add up to exactly the buckets starting at `starts` and ending at `toMs`.
 * Each cell lies inside one bucket, so summing cells per bucket is exact in any time zone.
 */
export function planCells(starts: number[], toMs: number): Cell[] {
  const cells: Cell[] = [];
  for (const [i, start] of starts.entries()) cover(start, starts[i + 1] ?? toMs, i, cells);
  return cells;
}

/** The period of equal length just before [fromMs, toMs). */
export function previousPeriod(fromMs: number, toMs: number): { from: number; to: number } {
  return { from: fromMs - (toMs - fromMs), to: fromMs };
}

/**
 * What a view is compared with: the period of equal length just before (`previous`), the same
 * wall-clock span one day earlier (`yesterday`), or seven days earlier (`last_week`, the same
 * weekday).
 */
export const COMPARISONS = ['previous', 'yesterday', 'last_week'] as const;
export type Comparison = (typeof COMPARISONS)[number];
export const DEFAULT_COMPARISON: Comparison = 'previous';

const COMPARISON_DAYS = { yesterday: 1, last_week: 7 } as const;

/**
 * The instant showing the same wall-clock minute as `ms`, `days` local days later (negative:
 * earlier). A time the clocks skip that day resolves to just after the gap (zonedTimeToUtc).
 * The start of a day maps to the start of the other day: where midnight is skipped (Chile) a
 * day starts at 01:00, and the day before must still start at its own 00:00.
 */
export function shiftLocalDays(ms: number, days: number, timeZone: string): number {
  if (ms === startOfDay(ms, timeZone)) return addDays(ms, days, timeZone);
  const t = localTime(ms, timeZone);
  const day = new Date(Date.UTC(t.year, t.month - 1, t.day + days));
  return zonedTimeToUtc(
    { ...t, year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() },
    timeZone,
  );
}

/**
 * The period [fromMs, toMs) is compared with. Shifted by local days, not by 24 h: "today up
 * to 14:05" against yesterday is yesterday's 00:00–14:05 on the wall clock, also across a DST
 * change, so the two periods may differ in length by the hour the clocks moved.
 */
export function comparisonPeriod(
  fromMs: number,
  toMs: number,
  compare: Comparison,
  timeZone: string,
): { from: number; to: number } {
  if (compare === 'previous') return previousPeriod(fromMs, toMs);
  const days = -COMPARISON_DAYS[compare];
  return { from: shiftLocalDays(fromMs, days, timeZone), to: shiftLocalDays(toMs, days, timeZone) };
}
