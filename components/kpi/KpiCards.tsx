'use client';

import { Area, AreaChart } from 'recharts';
import { cx } from '@/components/common/cx';
import { FitText } from '@/components/common/FitText';
import { TileMeta } from '@/components/common/TileMeta';
import type { Overview, Totals } from '@/lib/contract/overview';
import { approxNumber, compareExact, type ExactNumber, subtractExact } from '@/lib/domain/exact-number';
import {
  comparedWith,
  FIT_STEPS,
  type FitStep,
  fitTexts,
  formatChangePercent,
  formatMoneyFit,
  formatNumber,
  formatSigned,
} from '@/lib/domain/format';
import type { OverviewQuery } from '@/lib/web/overview-params';

/** Wording of a detail line at a fit step: the long form while figures are exact, then the short one. */
const say = (step: FitStep, long: string, short: string) => (step < 2 ? long : short);

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
  /** Raw integer (cents for money), exposed as data-value; exact (a string beyond 2^53). */
  value: ExactNumber;
  previous: ExactNumber;
  money: boolean;
  /** The line under the change, at a fit step (FIT_STEPS): shortened like the value when narrow. */
  detail: (step: FitStep) => string;
  /** Extra figure on that line (gross sales under net sales), exposed as a test id. */
  sub?: { id: string; value: ExactNumber; text: (step: FitStep) => string };
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
  const perMinute = (n: ExactNumber) => approxNumber(n) / minutes;
  return [
    {
      id: 'revenue',
      label: 'Net sales',
      value: revenue_cents,
      previous: prev.revenue_cents,
      money: true,
      detail: (step) =>
        `${formatMoneyFit(Math.round(perMinute(revenue_cents)), step)}${say(step, ' per minute', '/min')}`,
      sub: { id: 'kpi-gross', value: gross_cents, text: (step) => `Gross ${formatMoneyFit(gross_cents, step)}` },
      color: 'var(--chart-1)',
    },
    {
      id: 'refunds',
      label: 'Refunds',
      value: refund_cents,
      previous: prev.refund_cents,
      money: true,
      detail: (step) =>
        compareExact(gross_cents, 0) > 0
          ? `${((approxNumber(refund_cents) / approxNumber(gross_cents)) * 100).toFixed(1)}% of gross${say(step, ' sales', '')}`
          : 'no sales yet',
      upIsBad: true,
      color: 'var(--chart-5)',
    },
    {
      id: 'orders',
      label: 'Orders',
      value: orders,
      previous: prev.orders,
      money: false,
      detail: (step) => `${rate(perMinute(orders))}${say(step, ' per minute', '/min')}`,
      color: 'var(--chart-2)',
    },
    {
      id: 'units',
      label: 'Units sold',
      value: units,
      previous: prev.units,
      money: false,
      detail: (step) =>
        orders > 0
          ? `${(approxNumber(units) / orders).toFixed(2)}${say(step, ' per order, net of returns', '/order')}`
          : 'no orders yet',
      color: 'var(--chart-4)',
    },
    {
      id: 'aov',
      label: 'Avg. order value',
      value: aov_cents,
      previous: prev.aov_cents,
      money: true,
      detail: (step) => say(step, 'net sales ÷ orders', 'net ÷ orders'),
      color: 'var(--chart-3)',
    },
  ];
}

/**
 * Five cards without a hole in the grid: on a phone net sales takes a row and the others two
 * by two; on a tablet three cards over two wider ones (a 6-column grid); one row from `xl`.
 */
const SPANS = [
  'col-span-2 md:col-span-2 xl:col-span-1',
  'md:col-span-2 xl:col-span-1',
  'md:col-span-2 xl:col-span-1',
  'md:col-span-3 xl:col-span-1',
  'md:col-span-3 xl:col-span-1',
];

export function KpiCards({ overview, query }: { overview: Overview; query: OverviewQuery }) {
  const against = comparedWith(overview.previous.compare, overview.range);
  return (
    <section aria-labelledby="kpi-heading" data-testid="kpis" className="tv:col-span-12">
      <div className="mb-2 flex items-center justify-between gap-4 px-1">
        <h2 id="kpi-heading" data-testid="kpi-compared-with" className="text-xs text-muted-foreground">
          <span className="font-medium text-foreground">Key figures</span> · change vs {against}
        </h2>
        <TileMeta tile="kpis" overview={overview} query={query} subject="the key figures" />
      </div>
      <div className="grid grid-cols-2 gap-3 sm:gap-4 md:grid-cols-6 xl:grid-cols-5">
        {kpisOf(overview).map((kpi, i) => (
          <KpiCard key={kpi.id} kpi={kpi} overview={overview} against={against} className={SPANS[i]} />
        ))}
      </div>
    </section>
  );
}

