'use client';

import { type ReactNode, useId, useMemo, useState } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  ReferenceDot,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { ScrollRegion } from '@/components/common/ScrollRegion';
import { Segmented } from '@/components/common/Segmented';
import { TableHeader } from '@/components/common/TableHeader';
import { TableToggle } from '@/components/common/TableToggle';
import { CHIP_LOOK, ToggleButton } from '@/components/common/ToggleButton';
import type { Totals, TrendPoint } from '@/lib/contract/overview';
import { exactNumber, toBigInt } from '@/lib/domain/exact-number';
import {
  COMPARISON_NAMES,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatNumberCompact,
} from '@/lib/domain/format';
import type { Comparison } from '@/lib/domain/time-buckets';
import { trendSummary } from './chart-summary';
import {
  type AxisCut,
  axisCut,
  bucketLabel,
  type ChartPoint,
  chartPoints,
  type Granularity,
  isMultiDay,
  METRICS,
  PER_GRANULARITY,
  type TrendMetric,
  type TrendSeries,
  tickIndices,
  tickLabel,
} from './trend-buckets';

const METRIC_OPTIONS = (Object.keys(METRICS) as TrendMetric[]).map((value) => ({
  value,
  label: value === 'aov' ? 'AOV' : METRICS[value].label,
}));

export interface RevenueTrendProps {
  /** The view's trend and totals (an overview, or one product's detail). */
  data: TrendSeries & { totals: Totals };
  /** The period compared with (`compare`): its totals, and its trend when it is to be drawn (dashed). */
  previous: { compare: Comparison; totals: Totals; trend?: TrendPoint[] };
  title?: ReactNode;
  /** Marks the tile as following the newest minutes. */
  live?: boolean;
  /** Right side of the header, beside the table toggle (freshness, CSV link). */
  meta?: ReactNode;
  /** Test id of the chart; its controls are `<testId>-metric`, `<testId>-table-toggle` and `<testId>-table`. */
  testId?: string;
  /** Shown over an empty chart. */
  emptyText?: string;
}

