import { formatMoney, formatNumber, formatPercent } from '../../lib/format';
import type { OverviewQuery } from '../../lib/overview-params';
import type { MixSlice, Overview } from '../../lib/queries/overview.types';
import { Card } from '../common/Card';
import { cx } from '../common/cx';
import { EmptyState } from '../common/EmptyState';
import { TileMeta } from '../common/TileMeta';
import { CHANNEL_LABELS } from '../filters/FilterBar';

const COLORS = ['bg-chart-1', 'bg-chart-2', 'bg-chart-3', 'bg-chart-4', 'bg-chart-5', 'bg-chart-6'];
/** Beyond this many slices a stacked bar turns to slivers: the rest become "Other". */
const MAX_SLICES = 6;

interface Slice {
  key: string;
  label: string;
  revenue_cents: number;
  orders: number;
  share: number;
}

function slicesOf(mix: readonly MixSlice[], label: (key: string) => string): Slice[] {
  const sorted = [...mix].sort((a, b) => b.revenue_cents - a.revenue_cents);
  const head = sorted.slice(0, sorted.length > MAX_SLICES ? MAX_SLICES - 1 : MAX_SLICES);
  const rest = sorted.slice(head.length);
  const out: Slice[] = head.map((s) => ({ ...s, label: label(s.key) }));
  if (rest.length > 0) {
    out.push({
      key: '__other',
      label: `Other (${rest.length})`,
      revenue_cents: rest.reduce((n, s) => n + s.revenue_cents, 0),
      orders: rest.reduce((n, s) => n + s.orders, 0),
      share: rest.reduce((n, s) => n + s.share, 0),
    });
  }
  return out;
}

/** Share of revenue by category and by channel: one 100 % bar each, with a legend of figures. */
export function Mix({ overview, query, className }: { overview: Overview; query: OverviewQuery; className?: string }) {
  const category = slicesOf(overview.mix?.category ?? [], (k) => k);
  const channel = slicesOf(overview.mix?.channel ?? [], (k) => CHANNEL_LABELS[k] ?? k);
  const hasData = [...category, ...channel].some((s) => s.revenue_cents > 0);
  return (
    <Card
      title="Sales mix"
      description="Share of revenue by category and channel"
      className={className}
      data-testid="mix"
      action={<TileMeta tile="mix" overview={overview} query={query} subject="the sales mix" />}
    >
      {!hasData ? (
        <EmptyState title="No sales in this range" hint="The mix appears with the first sale." />
      ) : (
        <div className="flex flex-col gap-5">
          <MixBar title="Category" slices={category} />
          <MixBar title="Channel" slices={channel} />
        </div>
      )}
    </Card>
  );
}

function MixBar({ title, slices }: { title: string; slices: Slice[] }) {
  const visible = slices.filter((s) => s.share > 0);
  return (
    <section aria-label={`Revenue share by ${title.toLowerCase()}`} data-testid={`mix-${title.toLowerCase()}`}>
      <h3 className="mb-1.5 text-xs font-medium text-muted-foreground">{title}</h3>
      {/* The legend below carries the same figures as text. */}
      <div aria-hidden="true" className="flex h-3 overflow-hidden rounded-full bg-muted">
        {visible.map((s) => (
          <div
            key={s.key}
            className={cx('h-full border-r-2 border-card last:border-r-0', COLORS[slices.indexOf(s) % COLORS.length])}
            style={{ width: `${s.share * 100}%` }}
            title={`${s.label}: ${formatPercent(s.share)} · ${formatMoney(s.revenue_cents)}`}
          />
        ))}
      </div>
      <ul className="mt-2.5 grid grid-cols-1 gap-x-6 gap-y-1 text-xs tabular-nums sm:grid-cols-2">
        {slices.map((s, i) => (
          <li key={s.key} data-key={s.key} data-share={s.share} className="flex items-center gap-2">
            <span aria-hidden="true" className={cx('size-2 shrink-0 rounded-sm', COLORS[i % COLORS.length])} />
            <span className="min-w-0 flex-1 truncate text-foreground" title={s.label}>
              {s.label}
            </span>
            <span className="text-muted-foreground" title={`${formatNumber(s.orders)} orders`}>
              {formatMoney(s.revenue_cents)}
            </span>
            <span className="w-11 text-right font-medium">{formatPercent(s.share, 1)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