function KpiCard({
  kpi,
  overview,
  against,
  className,
}: {
  kpi: Kpi;
  overview: Overview;
  /** What the change is against (comparedWith). */
  against: string;
  className?: string;
}) {
  const key = KEYS[kpi.id];
  const spark = overview.trend.map((p, i) => ({ i, v: approxNumber(p[key]) }));
  return (
    <section
      className={cx(
        'relative min-w-0 overflow-hidden rounded-xl border border-border bg-card px-5 pt-4 pb-3 shadow-xs tv:px-6 tv:py-5',
        className,
      )}
    >
      <h3 className="text-[13px] font-medium text-muted-foreground tv:text-lg">{kpi.label}</h3>
      <KpiFigure id={kpi.id} value={kpi.value} money={kpi.money} />
      <KpiChange
        id={kpi.id}
        value={kpi.value}
        previous={kpi.previous}
        against={against}
        money={kpi.money}
        upIsBad={kpi.upIsBad}
      />
      <FitText
        data-testid={kpi.sub?.id}
        data-value={kpi.sub?.value}
        texts={detailTexts(kpi)}
        className="mt-0.5 text-xs text-subtle-foreground tabular-nums tv:lg:text-base"
      />
      <div aria-hidden="true" className="mt-2 h-9 tv:h-[6vh]">
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

/** The line under the change at every fit step; where even the shortest is too wide, the extra figure alone. */
function detailTexts({ sub, detail }: Kpi): string[] {
  if (!sub) return FIT_STEPS.map(detail);
  return [...FIT_STEPS.map((step) => `${sub.text(step)} · ${detail(step)}`), sub.text(3)];
}

/** The change with its percentage at every fit step; where even the shortest is too wide, without it. */
function changeTexts(change: ExactNumber, money: boolean, percent: string): string[] {
  const signed = (step: FitStep) => formatSigned(change, money ? 'money' : 'number', step);
  return [...FIT_STEPS.map((step) => `${signed(step)} (${percent})`), signed(3)];
}

/** A key figure (`kpi-<id>`, raw value in data-value), shortened rather than cut when its card is narrow. */
export function KpiFigure({ id, value, money }: { id: string; value: ExactNumber; money: boolean }) {
  return (
    <FitText
      data-testid={`kpi-${id}`}
      data-value={value}
      texts={fitTexts(value, money ? 'money' : 'number')}
      // TV mode: readable across a room.
      className="mt-1.5 text-[28px] leading-8 font-semibold tracking-tight tabular-nums tv:mt-2 tv:text-[clamp(1.75rem,min(3.1vw,5.5vh),4.5rem)] tv:leading-none"
    />
  );
}

/** The change of a key figure against the compared period (`kpi-<id>-change`, raw difference in data-change). */
export function KpiChange({
  id,
  value,
  previous,
  against,
  money,
  upIsBad,
}: {
  id: string;
  value: ExactNumber;
  previous: ExactNumber;
  /** What the change is against, after "vs" (comparedWith): "same time yesterday". */
  against: string;
  money: boolean;
  /** A rise is bad news (refunds). */
  upIsBad?: boolean;
}) {
  const change = subtractExact(value, previous);
  const direction = previous === 0 || change === 0 ? 'flat' : compareExact(change, 0) > 0 ? 'up' : 'down';
  const good = upIsBad ? 'down' : 'up';
  return (
    <p
      data-testid={`kpi-${id}-change`}
      data-change={change}
      title={`vs ${against}: ${fitTexts(previous, money ? 'money' : 'number')[0]}`}
      className={cx(
        'mt-1 flex min-w-0 items-center gap-1.5 text-xs font-medium whitespace-nowrap tabular-nums tv:lg:text-base',
        direction !== 'flat' && direction === good && 'text-success-foreground',
        direction !== 'flat' && direction !== good && 'text-danger-foreground',
        direction === 'flat' && 'text-muted-foreground',
      )}
    >
      {previous === 0 ? (
        <FitText
          as="span"
          className="min-w-0 flex-1 font-normal"
          texts={['— no previous data', '— no previous', '—']}
        />
      ) : (
        <>
          <span aria-hidden="true">{direction === 'up' ? '▲' : direction === 'down' ? '▼' : '='}</span>
          <FitText
            as="span"
            className="min-w-0 flex-1"
            texts={changeTexts(change, money, formatChangePercent(value, previous))}
          />
          <span className="sr-only"> vs {against}</span>
        </>
      )}
    </p>
  );
}
