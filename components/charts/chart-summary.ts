// Text alternatives for the charts (their role="img" labels): what a sighted viewer takes in
// at a glance. The full figures are in each tile's table view.
import { formatDayTime, formatMoney, formatPercent, formatTime } from '../../lib/format';
import type { BreakdownRow } from './BreakdownBarChart';
import type { ChartPoint } from './trend-buckets';

/** "Revenue per minute, 60 points, total $12,345.67, peak $456.00 at 14:32". */
export function trendSummary(
  points: readonly ChartPoint[],
  totalRevenueCents: number,
  /** Times are local, so only known in the browser; the server render leaves them out. */
  time: { known: boolean; multiDay: boolean },
): string {
  const minutes = points[0]?.minutes ?? 1;
  const parts = [
    minutes === 1 ? 'Revenue per minute' : `Revenue in ${minutes}-minute buckets`,
    `${points.length} ${points.length === 1 ? 'point' : 'points'}`,
  ];
  let peak: ChartPoint | undefined;
  for (const p of points) if (peak === undefined || p.revenue_cents > peak.revenue_cents) peak = p;
  if (peak === undefined || totalRevenueCents === 0) {
    parts.push('no sales in this range');
  } else {
    parts.push(`total ${formatMoney(totalRevenueCents)}`);
    const at = time.known ? ` at ${(time.multiDay ? formatDayTime : formatTime)(peak.t)}` : '';
    parts.push(`peak ${formatMoney(peak.revenue_cents)}${at}`);
  }
  return parts.join(', ');
}

/** "Revenue by age band, 8 groups, total $9,876.00, highest 25-34 with $3,210.00 (32.5%)". */
export function breakdownSummary(title: string, rows: readonly BreakdownRow[]): string {
  const total = rows.reduce((sum, r) => sum + r.revenue_cents, 0);
  const parts = [title, `${rows.length} ${rows.length === 1 ? 'group' : 'groups'}`];
  if (total === 0) {
    parts.push('no revenue');
    return parts.join(', ');
  }
  parts.push(`total ${formatMoney(total)}`);
  const ranked = [...rows].sort((a, b) => b.revenue_cents - a.revenue_cents);
  const phrase = (r: BreakdownRow) => `${r.label} with ${formatMoney(r.revenue_cents)} (${formatPercent(r.share)})`;
  const [first, second] = ranked;
  if (first) parts.push(`highest ${phrase(first)}`);
  if (second && second.revenue_cents > 0) parts.push(`then ${phrase(second)}`);
  return parts.join(', ');
}
