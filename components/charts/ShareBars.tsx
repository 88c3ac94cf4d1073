import { cx } from '@/components/common/cx';
import { FitText } from '@/components/common/FitText';
import { FilterButton } from '@/components/filters/FilterButton';
import type { ClickFilter } from '@/components/filters/useClickFilter';
import type { ExactNumber } from '@/lib/domain/exact-number';
import { formatMoney, formatNumber, formatPercent, moneyFitTexts } from '@/lib/domain/format';
import type { Dimension } from '@/lib/web/overview-params';

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
      <span className="w-10 text-right text-xs text-muted-foreground tv:w-16 tv:text-base">
        {formatPercent(share, 1)}
      </span>
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
 * same figures as text, and its buttons are the keyboard's way to what `onSelect` does on a click.
 */
export function SplitBar({
  parts,
  thin = false,
  onSelect,
}: {
  parts: readonly SplitPart[];
  thin?: boolean;
  /** Click to filter: called with the clicked part's key. */
  onSelect?: (key: string) => void;
}) {
  return (
    <div aria-hidden="true" className={cx('flex overflow-hidden rounded-full bg-muted', thin ? 'h-2' : 'h-3')}>
      {parts.map((p, i) =>
        p.share > 0 ? (
          // A pointer's shortcut only: the legend's buttons do the same from the keyboard.
          // biome-ignore lint/a11y/noStaticElementInteractions: hidden from assistive technology, see above
          // biome-ignore lint/a11y/useKeyWithClickEvents: the legend's buttons are the keyboard's way
          <div
            key={p.key}
            className={cx(
              'h-full border-card last:border-r-0',
              onSelect && 'cursor-pointer hover:opacity-80',
              thin ? 'border-r' : 'border-r-2',
              SHARE_COLORS[i % SHARE_COLORS.length],
            )}
            style={{ width: `${p.share * 100}%` }}
            title={p.title}
            data-key={p.key}
            onClick={onSelect && (() => onSelect(p.key))}
          />
        ) : null,
      )}
    </div>
  );
}

/** The key of the slice that gathers the smallest ones ("Other (3)"): no value to filter on. */
export const OTHER_KEY = '__other';

export interface ShareSlice {
  key: string;
  label: string;
  revenue_cents: ExactNumber;
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
  filter,
}: {
  /** Shown above the bar; omit when the tile's own title says it. */
  title?: string;
  /** Named in the accessible label: "Revenue share by channel". */
  dimension: Dimension;
  slices: readonly ShareSlice[];
  showOrders?: boolean;
  testId?: string;
  /** Click to filter: a slice's bar or label filters the view to it. */
  filter?: ClickFilter;
}) {
  const filterable = (key: string) => (filter && key !== OTHER_KEY ? filter : undefined);
  return (
    <section aria-label={`Revenue share by ${dimension}`} data-testid={testId}>
      {title && <h3 className="mb-1.5 text-xs font-medium text-muted-foreground">{title}</h3>}
      <SplitBar
        parts={slices.map((s) => ({
          key: s.key,
          share: s.share,
          title: `${s.label}: ${formatPercent(s.share)} · ${formatMoney(s.revenue_cents)}`,
        }))}
        onSelect={filter && ((key) => key !== OTHER_KEY && filter.select(dimension, key))}
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
            <FilterButton
              filter={filterable(s.key)}
              dimension={dimension}
              value={s.key}
              label={s.label}
              className="min-w-0 flex-1 truncate text-foreground"
            />
            {showOrders && <span className="text-muted-foreground">{formatNumber(s.orders)} orders</span>}
            {/* A box of its own, so an amount in billions is shortened like the KPI figures ($1.35B). */}
            <FitText
              as="span"
              data-testid="share-amount"
              className={cx('shrink-0 text-right text-muted-foreground', showOrders ? 'w-20' : 'w-[5.5rem]')}
              title={`${formatNumber(s.orders)} orders`}
              texts={moneyFitTexts(s.revenue_cents)}
            />
            <span className="w-11 text-right font-medium">{formatPercent(s.share, 1)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
