import type { TrendPoint } from '../../lib/queries/overview.types';

export interface ChartPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** Bucket width in minutes. */
  minutes: number;
  revenue_cents: number;
  orders: number;
  units: number;
}

/** A chart point split into the settled line and the still-filling last bucket (dashed). */
export interface SeriesPoint extends ChartPoint {
  settled: number | null;
  filling: number | null;
}

const MINUTE = 60_000;
/** Bucket widths (minutes) the chart may merge minutes into; all divide an hour or a day. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
/** Beyond this, minute-level noise hides the shape of the day and the SVG gets heavy. */
export const MAX_POINTS = 180;

/**
 * Merge the per-minute trend into wider buckets for long ranges (7 d = 10,080 minutes),
 * aligned to multiples of the width since the epoch so buckets do not shift as the range
 * slides. A partial first bucket would draw a false dip at the left edge, so it is left out
 * (the totals shown elsewhere always come from the full trend).
 */
export function bucketTrend(trend: readonly TrendPoint[]): ChartPoint[] {
  const step = STEPS.find((s) => trend.length / s <= MAX_POINTS) ?? 1440;
  const width = step * MINUTE;
  const out: ChartPoint[] = [];
  const first = trend[0] ? Date.parse(trend[0].bucket) : 0;
  const skipBefore = step > 1 && first % width !== 0 ? Math.ceil(first / width) * width : first;
  for (const p of trend) {
    const start = Date.parse(p.bucket);
    if (start < skipBefore) continue;
    const t = Math.floor(start / width) * width;
    let last = out[out.length - 1];
    if (last === undefined || last.t !== t) {
      last = { t, minutes: step, revenue_cents: 0, orders: 0, units: 0 };
      out.push(last);
    }
    last.revenue_cents += p.revenue_cents;
    last.orders += p.orders;
    last.units += p.units;
  }
  return out;
}

/** Tick interval (minutes) giving at most `target` labels over the span. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440];

/** Ticks at round local times (HH:00, HH:30, midnight …) between from and to. */
export function timeTicks(fromMs: number, toMs: number, target = 8): { ticks: number[]; stepMinutes: number } {
  const spanMinutes = Math.max(1, (toMs - fromMs) / MINUTE);
  const stepMinutes = TICK_STEPS.find((s) => spanMinutes / s <= target) ?? 1440;
  const start = new Date(fromMs);
  start.setSeconds(0, 0);
  const minuteOfDay = start.getHours() * 60 + start.getMinutes();
  const offset = (stepMinutes - (minuteOfDay % stepMinutes)) % stepMinutes;
  const ticks: number[] = [];
  for (let t = start.getTime() + offset * MINUTE; t <= toMs; t += stepMinutes * MINUTE) ticks.push(t);
  return { ticks, stepMinutes };
}

/**
 * The newest bucket is still filling while the pipeline has not committed past its end (or
 * the range cuts it short); drawn like the others it reads as a sudden drop, so it becomes a
 * separate dashed segment.
 */
export function splitFilling(points: readonly ChartPoint[], rangeToMs: number, asOfMs: number | null): SeriesPoint[] {
  const last = points[points.length - 1];
  const lastEnd = last ? last.t + last.minutes * MINUTE : 0;
  const filling =
    last !== undefined && points.length > 1 && (lastEnd > rangeToMs || asOfMs === null || asOfMs < lastEnd);
  const n = points.length;
  return points.map((p, i) => ({
    ...p,
    settled: filling && i === n - 1 ? null : p.revenue_cents,
    filling: filling && i >= n - 2 ? p.revenue_cents : null,
  }));
}