/** The trend tile: one metric per bucket of the view, optionally against the period compared with. */
export function RevenueTrend({
  data,
  previous,
  title = 'Sales trend',
  live = false,
  meta,
  testId = 'trend',
  emptyText = 'No sales in this range yet',
}: RevenueTrendProps) {
  const gradientId = `trend-fill-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const [metric, setMetric] = useState<TrendMetric>('revenue');
  const [showTable, setShowTable] = useState(false);
  const [fullScale, setFullScale] = useState(false);
  const { label, money } = METRICS[metric];
  const { granularity, tz } = data;
  const points = useMemo(() => chartPoints(data, metric, previous.trend), [data, metric, previous.trend]);
  const totalRevenue = useMemo(
    () => exactNumber(data.trend.reduce((sum, p) => sum + toBigInt(p.revenue_cents), 0n)),
    [data.trend],
  );
  const total = data.totals[METRICS[metric].key];
  const previousTotal = previous.totals[METRICS[metric].key];
  const multiDay = isMultiDay(points);
  const ticks = useMemo(() => tickIndices(points, granularity, tz), [points, granularity, tz]);
  const cut = useMemo(() => axisCut(points), [points]);
  const clipped = cut !== null && !fullScale ? cut : null;
  const drawsPrevious = previous.trend !== undefined;
  const hasPrevious = points.some((p) => p.previous !== null && p.previous > 0);
  const fmt = money ? formatMoney : formatNumber;
  const subject = `${label.toLowerCase()} over time`;
  const compared = COMPARISON_NAMES[previous.compare];

  return (
    <Card
      className="h-full"
      bodyClassName="tv:flex tv:min-h-0 tv:flex-col"
      title={
        <span className="flex items-center gap-2">
          {title}
          {live && (
            <span className="rounded-full bg-accent-soft px-1.5 py-px text-[11px] font-medium text-accent">Live</span>
          )}
        </span>
      }
      description={
        <>
          {label} {PER_GRANULARITY[granularity]} · {tz}
          {drawsPrevious && (
            <span className="ml-2 inline-flex items-center gap-1 align-middle">
              <span aria-hidden="true" className="inline-block w-4 border-t-2 border-dashed border-subtle-foreground" />
              <span data-testid={`${testId}-compared-with`}>{compared.name}</span>
            </span>
          )}
        </>
      }
      action={
        // Wraps under the as-of line where the tile is narrow (phones) rather than overflowing it.
        <div className="flex flex-wrap items-center justify-end gap-2">
          {meta}
          <TableToggle
            pressed={showTable}
            onPressedChange={setShowTable}
            subject={subject}
            testId={`${testId}-table-toggle`}
          />
        </div>
      }
    >
      <div className="mb-2 flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <Segmented
          label="Trend metric"
          testId={`${testId}-metric`}
          value={metric}
          options={METRIC_OPTIONS}
          onChange={setMetric}
          className="tv:hidden"
        />
        <p className="ml-auto text-right tabular-nums">
          <span className="text-xs text-muted-foreground">{metric === 'aov' ? 'Overall ' : 'Total '}</span>
          <span className="text-sm font-semibold tv:text-lg">{fmt(total)}</span>
          <span className="ml-2 text-xs text-muted-foreground">
            {compared.short} {fmt(previousTotal)}
          </span>
        </p>
      </div>
      <div
        data-testid={testId}
        data-metric={metric}
        data-total-revenue={totalRevenue}
        data-points={data.trend.length}
        className="relative h-[232px] tv:h-auto tv:min-h-0 tv:flex-1"
      >
        {showTable ? (
          <TrendTable
            testId={`${testId}-table`}
            points={points}
            metric={metric}
            granularity={granularity}
            tz={tz}
            multiDay={multiDay}
            withPrevious={drawsPrevious}
            compared={compared.name}
          />
        ) : (
          // The summary stands in for the drawing; the table view has every figure.
          <div
            role="img"
            aria-label={trendSummary(points, metric, total, { granularity, tz, multiDay })}
            className="h-full"
          >
            <ComposedChart
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
                tick={total === 0 && !hasPrevious ? false : { fill: 'var(--chart-axis)', fontSize: 11 }}
                width={52}
                allowDecimals={false}
                domain={clipped ? [0, clipped.ceiling] : undefined}
                allowDataOverflow={clipped !== null}
              />
              <Tooltip
                content={(props) => (
                  <TrendTooltip {...props} metric={metric} granularity={granularity} tz={tz} multiDay={multiDay} />
                )}
                cursor={{ stroke: 'var(--border-strong)', strokeWidth: 1 }}
                isAnimationActive={false}
              />
              <Area
                type="monotone"
                dataKey="settled"
                name={label}
                stroke="var(--chart-1)"
                strokeWidth={1.75}
                fill={`url(#${gradientId})`}
                isAnimationActive={false}
                activeDot={{ r: 3.5, strokeWidth: 2, stroke: 'var(--card)' }}
              />
              <Area
                type="monotone"
                dataKey="filling"
                name={`${label} (in progress)`}
                stroke="var(--chart-1)"
                strokeWidth={1.5}
                strokeDasharray="3 3"
                fill={`url(#${gradientId})`}
                fillOpacity={0.5}
                isAnimationActive={false}
                activeDot={{ r: 3.5, strokeWidth: 2, stroke: 'var(--card)' }}
              />
              {drawsPrevious && (
                // A line drawn as an unfilled Area: Recharts' Line measures its path
                // (getTotalLength, a forced layout) on every render, animated or not.
                <Area
                  type="monotone"
                  dataKey="previous"
                  name={`${label}, ${compared.name}`}
                  className="trend-previous"
                  stroke="var(--subtle-foreground)"
                  strokeWidth={1.25}
                  strokeDasharray="4 4"
                  fill="none"
                  dot={false}
                  activeDot={false}
                  isAnimationActive={false}
                />
              )}
              {clipped?.above.map((i) => (
                <ReferenceDot key={i} x={i} y={clipped.ceiling} r={5} ifOverflow="visible" shape={OutlierMark} />
              ))}
            </ComposedChart>
          </div>
        )}
        {total === 0 && !showTable && (
          <div className="pointer-events-none absolute inset-0 flex items-center justify-center pb-6">
            <p className="rounded-md border border-border bg-card px-3 py-1.5 text-xs text-muted-foreground shadow-xs">
              {emptyText}
            </p>
          </div>
        )}
      </div>
      {cut && !showTable && (
        <AxisCutNote
          cut={cut}
          format={fmt}
          fullScale={fullScale}
          onFullScaleChange={setFullScale}
          testId={`${testId}-axis-cut`}
        />
      )}
    </Card>
  );
}

/** ▲ at the top of the axis over a bucket that rises above it (an outlier, cut off). */
function OutlierMark({ cx, cy }: { cx?: number; cy?: number }) {
  if (cx === undefined || cy === undefined) return <g />;
  return <path d={`M${cx - 5},${cy + 7}L${cx + 5},${cy + 7}L${cx},${cy - 1}Z`} fill="var(--chart-1)" />;
}

/**
 * Says that the axis is cut and where, so the shape is never misread, and offers the full scale
 * (where the outlier is true to size and the rest lies flat).
 */
