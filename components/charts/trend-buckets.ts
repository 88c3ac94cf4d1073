// Chart points of the trend tile. The server sends one point per minute, hour or day bucket
// (labelled by its nominal local start), so the client draws them as they are: no
// re-bucketing, and the previous period lines up bucket by bucket (`previous.trend[i]`).

import type { Overview, TrendPoint } from '@/lib/contract/overview';
import { approxNumber, type ExactNumber } from '@/lib/domain/exact-number';
import { formatInZone } from '@/lib/domain/format';
import { localTime } from '@/lib/domain/time-buckets';

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
  revenue_cents: ExactNumber;
  orders: number;
  units: ExactNumber;
  aov_cents: ExactNumber;
  /** The chosen metric in this bucket, exact (for text), and as drawn (the nearest double). */
  figure: ExactNumber;
  value: number;
  /** The same metric in the previous period's bucket `i` (exact, and as drawn), and that bucket's start. */
  previousFigure: ExactNumber | null;
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
    const figure = p[key];
    const value = approxNumber(figure);
    const previousFigure = prev ? prev[key] : null;
    return {
      i,
      t: Date.parse(p.bucket),
      revenue_cents: p.revenue_cents,
      orders: p.orders,
      units: p.units,
      aov_cents: p.aov_cents,
      figure,
      value,
      previousFigure,
      previous: previousFigure === null ? null : approxNumber(previousFigure),
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

/** Where the y axis stops when a few buckets would flatten the rest, and which buckets rise above it. */
export interface AxisCut {
  /** Top of the axis. */
  ceiling: number;
  /** Indices (`i`) of the buckets above it, this period's only: they are marked at the top. */
  above: number[];
  /** The largest value drawn, for the note under the chart. */
  max: number;
}

/** Fewer buckets than this are few enough to read at full scale. */
const MIN_POINTS_TO_CUT = 8;
/** A value beyond this many times the 90th percentile is an outlier. */
const OUTLIER_FACTOR = 4;

/**
 * A robust top for the trend's y axis: one outlier sale ($50,000 among $300 buckets) would
 * squash every other bucket into the baseline. When the largest value is more than
 * OUTLIER_FACTOR × the 90th percentile of the positive values (both periods), the axis stops a
 * little above the largest value that is not an outlier, and the buckets above are listed so
 * the chart can mark them and say so. Null when nothing needs cutting.
 */
export function axisCut(points: readonly ChartPoint[]): AxisCut | null {
  const values = points
    .flatMap((p) => [p.value, p.previous ?? 0])
    .filter((v) => Number.isFinite(v) && v > 0)
    .sort((a, b) => a - b);
  if (values.length < MIN_POINTS_TO_CUT) return null;
  const p90 = values[Math.ceil(values.length * 0.9) - 1] as number;
  const max = values[values.length - 1] as number;
  const limit = OUTLIER_FACTOR * p90;
  if (max <= limit) return null;
  const inliers = values.filter((v) => v <= limit);
  const ceiling = (inliers[inliers.length - 1] as number) * 1.15;
  return { ceiling, above: points.filter((p) => p.value > ceiling).map((p) => p.i), max };
}
