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

const MINUTE = 60_000;
/** Bucket widths (minutes) the chart may merge minutes into; all divide an hour or a day. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
/** More points than this are not readable at dashboard width and slow the SVG down. */
export const MAX_POINTS = 360;

/**
 * Merge the per-minute trend into wider buckets for long ranges (7 d = 10,080 minutes),
 * aligned to multiples of the width since the epoch so buckets do not shift as the range slides.
 */
export function bucketTrend(trend: readonly TrendPoint[]): ChartPoint[] {
  const step = STEPS.find((s) => trend.length / s <= MAX_POINTS) ?? 1440;
  const width = step * MINUTE;
  const out: ChartPoint[] = [];
  for (const p of trend) {
    const t = Math.floor(Date.parse(p.bucket) / width) * width;
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

/** Tick interval (minutes) giving about six labels over the span. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440];

/** Ticks at round local times (HH:00, HH:30, midnight …) between from and to. */
export function timeTicks(fromMs: number, toMs: number, target = 6): { ticks: number[]; stepMinutes: number } {
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
