import { formatMoney, formatNumber } from '../../lib/format';
import type { Overview } from '../../lib/queries/overview.types';

/** `2.4`, `37`, `1,250`: one decimal only where it matters. */
function rate(n: number): string {
  if (n === 0) return '0';
  return n < 10 ? n.toFixed(1) : formatNumber(Math.round(n));
}

interface Kpi {
  id: 'revenue' | 'orders' | 'units' | 'aov';
  label: string;
  /** Raw integer (cents for money), exposed as data-value. */
  value: number;
  formatted: string;
  detail: string;
}

function kpisOf(overview: Overview): Kpi[] {
  const { revenue_cents, orders, units, aov_cents } = overview.totals;
  const minutes = Math.max(1, (Date.parse(overview.range.to) - Date.parse(overview.range.from)) / 60_000);
  const perMinute = (n: number) => n / minutes;
  return [
    {
      id: 'revenue',
      label: 'Revenue',
      value: revenue_cents,
      formatted: formatMoney(revenue_cents),
      detail: `${formatMoney(Math.round(perMinute(revenue_cents)))} per minute`,
    },
    {
      id: 'orders',
      label: 'Orders',
      value: orders,
      formatted: formatNumber(orders),
      detail: `${rate(perMinute(orders))} per minute`,
    },
    {
      id: 'units',
      label: 'Units sold',
      value: units,
      formatted: formatNumber(units),
      detail: orders > 0 ? `${(units / orders).toFixed(2)} per order` : 'no orders yet',
    },
    {
      id: 'aov',
      label: 'Avg. order value',
      value: aov_cents,
      formatted: formatMoney(aov_cents),
      detail: 'revenue ÷ orders',
    },
  ];
}

export function KpiCards({ overview }: { overview: Overview }) {
  return (
    <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
      {kpisOf(overview).map((kpi) => (
        <section
          key={kpi.id}
          className="min-w-0 rounded-xl border border-border bg-card px-5 py-4 shadow-xs tv:px-6 tv:py-5"
        >
          <h2 className="text-[13px] font-medium text-muted-foreground tv:text-lg">{kpi.label}</h2>
          {/* TV mode: readable across a room, yet a 4-column row still fits "$1,234,567.89". */}
          <p
            data-testid={`kpi-${kpi.id}`}
            data-value={kpi.value}
            className="mt-1.5 text-[28px] leading-8 font-semibold tracking-tight tabular-nums tv:mt-2 tv:text-[clamp(2rem,3.1vw,4.5rem)] tv:leading-none"
          >
            {kpi.formatted}
          </p>
          <p className="mt-1 text-xs text-muted-foreground tabular-nums tv:mt-2 tv:text-base">{kpi.detail}</p>
        </section>
      ))}
    </div>
  );
}
