'use client';

import { useId, useMemo, useState } from 'react';
import { Area, AreaChart, CartesianGrid, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import { formatDay, formatDayTime, formatMoney, formatMoneyCompact, formatNumber, formatTime } from '../../lib/format';
import type { Overview } from '../../lib/queries/overview.types';
import { Card } from '../common/Card';
import { ScrollRegion } from '../common/ScrollRegion';
import { TableToggle } from '../common/TableToggle';
import { useIsClient } from '../hooks/useIsClient';
import { trendSummary } from './chart-summary';
import { bucketTrend, type ChartPoint, type SeriesPoint, splitFilling, timeTicks } from './trend-buckets';

export function RevenueTrend({ overview, live }: { overview: Overview; live: boolean }) {
  const gradientId = `trend-fill-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const rangeToMs = Date.parse(overview.range.to);
  const asOfMs = overview.freshness.as_of === null ? null : Date.parse(overview.freshness.as_of);
  const points = useMemo(
    () => splitFilling(bucketTrend(overview.trend), rangeToMs, asOfMs),
    [overview.trend, rangeToMs, asOfMs],
  );
  const totalRevenue = useMemo(() => overview.trend.reduce((sum, p) => sum + p.revenue_cents, 0), [overview.trend]);
  const fromMs = points[0]?.t ?? Date.parse(overview.range.from);
  const bucketMinutes = points[0]?.minutes ?? 1;
  const lastStart = points.length > 0 ? (points[points.length - 1]?.t ?? fromMs) : rangeToMs - 60_000;
  const { ticks, stepMinutes } = useMemo(() => timeTicks(fromMs, lastStart), [fromMs, lastStart]);
  const tickLabel = stepMinutes >= 1440 ? formatDay : formatTime;
  const multiDay = lastStart - fromMs >= 86_400_000;
  const isClient = useIsClient();
  const [showTable, setShowTable] = useState(false);

  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Revenue over time
          {live && (
            <span className="rounded-full bg-accent-soft px-1.5 py-px text-[11px] font-medium text-accent">Live</span>
          )}
        </span>
      }
      description={`${bucketMinutes === 1 ? 'Per minute' : `${bucketMinutes}-minute buckets`} · your local time`}
      action={
        <div className="flex items-start gap-4">
          <div className="text-right">
            <p className="text-xs text-muted-foreground">Total</p>
            <p className="text-sm font-semibold tabular-nums tv:text-lg">{formatMoney(totalRevenue)}</p>
          </div>
          <TableToggle
            pressed={showTable}
            onPressedChange={setShowTable}
            subject="revenue over time"
            testId="trend-table-toggle"
          />
        </div>
      }
    >
      <div
        data-testid="trend"
        data-total-revenue={totalRevenue}
        data-points={overview.trend.length}
        className="relative h-[232px] tv:h-[clamp(232px,34vh,520px)]"
      >
        {showTable ? (
          <TrendTable points={points} multiDay={multiDay} />
        ) : (
          // The summary stands in for the drawing; the table view has every figure.
          <div
            role="img"
            aria-label={trendSummary(points, totalRevenue, { known: isClient, multiDay })}
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
                dataKey="t"
                type="number"
                scale="time"
                domain={[fromMs, lastStart]}
                ticks={ticks}
                tickFormatter={(t: number) => tickLabel(t)}
                tickLine={false}
                axisLine={{ stroke: 'var(--chart-grid)' }}
                tick={{ fill: 'var(--chart-axis)', fontSize: 11 }}
                tickMargin={8}
                minTickGap={16}
              />
              <YAxis
                tickFormatter={(v: number) => formatMoneyCompact(v)}
                tickLine={false}
                axisLine={false}
                tick={totalRevenue === 0 ? false : { fill: 'var(--chart-axis)', fontSize: 11 }}
                width={52}
                allowDecimals={false}
              />
              <Tooltip
                content={(props) => <TrendTooltip {...props} multiDay={multiDay} />}
                cursor={{ stroke: 'var(--border-strong)', strokeWidth: 1 }}
                isAnimationActive={false}
              />
              <Area
                type="monotone"
                dataKey="settled"
                name="Revenue"
                stroke="var(--chart-1)"
                strokeWidth={1.75}
                fill={`url(#${gradientId})`}
                isAnimationActive={false}
                activeDot={{ r: 3.5, strokeWidth: 2, stroke: 'var(--card)' }}
              />
              <Area
                type="monotone"
                dataKey="filling"
                name="Revenue (in progress)"
                stroke="var(--chart-1)"
                strokeWidth={1.5}
                strokeDasharray="3 3"
                fill={`url(#${gradientId})`}
                fillOpacity={0.5}
                isAnimationActive={false}
                activeDot={{ r: 3.5, strokeWidth: 2, stroke: 'var(--card)' }}
              />
            </AreaChart>
          </div>
        )}
        {totalRevenue === 0 && !showTable && (
          <div className="pointer-events-none absolute inset-0 flex items-center justify-center pb-6">
            <p className="rounded-md border border-border bg-card px-3 py-1.5 text-xs text-muted-foreground shadow-xs">
              No sales in this range yet
            </p>
          </div>
        )}
      </div>
    </Card>
  );
}

