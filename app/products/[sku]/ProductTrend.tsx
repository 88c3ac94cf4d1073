'use client';

import { useId, useMemo, useState } from 'react';
import { Area, AreaChart, CartesianGrid, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import {
  bucketLabel,
  type ChartPoint,
  isMultiDay,
  PER_GRANULARITY,
  tickIndices,
  tickLabel,
} from '../../../components/charts/trend-buckets';
import { Card } from '../../../components/common/Card';
import { Segmented } from '../../../components/common/Segmented';
import { formatMoney, formatMoneyCompact, formatNumber, formatNumberCompact } from '../../../lib/format';
import type { ProductDetail } from '../../../lib/queries/overview.types';

type Metric = 'revenue' | 'units' | 'orders';
const METRICS: Record<Metric, { key: 'revenue_cents' | 'units' | 'orders'; label: string; money: boolean }> = {
  revenue: { key: 'revenue_cents', label: 'Revenue', money: true },
  units: { key: 'units', label: 'Units', money: false },
  orders: { key: 'orders', label: 'Orders', money: false },
};
const OPTIONS = (Object.keys(METRICS) as Metric[]).map((value) => ({ value, label: METRICS[value].label }));

/** The product's trend in the view's buckets (the API sends no previous-period trend for a product). */
export function ProductTrend({ detail }: { detail: ProductDetail }) {
  const gradientId = `product-trend-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const [metric, setMetric] = useState<Metric>('revenue');
  const { key, label, money } = METRICS[metric];
  const { granularity, tz } = detail;
  const points: ChartPoint[] = useMemo(
    () =>
      detail.trend.map((p, i) => ({
        i,
        t: Date.parse(p.bucket),
        revenue_cents: p.revenue_cents,
        orders: p.orders,
        units: p.units,
        aov_cents: p.aov_cents,
        value: p[key],
        previous: null,
        previousT: null,
        settled: p[key],
        filling: null,
      })),
    [detail.trend, key],
  );
  const multiDay = isMultiDay(points);
  const ticks = useMemo(() => tickIndices(points, granularity, tz), [points, granularity, tz]);
  const total = detail.totals[key];
  const fmt = money ? formatMoney : formatNumber;

  return (
    <Card
      title="Trend"
      description={`${label} ${PER_GRANULARITY[granularity]} · ${tz}`}
      action={
        <Segmented
          label="Trend metric"
          testId="product-trend-metric"
          value={metric}
          options={OPTIONS}
          onChange={setMetric}
        />
      }
    >
      <p className="mb-2 text-right tabular-nums">
        <span className="text-xs text-muted-foreground">Total </span>
        <span className="text-sm font-semibold">{fmt(total)}</span>
        <span className="ml-2 text-xs text-muted-foreground">previous {fmt(detail.previous_totals[key])}</span>
      </p>
      <div
        data-testid="product-trend"
        data-metric={metric}
        data-points={points.length}
        data-total-revenue={detail.totals.revenue_cents}
        className="relative h-[220px]"
      >
        <div
          role="img"
          aria-label={`${label} ${PER_GRANULARITY[granularity]}, ${points.length} buckets, total ${fmt(total)}`}
          className="h-full"
        >
          <AreaChart
            data={points}
            responsive
            accessibilityLayer={false}
            aria-hidden
            style={{ width: '100%', height: '100%' }}
            margin={{ top: 6, right: 4, bottom: 0, left: 0 }}
          >
            <defs>
              <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" style={{ stopColor: 'var(--chart-1)', stopOpacity: 'var(--chart-area-opacity)' }} />
                <stop offset="100%" style={{ stopColor: 'var(--chart-1)', stopOpacity: 0.02 }} />
              </linearGradient>
            </defs>
            <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
            <XAxis
              dataKey="i"
              type="number"
              domain={[0, Math.max(0, points.length - 1)]}
              ticks={ticks}
              tickFormatter={(i: number) => {
                const p = points[i];
                return p ? tickLabel(p.t, granularity, tz, multiDay) : '';
              }}
              tickLine={false}
              axisLine={{ stroke: 'var(--chart-grid)' }}
              tick={{ fill: 'var(--chart-axis)', fontSize: 11 }}
              tickMargin={8}
              minTickGap={16}
            />
            <YAxis
              tickFormatter={(v: number) => (money ? formatMoneyCompact(v) : formatNumberCompact(v))}
              tickLine={false}
              axisLine={false}
              tick={total === 0 ? false : { fill: 'var(--chart-axis)', fontSize: 11 }}
              width={52}
              allowDecimals={false}
            />
            <Tooltip
              content={(props: TooltipContentProps) => {
                const point = props.payload?.[0]?.payload as ChartPoint | undefined;
                if (!props.active || !point) return null;
                return (
                  <div className="rounded-lg border border-border bg-card px-3 py-2 text-xs shadow-md tabular-nums">
                    <p className="font-medium text-foreground">{bucketLabel(point.t, granularity, tz, multiDay)}</p>
                    <p className="mt-1 text-muted-foreground">
                      {label} <span className="ml-2 font-medium text-foreground">{fmt(point.value)}</span>
                    </p>
                  </div>
                );
              }}
              cursor={{ stroke: 'var(--border-strong)', strokeWidth: 1 }}
              isAnimationActive={false}
            />
            <Area
              type="monotone"
              dataKey="value"
              name={label}
              stroke="var(--chart-1)"
              strokeWidth={1.75}
              fill={`url(#${gradientId})`}
              isAnimationActive={false}
              activeDot={{ r: 3.5, strokeWidth: 2, stroke: 'var(--card)' }}
            />
          </AreaChart>
        </div>
        {total === 0 && (
          <div className="pointer-events-none absolute inset-0 flex items-center justify-center pb-6">
            <p className="rounded-md border border-border bg-card px-3 py-1.5 text-xs text-muted-foreground shadow-xs">
              No sales of this product in this range
            </p>
          </div>
        )}
      </div>
    </Card>
  );
}
