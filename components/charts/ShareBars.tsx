import { formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { cx } from '../common/cx';

/** Colours of the parts of a split bar, by position (a part keeps its colour in the legend). */
export const SHARE_COLORS = ['bg-chart-1', 'bg-chart-2', 'bg-chart-3', 'bg-chart-4', 'bg-chart-5', 'bg-chart-6'];

/**
 * A ranked row's share as a bar (scaled to the largest row, so the leader fills it) and as a
 * percentage of the total: the "Share" cell of a ranking table.
 */
export function ShareBar({ share, max }: { share: number; max: number }) {
  return (
    <div className="flex items-center gap-2" title={`${formatPercent(share)} of revenue`}>
      <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-muted">
        <div className="h-full rounded-full bg-chart-1" style={{ width: `${max > 0 ? (share / max) * 100 : 0}%` }} />
      </div>
      <span className="w-10 text-right text-xs text-muted-foreground">{formatPercent(share, 1)}</span>
    </div>
  );
}

export interface SplitPart {
  key: string;
  /** 0–1 of the whole. */
  share: number;
  /** Tooltip of the part. */
  title: string;
}

/**
 * One 100 % bar split into parts, coloured by position in `parts` (empty parts take no room
 * but keep their colour). Hidden from assistive technology: a legend beside it carries the
 * same figures as text.
 */
export function SplitBar({ parts, thin = false }: { parts: readonly SplitPart[]; thin?: boolean }) {
  return (
    <div aria-hidden="true" className={cx('flex overflow-hidden rounded-full bg-muted', thin ? 'h-2' : 'h-3')}>
      {parts.map((p, i) =>
        p.share > 0 ? (
          <div
            key={p.key}
            className={cx(
              'h-full border-card last:border-r-0',
              thin ? 'border-r' : 'border-r-2',
              SHARE_COLORS[i % SHARE_COLORS.length],
            )}
            style={{ width: `${p.share * 100}%` }}
            title={p.title}
          />
        ) : null,
      )}
    </div>
  );
}

export interface ShareSlice {
  key: string;
  label: string;
  revenue_cents: number;
  orders: number;
  share: number;
}

/**
 * Share of revenue by one dimension: a split bar, and a legend row per slice with its revenue
 * (and orders when asked) and share.
 */
export function ShareBreakdown({
  title,
  dimension,
  slices,
  showOrders = false,
  testId,
}: {
  /** Shown above the bar; omit when the tile's own title says it. */
  title?: string;
  /** Named in the accessible label: "Revenue share by channel". */
  dimension: string;
  slices: readonly ShareSlice[];
  showOrders?: boolean;
  testId?: string;
}) {
  return (
    <section aria-label={`Revenue share by ${dimension}`} data-testid={testId}>
      {title && <h3 className="mb-1.5 text-xs font-medium text-muted-foreground">{title}</h3>}
      <SplitBar
        parts={slices.map((s) => ({
          key: s.key,
          share: s.share,
          title: `${s.label}: ${formatPercent(s.share)} · ${formatMoney(s.revenue_cents)}`,
        }))}
      />
      <ul
        className={cx('mt-2.5 grid grid-cols-1 gap-x-6 gap-y-1 text-xs tabular-nums', !showOrders && 'sm:grid-cols-2')}
      >
        {slices.map((s, i) => (
          <li key={s.key} data-key={s.key} data-share={s.share} className="flex items-center gap-2">
            <span
              aria-hidden="true"
              className={cx('size-2 shrink-0 rounded-sm', SHARE_COLORS[i % SHARE_COLORS.length])}
            />
            <span className="min-w-0 flex-1 truncate text-foreground" title={s.label}>
              {s.label}
            </span>
            {showOrders && <span className="text-muted-foreground">{formatNumber(s.orders)} orders</span>}
            <span
              className={cx('text-muted-foreground', showOrders && 'w-20 text-right')}
              title={`${formatNumber(s.orders)} orders`}
            >
              {formatMoney(s.revenue_cents)}
            </span>
            <span className="w-11 text-right font-medium">{formatPercent(s.share, 1)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