function AxisCutNote({
  cut,
  format,
  fullScale,
  onFullScaleChange,
  testId,
}: {
  cut: AxisCut;
  format: (value: number) => string;
  fullScale: boolean;
  onFullScaleChange: (fullScale: boolean) => void;
  testId: string;
}) {
  return (
    <p
      data-testid={testId}
      data-full-scale={fullScale}
      className="mt-1 flex flex-wrap items-center justify-end gap-x-2 gap-y-1 text-[11px] text-muted-foreground"
    >
      {fullScale ? (
        <span>Full scale, up to {format(cut.max)}</span>
      ) : (
        <span>
          <span aria-hidden="true">▲ </span>Axis cut at {format(Math.round(cut.ceiling))}: highest {format(cut.max)}
        </span>
      )}
      <ToggleButton
        pressed={fullScale}
        look={CHIP_LOOK}
        onClick={() => onFullScaleChange(!fullScale)}
        className="h-5 rounded border px-1.5 font-medium tv:hidden"
      >
        Full scale
      </ToggleButton>
    </p>
  );
}

/** One row per bucket, oldest first like the chart, with the compared period's bucket. */
function TrendTable({
  testId,
  points,
  metric,
  granularity,
  tz,
  multiDay,
  withPrevious,
  compared,
}: {
  testId: string;
  points: ChartPoint[];
  metric: TrendMetric;
  granularity: Granularity;
  tz: string;
  multiDay: boolean;
  withPrevious: boolean;
  /** Name of the compared period's column ("same time last week"). */
  compared: string;
}) {
  const captionId = useId();
  const { label, money } = METRICS[metric];
  const fmt = money ? formatMoney : formatNumber;
  return (
    <ScrollRegion labelledBy={captionId} className="h-full">
      <table data-testid={testId} className="w-full text-[13px] tabular-nums tv:text-base">
        <caption id={captionId} className="sr-only">
          Revenue {PER_GRANULARITY[granularity]}, time zone {tz}
        </caption>
        <TableHeader
          columns={[
            {
              key: 'bucket',
              label: granularity === 'minute' ? 'Minute' : granularity === 'hour' ? 'Hour' : 'Day',
              className: 'pl-1',
            },
            { key: 'revenue', label: 'Revenue', align: 'right' },
            { key: 'orders', label: 'Orders', align: 'right' },
            { key: 'units', label: 'Units', align: 'right' },
            { key: 'aov', label: 'AOV', align: 'right', className: withPrevious ? undefined : 'pr-1' },
            withPrevious && { key: 'previous', label: `${label}, ${compared}`, align: 'right', className: 'pr-1' },
          ]}
        />
        <tbody>
          {points.map((p) => (
            <tr
              key={p.i}
              data-bucket={new Date(p.t).toISOString()}
              data-revenue={p.revenue_cents}
              className="border-b border-border/70 last:border-b-0"
            >
              <th scope="row" className="py-1.5 pl-1 text-left font-normal text-muted-foreground">
                {bucketLabel(p.t, granularity, tz, multiDay)}
                {p.settled === null && <span className="ml-1.5 text-xs">(in progress)</span>}
              </th>
              <td className="py-1.5 text-right font-medium">{formatMoney(p.revenue_cents)}</td>
              <td className="py-1.5 text-right">{formatNumber(p.orders)}</td>
              <td className="py-1.5 text-right">{formatNumber(p.units)}</td>
              <td className={cx('py-1.5 text-right', !withPrevious && 'pr-1')}>{formatMoney(p.aov_cents)}</td>
              {withPrevious && (
                <td className="py-1.5 pr-1 text-right text-muted-foreground">
                  {p.previousFigure === null ? '—' : fmt(p.previousFigure)}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function TrendTooltip({
  active,
  payload,
  metric,
  granularity,
  tz,
  multiDay,
}: TooltipContentProps & { metric: TrendMetric; granularity: Granularity; tz: string; multiDay: boolean }) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  const { label, money } = METRICS[metric];
  const fmt = money ? formatMoney : formatNumber;
  return (
    <div className="min-w-44 rounded-lg border border-border bg-card px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-foreground tabular-nums">{bucketLabel(point.t, granularity, tz, multiDay)}</p>
      <dl className="mt-1.5 grid grid-cols-[auto_auto] gap-x-4 gap-y-0.5 tabular-nums">
        <dt className="flex items-center gap-1.5 text-muted-foreground">
          <span className="size-2 rounded-sm bg-chart-1" />
          {label}
        </dt>
        <dd className="text-right font-medium">{fmt(point.figure)}</dd>
        {point.previousFigure !== null && point.previousT !== null && (
          <>
            <dt className="flex items-center gap-1.5 text-muted-foreground">
              <span className="w-2 border-t-2 border-dashed border-subtle-foreground" />
              {bucketLabel(point.previousT, granularity, tz, true)}
            </dt>
            <dd className="text-right">{fmt(point.previousFigure)}</dd>
          </>
        )}
        {metric !== 'orders' && (
          <>
            <dt className="pl-3.5 text-muted-foreground">Orders</dt>
            <dd className="text-right">{formatNumber(point.orders)}</dd>
          </>
        )}
        {metric !== 'revenue' && (
          <>
            <dt className="pl-3.5 text-muted-foreground">Revenue</dt>
            <dd className="text-right">{formatMoney(point.revenue_cents)}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
