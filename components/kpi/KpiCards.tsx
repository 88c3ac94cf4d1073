'use client';

import { Area, AreaChart } from 'recharts';
import { formatChangePercent, formatDuration, formatMoney, formatNumber, formatSigned } from '../../lib/format';
import type { OverviewQuery } from '../../lib/overview-params';
import type { Overview, Totals } from '../../lib/queries/overview.types';
import { cx } from '../common/cx';
import { TileMeta } from '../common/TileMeta';

/** `2.4`, `37`, `1,250`: one decimal only where it matters. */
function rate(n: number): string {
  if (n === 0) return '0';
  return n < 10 ? n.toFixed(1) : formatNumber(Math.round(n));
}

type KpiId = 'revenue' | 'refunds' | 'orders' | 'units' | 'aov';
const KEYS: Record<KpiId, keyof Totals> = {
  revenue: 'revenue_cents',
  refunds: 'refund_cents',
  orders: 'orders',
  units: 'units',
  aov: 'aov_cents',
};

interface Kpi {
  id: KpiId;
  label: string;
  /** Raw integer (cents for money), exposed as data-value. */
  value: number;
  previous: number;
  money: boolean;
  detail: string;
  /** Extra figure under the value (gross sales under net sales), exposed as a test id. */
  sub?: { id: string; value: number; text: string };
  /** A rise is bad news (refunds). */
  upIsBad?: boolean;
  color: string;
}

function kpisOf(overview: Overview): Kpi[] {
  const { revenue_cents, gross_cents, refund_cents, orders, units, aov_cents } = overview.totals;
  const prev = overview.previous?.totals ?? {
    revenue_cents: 0,
    gross_cents: 0,
    refund_cents: 0,
    orders: 0,
    units: 0,
    aov_cents: 0,
  };
  const minutes = Math.max(1, (Date.parse(overview.range.to) - Date.parse(overview.range.from)) / 60_000);
  const perMinute = (n: number) => n / minutes;
  return [
    {
      id: 'revenue',
      label: 'Net sales',
      value: revenue_cents,
      previous: prev.revenue_cents,
      money: true,
      detail: `${formatMoney(Math.round(perMinute(revenue_cents)))} per minute`,
      sub: { id: 'kpi-gross', value: gross_cents, text: `Gross ${formatMoney(gross_cents)}` },
      color: 'var(--chart-1)',
    },
    {
      id: 'refunds',
      label: 'Refunds',
      value: refund_cents,
      previous: prev.refund_cents,
      money: true,
      detail: gross_cents > 0 ? `${((refund_cents / gross_cents) * 100).toFixed(1)}% of gross sales` : 'no sales yet',
      upIsBad: true,
      color: 'var(--chart-5)',
    },
    {
      id: 'orders',
      label: 'Orders',
      value: orders,
      previous: prev.orders,
      money: false,
      detail: `${rate(perMinute(orders))} per minute`,
      color: 'var(--chart-2)',
    },
    {
      id: 'units',
      label: 'Units sold',
      value: units,
      previous: prev.units,
      money: false,
      detail: orders > 0 ? `${(units / orders).toFixed(2)} per order, net of returns` : 'no orders yet',
      color: 'var(--chart-4)',
    },
    {
      id: 'aov',
      label: 'Avg. order value',
      value: aov_cents,
      previous: prev.aov_cents,
      money: true,
      detail: 'net sales ÷ orders',
      color: 'var(--chart-3)',
    },
  ];
}

export function KpiCards({ overview, query }: { overview: Overview; query: OverviewQuery }) {
  const spanMs = Date.parse(overview.range.to) - Date.parse(overview.range.from);
  return (
    <section aria-labelledby="kpi-heading" data-testid="kpis">
      <div className="mb-2 flex items-center justify-between gap-4 px-1">
        <h2 id="kpi-heading" className="text-xs text-muted-foreground">
          <span className="font-medium text-foreground">Key figures</span> · change vs the previous{' '}
          {formatDuration(spanMs)}
        </h2>
        <TileMeta tile="kpis" overview={overview} query={query} subject="the key figures" />
      </div>
      <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-5">
        {kpisOf(overview).map((kpi) => (
          <KpiCard key={kpi.id} kpi={kpi} overview={overview} />
        ))}
      </div>
    </section>
  );
}

function KpiCard({ kpi, overview }: { kpi: Kpi; overview: Overview }) {
  const change = kpi.value - kpi.previous;
  const fmt = kpi.money ? formatMoney : formatNumber;
  const direction = kpi.previous === 0 || change === 0 ? 'flat' : change > 0 ? 'up' : 'down';
  const good = kpi.upIsBad ? 'down' : 'up';
  const key = KEYS[kpi.id];
  const spark = overview.trend.map((p, i) => ({ i, v: p[key] }));
  return (
    <section className="relative min-w-0 overflow-hidden rounded-xl border border-border bg-card px-5 pt-4 pb-3 shadow-xs tv:px-6 tv:py-5">
      <h3 className="text-[13px] font-medium text-muted-foreground tv:text-lg">{kpi.label}</h3>
      {/* TV mode: readable across a room, yet a 4-column row still fits "$1,234,567.89". */}
      <p
        data-testid={`kpi-${kpi.id}`}
        data-value={kpi.value}
        className="mt-1.5 text-[28px] leading-8 font-semibold tracking-tight tabular-nums tv:mt-2 tv:text-[clamp(2rem,3.1vw,4.5rem)] tv:leading-none"
      >
        {fmt(kpi.value)}
      </p>
      <p
        data-testid={`kpi-${kpi.id}-change`}
        data-change={change}
        title={`Previous period: ${fmt(kpi.previous)}`}
        className={cx(
          'mt-1 flex items-center gap-1.5 text-xs font-medium whitespace-nowrap tabular-nums tv:text-base',
          direction !== 'flat' && direction === good && 'text-success-foreground',
          direction !== 'flat' && direction !== good && 'text-danger-foreground',
          direction === 'flat' && 'text-muted-foreground',
        )}
      >
        {kpi.previous === 0 ? (
          <span>
            — <span className="font-normal">no previous data</span>
          </span>
        ) : (
          <>
            <span aria-hidden="true">{direction === 'up' ? '▲' : direction === 'down' ? '▼' : '='}</span>
            <span>{formatSigned(change, kpi.money ? 'money' : 'number')}</span>
            <span className="opacity-80">({formatChangePercent(kpi.value, kpi.previous)})</span>
            <span className="sr-only"> vs previous period</span>
          </>
        )}
      </p>
      <p className="mt-0.5 truncate text-xs text-subtle-foreground tabular-nums tv:text-base">
        {kpi.sub && (
          <span data-testid={kpi.sub.id} data-value={kpi.sub.value}>
            {kpi.sub.text} ·{' '}
          </span>
        )}
        {kpi.detail}
      </p>
      <div aria-hidden="true" className="mt-2 h-9 tv:h-14">
        <AreaChart
          data={spark}
          responsive
          accessibilityLayer={false}
          style={{ width: '100%', height: '100%' }}
          margin={{ top: 2, right: 0, bottom: 0, left: 0 }}
        >
          <Area
            type="monotone"
            dataKey="v"
            stroke={kpi.color}
            strokeWidth={1.5}
            fill={kpi.color}
            fillOpacity={0.12}
            dot={false}
            activeDot={false}
            isAnimationActive={false}
          />
        </AreaChart>
      </div>
    </section>
  );
}
