// Chart points of the trend tile. The server sends one point per minute, hour or day bucket
// (labelled by its nominal local start), so the client draws them as they are: no
// re-bucketing, and the previous period lines up bucket by bucket (`previous.trend[i]`).
import { formatInZone } from '../../lib/format';
import type { Overview, TrendPoint } from '../../lib/queries/overview.types';
import { localTime } from '../../lib/time-buckets';

export type TrendMetric = 'revenue' | 'orders' | 'units' | 'aov';
export type Granularity = Overview['granularity'];

type MetricKey = 'revenue_cents' | 'orders' | 'units' | 'aov_cents';
export const METRICS: Record<TrendMetric, { key: MetricKey; label: string; money: boolean }> = {
  revenue: { key: 'revenue_cents', label: 'Revenue', money: true },
  orders: { key: 'orders', label: 'Orders', money: false },
  units: { key: 'units', label: 'Units', money: false },
  aov: { key: 'aov_cents', label: 'Avg. order value', money: true },
};

export interface ChartPoint {
  /** Index of the bucket: the x position, shared with the previous period's bucket. */
  i: number;
  /** Nominal bucket start, epoch ms. */
  t: number;
  revenue_cents: number;
  orders: number;
  units: number;
  aov_cents: number;
  /** The chosen metric in this bucket. */
  value: number;
  /** The same metric in the previous period's bucket `i`, and that bucket's start. */
  previous: number | null;
  previousT: number | null;
  /** `value` split into the settled line and the still-filling last bucket (dashed). */
  settled: number | null;
  filling: number | null;
}

const NOMINAL_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** A trend in the view's buckets, as the overview and the product API send it. */
export type TrendSeries = Pick<Overview, 'trend' | 'range' | 'granularity' | 'tz' | 'freshness'>;

/**
 * The newest bucket is still filling while the pipeline has not committed past its end (or
 * the range cuts it short); drawn like the others it reads as a sudden drop, so it becomes a
 * separate dashed segment. `previousTrend` is the previous period, aligned bucket by bucket.
 */
export function chartPoints(
  series: TrendSeries,
  metric: TrendMetric,
  previousTrend: readonly (TrendPoint | undefined)[] = [],
): ChartPoint[] {
  const { key } = METRICS[metric];
  const trend = series.trend;
  const previous = previousTrend;
  const rangeToMs = Date.parse(series.range.to);
  const asOfMs = series.freshness.as_of === null ? null : Date.parse(series.freshness.as_of);
  const n = trend.length;
  const last = trend[n - 1];
  const lastEnd = last ? Date.parse(last.bucket) + NOMINAL_MS[series.granularity] : 0;
  const filling = last !== undefined && n > 1 && (lastEnd > rangeToMs || asOfMs === null || asOfMs < lastEnd);
  return trend.map((p, i) => {
    const prev = previous[i];
    const value = p[key];
    return {
      i,
      t: Date.parse(p.bucket),
      revenue_cents: p.revenue_cents,
      orders: p.orders,
      units: p.units,
      aov_cents: p.aov_cents,
      value,
      previous: prev ? prev[key] : null,
      previousT: prev ? Date.parse(prev.bucket) : null,
      settled: filling && i === n - 1 ? null : value,
      filling: filling && i >= n - 2 ? value : null,
    };
  });
}

/** Tick interval (minutes) giving at most `target` labels over the span. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440];

/** Indices of the points that fall on round local times (HH:00, HH:30, midnight …). */
export function tickIndices(points: readonly ChartPoint[], granularity: Granularity, tz: string, target = 8): number[] {
  const n = points.length;
  if (n === 0) return [];
  if (granularity === 'day') {
    const step = Math.max(1, Math.ceil(n / target));
    return points.filter((p) => p.i % step === 0).map((p) => p.i);
  }
  const spanMinutes = n * (granularity === 'minute' ? 1 : 60);
  const step = TICK_STEPS.find((s) => spanMinutes / s <= target) ?? 1440;
  const ticks = points
    .filter((p) => {
      const t = localTime(p.t, tz);
      return (t.hour * 60 + t.minute) % step === 0;
    })
    .map((p) => p.i);
  return ticks.length > 0 ? ticks : [0];
}

/** The range spans more than one local day: times need their weekday. */
export function isMultiDay(points: readonly ChartPoint[]): boolean {
  const first = points[0];
  const last = points[points.length - 1];
  return first !== undefined && last !== undefined && last.t - first.t >= 86_400_000;
}

/** Axis label of a bucket start. */
export function tickLabel(t: number, granularity: Granularity, tz: string, multiDay: boolean): string {
  if (granularity === 'day') return formatInZone(t, tz, 'day');
  if (!multiDay) return formatInZone(t, tz, 'time');
  const local = localTime(t, tz);
  return local.hour === 0 && local.minute === 0 ? formatInZone(t, tz, 'day') : formatInZone(t, tz, 'dayTime');
}

/** Full label of a bucket: `14:05`, `Tue 14:00–15:00`, `Tue, Nov 25`. */
export function bucketLabel(t: number, granularity: Granularity, tz: string, multiDay: boolean): string {
  if (granularity === 'day') return formatInZone(t, tz, 'date');
  const time = formatInZone(t, tz, multiDay ? 'dayTime' : 'time');
  if (granularity === 'minute') return time;
  return `${time}–${formatInZone(t + 3_600_000, tz, 'time')}`;
}

export const PER_GRANULARITY: Record<Granularity, string> = { minute: 'per minute', hour: 'per hour', day: 'per day' };
