// Text alternatives for the charts (their role="img" labels): what a sighted viewer takes in
// at a glance. The full figures are in each tile's table view.
import { compareExact, type ExactNumber, exactNumber, toBigInt } from '@/lib/domain/exact-number';
import { formatInZone, formatMoney, formatNumber, formatPercent } from '@/lib/domain/format';
import type { BreakdownRow } from './BreakdownBarChart';
import { type ChartPoint, type Granularity, METRICS, PER_GRANULARITY, type TrendMetric } from './trend-buckets';

/** "Revenue per minute, 60 points, total $12,345.67, peak $456.00 at 14:32". */
export function trendSummary(
  points: readonly ChartPoint[],
  metric: TrendMetric,
  /** Total of the metric over the range (the overall average for AOV). */
  total: ExactNumber,
  time: { granularity: Granularity; tz: string; multiDay: boolean },
): string {
  const { label, money } = METRICS[metric];
  const fmt = money ? formatMoney : formatNumber;
  const parts = [
    `${label} ${PER_GRANULARITY[time.granularity]}`,
    `${points.length} ${points.length === 1 ? 'point' : 'points'}`,
  ];
  let peak: ChartPoint | undefined;
  for (const p of points) if (peak === undefined || compareExact(p.figure, peak.figure) > 0) peak = p;
  if (peak === undefined || total === 0) {
    parts.push('no sales in this range');
  } else {
    parts.push(`${metric === 'aov' ? 'overall' : 'total'} ${fmt(total)}`);
    const style = time.granularity === 'day' ? 'date' : time.multiDay ? 'dayTime' : 'time';
    parts.push(`peak ${fmt(peak.figure)} at ${formatInZone(peak.t, time.tz, style)}`);
  }
  return parts.join(', ');
}

/** "Revenue by age band, 8 groups, total $9,876.00, highest 25-34 with $3,210.00 (32.5%)". */
export function breakdownSummary(title: string, rows: readonly BreakdownRow[], money = true): string {
  const fmt = money ? formatMoney : formatNumber;
  const total = exactNumber(rows.reduce((sum, r) => sum + toBigInt(r.figure), 0n));
  const parts = [title, `${rows.length} ${rows.length === 1 ? 'group' : 'groups'}`];
  if (total === 0) {
    parts.push('no revenue');
    return parts.join(', ');
  }
  parts.push(`total ${fmt(total)}`);
  const ranked = [...rows].sort((a, b) => compareExact(b.figure, a.figure));
  const phrase = (r: BreakdownRow) => `${r.label} with ${fmt(r.figure)} (${formatPercent(r.share)})`;
  const [first, second] = ranked;
  if (first) parts.push(`highest ${phrase(first)}`);
  if (second && compareExact(second.figure, 0) > 0) parts.push(`then ${phrase(second)}`);
  return parts.join(', ');
}
