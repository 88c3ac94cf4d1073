'use client';

import { Bar, BarChart, CartesianGrid, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import type { ExactNumber } from '@/lib/domain/exact-number';
import { formatMoney, formatMoneyCompact, formatNumber, formatNumberCompact, formatPercent } from '@/lib/domain/format';
import { breakdownSummary } from './chart-summary';

export interface BreakdownRow {
  key: string;
  label: string;
  revenue_cents: ExactNumber;
  orders: number;
  /** The tile's metric: revenue (cents) or orders, exact. */
  figure: ExactNumber;
  /** `figure` as drawn (the nearest double). */
  value: number;
  /** Share of the breakdown's `value`, 0–1. */
  share: number;
}

/**
 * Revenue per category of one demographic dimension. `columns` draws vertical bars
 * (ordered bands such as age); `rows` horizontal bars (a few labelled categories).
 * Screen readers get one image with a summary (`title` + figures); the tile's table view
 * has every figure.
 */
export function BreakdownBarChart({
  title,
  data,
  orientation,
  height,
  color = 'var(--chart-1)',
  money = true,
}: {
  /** What is shown, e.g. "Revenue by age band". */
  title: string;
  data: BreakdownRow[];
  orientation: 'columns' | 'rows';
  height: number;
  color?: string;
  /** `value` is money (revenue) rather than a count (orders). */
  money?: boolean;
}) {
  return (
    <div role="img" aria-label={breakdownSummary(title, data, money)} style={{ height }}>
      <BreakdownBars data={data} orientation={orientation} height={height} color={color} money={money} />
    </div>
  );
}

function BreakdownBars({
  data,
  orientation,
  height,
  color,
  money,
}: {
  data: BreakdownRow[];
  orientation: 'columns' | 'rows';
  height: number;
  color: string;
  money: boolean;
}) {
  const axisTick = { fill: 'var(--chart-axis)', fontSize: 11 };
  if (orientation === 'rows') {
    return (
      <BarChart
        data={data}
        layout="vertical"
        responsive
        accessibilityLayer={false}
        aria-hidden
        style={{ width: '100%', height }}
        margin={{ top: 0, right: 8, bottom: 0, left: 0 }}
        barCategoryGap="22%"
      >
        <XAxis type="number" hide />
        <YAxis
          type="category"
          dataKey="label"
          width={84}
          tickLine={false}
          axisLine={false}
          tick={{ ...axisTick, fill: 'var(--muted-foreground)', fontSize: 12 }}
        />
        <Tooltip content={BreakdownTooltip} cursor={{ fill: 'var(--muted)' }} isAnimationActive={false} />
        <Bar
          dataKey="value"
          name={money ? 'Revenue' : 'Orders'}
          fill={color}
          radius={[0, 3, 3, 0]}
          background={{ fill: 'var(--muted)', radius: 3 }}
          isAnimationActive={false}
        />
      </BarChart>
    );
  }
  return (
    <BarChart
      data={data}
      responsive
      accessibilityLayer={false}
      aria-hidden
      style={{ width: '100%', height }}
      margin={{ top: 4, right: 0, bottom: 0, left: 0 }}
      barCategoryGap="18%"
    >
      <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
      {/* Every label where there is room; on a phone, labels that would overlap are left out
          (the bars keep their tooltips, and the table view lists every group). */}
      <XAxis
        dataKey="label"
        tickLine={false}
        axisLine={false}
        tick={axisTick}
        interval="preserveStartEnd"
        minTickGap={4}
        tickMargin={6}
      />
      <YAxis
        tickFormatter={(v: number) => (money ? formatMoneyCompact(v) : formatNumberCompact(v))}
        tickLine={false}
        axisLine={false}
        tick={axisTick}
        width={48}
        tickCount={3}
        allowDecimals={false}
      />
      <Tooltip content={BreakdownTooltip} cursor={{ fill: 'var(--muted)' }} isAnimationActive={false} />
      <Bar
        dataKey="value"
        name={money ? 'Revenue' : 'Orders'}
        fill={color}
        radius={[3, 3, 0, 0]}
        isAnimationActive={false}
      />
    </BarChart>
  );
}

function BreakdownTooltip({ active, payload }: TooltipContentProps) {
  const row = payload?.[0]?.payload as BreakdownRow | undefined;
  if (!active || !row) return null;
  return (
    <div className="min-w-36 rounded-lg border border-border bg-card px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-foreground">{row.label}</p>
      <dl className="mt-1 grid grid-cols-[auto_auto] gap-x-4 gap-y-0.5 tabular-nums">
        <dt className="text-muted-foreground">Revenue</dt>
        <dd className="text-right font-medium">{formatMoney(row.revenue_cents)}</dd>
        <dt className="text-muted-foreground">Orders</dt>
        <dd className="text-right">{formatNumber(row.orders)}</dd>
        <dt className="text-muted-foreground">Share</dt>
        <dd className="text-right">{formatPercent(row.share)}</dd>
      </dl>
    </div>
  );
}