/** The chart's points (after bucketing) as rows, oldest first like the chart. */
function TrendTable({ points, multiDay }: { points: SeriesPoint[]; multiDay: boolean }) {
  const captionId = useId();
  const minutes = points[0]?.minutes ?? 1;
  const timeOf = multiDay ? formatDayTime : formatTime;
  return (
    <ScrollRegion labelledBy={captionId} className="h-full">
      <table data-testid="trend-table" className="w-full text-[13px] tabular-nums tv:text-base">
        <caption id={captionId} className="sr-only">
          Revenue {minutes === 1 ? 'per minute' : `in ${minutes}-minute buckets`}, your local time
        </caption>
        <thead className="sticky top-0 bg-card">
          <tr className="border-b border-border text-left text-xs text-muted-foreground">
            <th scope="col" className="py-2 pl-1 font-medium">
              {minutes === 1 ? 'Minute' : 'Bucket start'}
            </th>
            <th scope="col" className="py-2 text-right font-medium">
              Revenue
            </th>
            <th scope="col" className="py-2 text-right font-medium">
              Orders
            </th>
            <th scope="col" className="py-2 pr-1 text-right font-medium">
              Units
            </th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr
              key={p.t}
              data-bucket={new Date(p.t).toISOString()}
              data-revenue={p.revenue_cents}
              className="border-b border-border/70 last:border-b-0"
            >
              <th scope="row" className="py-1.5 pl-1 text-left font-normal text-muted-foreground">
                {timeOf(p.t)}
                {p.settled === null && <span className="ml-1.5 text-xs">(in progress)</span>}
              </th>
              <td className="py-1.5 text-right font-medium">{formatMoney(p.revenue_cents)}</td>
              <td className="py-1.5 text-right">{formatNumber(p.orders)}</td>
              <td className="py-1.5 pr-1 text-right">{formatNumber(p.units)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function TrendTooltip({ active, payload, multiDay }: TooltipContentProps & { multiDay: boolean }) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  const end = point.t + point.minutes * 60_000;
  return (
    <div className="min-w-40 rounded-lg border border-border bg-card px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-foreground tabular-nums">
        {multiDay && <span className="mr-1 text-muted-foreground">{formatDay(point.t)}</span>}
        {point.minutes === 1 ? formatTime(point.t) : `${formatTime(point.t)} – ${formatTime(end)}`}
      </p>
      <dl className="mt-1.5 grid grid-cols-[auto_auto] gap-x-4 gap-y-0.5 tabular-nums">
        <dt className="flex items-center gap-1.5 text-muted-foreground">
          <span className="size-2 rounded-sm bg-chart-1" />
          Revenue
        </dt>
        <dd className="text-right font-medium">{formatMoney(point.revenue_cents)}</dd>
        <dt className="pl-3.5 text-muted-foreground">Orders</dt>
        <dd className="text-right">{formatNumber(point.orders)}</dd>
        <dt className="pl-3.5 text-muted-foreground">Units</dt>
        <dd className="text-right">{formatNumber(point.units)}</dd>
      </dl>
    </div>
  );
}
