'use client';

import { type ChangeEvent, type KeyboardEvent, useId, useRef, useState } from 'react';
import { productHref } from '@/components/common/Breadcrumbs';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { FitText } from '@/components/common/FitText';
import { TEXT_LINK } from '@/components/common/link-class';
import { ScrollTable } from '@/components/common/ScrollTable';
import { Segmented } from '@/components/common/Segmented';
import { TableHeader } from '@/components/common/TableHeader';
import { TileMeta } from '@/components/common/TileMeta';
import { ViewLink } from '@/components/embed/EmbedContext';
import { useWholeRows } from '@/components/hooks/useWholeRows';
import type { Overview, TopProduct } from '@/lib/contract/overview';
import { COMPARISON_NAMES, comparedWith, fitTexts, formatNumber } from '@/lib/domain/format';
import { type OverviewQuery, TOP_LIMITS } from '@/lib/web/overview-params';
import { ShareCell, TABLE_ROW } from './table-parts';

type Sort = 'revenue' | 'units';
/** Columns a wall display narrower than 2xl leaves out, so product names and amounts keep their room. */
const WALL_NARROW = 'tv:max-2xl:hidden';

const SORT_OPTIONS: readonly { value: Sort; label: string }[] = [
  { value: 'revenue', label: 'Revenue' },
  { value: 'units', label: 'Units' },
];

export function TopProducts({
  overview,
  query,
  onChange,
  className,
  wholeRows = false,
}: {
  overview: Overview;
  query: OverviewQuery;
  /** Called with the complete next view (top / top_by changed). */
  onChange: (next: OverviewQuery) => void;
  className?: string;
  /** A screen that never scrolls (TV mode): show only the rows that fit whole. */
  wholeRows?: boolean;
}) {
  const products = overview.top_products;
  const limit = Number(query.top) || overview.top?.limit || 10;
  const sort: Sort =
    query.top_by === 'units' || query.top_by === 'revenue' ? query.top_by : (overview.top?.sort ?? 'revenue');
  const maxShare = products.reduce((m, p) => Math.max(m, p.share), 0);
  const against = comparedWith(overview.previous.compare, overview.range);
  // With compare= chosen, the period compared with gets its own column: the ranked figure there
  // (from the same rows as the rank change), beside this period's.
  const sideBySide = Boolean(query.compare);
  const thenLabel = COMPARISON_NAMES[overview.previous.compare].short;
  const then = (p: TopProduct) => (sort === 'units' ? p.previous_units : p.previous_revenue_cents);
  const limitId = useId();
  const regionRef = useRef<HTMLElement>(null);
  useWholeRows(regionRef, wholeRows, 'tbody > tr');
  // One tab stop for the product links (up to 50): Tab enters at the last one used, the arrow
  // keys move between rows, so the tiles after this one stay a few Tab presses away.
  const [activeLink, setActiveLink] = useState(0);
  const moveLink = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0 || !(event.target instanceof HTMLAnchorElement)) return;
    const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a[data-testid="product-link"]')];
    const next = links[links.indexOf(event.target) + step];
    if (!next) return;
    event.preventDefault();
    next.focus();
  };

  const setLimit = (event: ChangeEvent<HTMLSelectElement>) => {
    const top = event.target.value;
    onChange({ ...query, top: top === '10' ? undefined : top });
  };
  const setSort = (by: Sort) => onChange({ ...query, top_by: by === 'revenue' ? undefined : by });

  return (
    <Card
      title="Popular products"
      description={`Top ${limit} by ${sort}, rank change vs ${against}`}
      className={className}
      bodyClassName="px-0 pt-2 pb-2"
      data-testid="top-products"
      action={
        <div className="flex flex-col items-end gap-2">
          <TileMeta tile="top_products" overview={overview} query={query} subject="the popular products" />
          <div className="flex items-center gap-2 tv:hidden">
            <label htmlFor={limitId} className="sr-only">
              Number of products
            </label>
            <select
              id={limitId}
              data-testid="top-n"
              value={String(limit)}
              onChange={setLimit}
              className="h-7 rounded-md border border-border bg-card px-1.5 text-xs font-medium text-foreground hover:border-border-strong focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
            >
              {TOP_LIMITS.map((n) => (
                <option key={n} value={n}>
                  Top {n}
                </option>
              ))}
            </select>
            <Segmented
              label="Rank products by"
              testId="top-by"
              value={sort}
              options={SORT_OPTIONS}
              onChange={setSort}
            />
          </div>
        </div>
      }
    >
      {products.length === 0 ? (
        <div className="px-5 pb-3">
          <EmptyState title="No products sold in this range" hint="Try a longer range or fewer filters." />
        </div>
      ) : (
        <ScrollTable
          regionRef={regionRef}
          caption={
            <>
              Top {limit} products by {sort}, with rank change vs {against}
            </>
          }
          // A phone scrolls the table sideways rather than squeezing the Product column to nothing;
          // a wall shows the rows that fit, without a scroll bar, and fewer columns where narrow.
          scrollClassName="max-h-[468px] rounded-none tv:h-full tv:max-h-none tv:overflow-hidden"
          tableClassName={cx(
            'w-full table-fixed text-[13px] tabular-nums tv:min-w-0 tv:text-base',
            sideBySide ? 'min-w-[660px]' : 'min-w-[560px]',
          )}
        >
          <colgroup>
            <col className="w-11" />
            <col className={cx('w-12', WALL_NARROW)} />
            <col />
            <col className="w-[128px] tv:hidden" />
            <col className="w-14 tv:w-16" />
            <col className="w-[100px] tv:w-36" />
            {sideBySide && <col className={cx('w-[100px] tv:w-36', WALL_NARROW)} />}
            <col className={cx('w-[100px] tv:w-36', WALL_NARROW)} />
          </colgroup>
          <TableHeader
            columns={[
              { key: 'rank', label: '#', className: 'pl-5' },
              {
                key: 'move',
                className: WALL_NARROW,
                label: (
                  <>
                    <span className="sr-only">Rank change</span>
                    <span aria-hidden="true">±</span>
                  </>
                ),
              },
              { key: 'product', label: 'Product' },
              { key: 'category', label: 'Category', className: 'tv:hidden' },
              { key: 'units', label: 'Units', align: 'right' },
              { key: 'revenue', label: 'Revenue', align: 'right' },
              ...(sideBySide
                ? [
                    {
                      key: 'then',
                      align: 'right' as const,
                      className: WALL_NARROW,
                      label: (
                        <span data-testid="top-then-header">
                          <span className="sr-only">{sort === 'units' ? 'Units' : 'Revenue'}, </span>
                          {thenLabel.charAt(0).toUpperCase()}
                          {thenLabel.slice(1)}
                        </span>
                      ),
                    },
                  ]
                : []),
              { key: 'share', label: 'Share', className: cx('pr-5 pl-3', WALL_NARROW) },
            ]}
          />
          <tbody onKeyDown={moveLink}>
            {products.map((p, i) => (
              <tr key={p.sku} data-testid="top-product-row" data-sku={p.sku} data-rank={p.rank} className={TABLE_ROW}>
                <td className="py-2 pl-5 text-xs text-muted-foreground tv:text-base">{p.rank}</td>
                <td className={cx('py-2', WALL_NARROW)}>
                  <RankMove product={p} />
                </td>
                <td className="truncate py-2 pr-3 font-medium" title={`${p.name} (${p.sku})`}>
                  <ViewLink
                    href={productHref(p.sku, query)}
                    data-testid="product-link"
                    tabIndex={i === Math.min(activeLink, products.length - 1) ? 0 : -1}
                    onFocus={() => setActiveLink(i)}
                    aria-keyshortcuts="ArrowUp ArrowDown"
                    className={TEXT_LINK}
                  >
                    {p.name}
                  </ViewLink>
                </td>
                <td className="truncate py-2 pr-2 text-muted-foreground tv:hidden" title={p.category}>
                  {p.category}
                </td>
                <td className={cx('py-2 text-right', sort === 'units' && 'font-medium')}>{formatNumber(p.units)}</td>
                <td className={cx('py-2 pl-2 text-right', sort === 'revenue' && 'font-medium')}>
                  <FitText as="span" className="block" texts={fitTexts(p.revenue_cents, 'money')} />
                </td>
                {sideBySide && (
                  <td
                    data-testid="top-then"
                    data-value={String(then(p))}
                    className={cx('py-2 pl-2 text-right text-muted-foreground', WALL_NARROW)}
                  >
                    {sort === 'units' ? (
                      formatNumber(then(p))
                    ) : (
                      <FitText as="span" className="block" texts={fitTexts(then(p), 'money')} />
                    )}
                  </td>
                )}
                <ShareCell share={p.share} max={maxShare} className={WALL_NARROW} />
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </Card>
  );
}

/** ▲3 / ▼1 / "new" / "=": rank in this period against the one compared with. */
function RankMove({ product }: { product: TopProduct }) {
  const prev = product.previous_rank;
  const delta = prev === null ? null : prev - product.rank;
  const [text, label, tone] =
    delta === null
      ? ['new', 'new in the ranking', 'bg-accent-soft text-accent']
      : delta > 0
        ? [`▲${delta}`, `up ${delta} from rank ${prev}`, 'text-success-foreground']
        : delta < 0
          ? [`▼${-delta}`, `down ${-delta} from rank ${prev}`, 'text-danger-foreground']
          : ['=', 'unchanged rank', 'text-subtle-foreground'];
  return (
    <span
      data-testid="rank-move"
      data-move={delta === null ? 'new' : delta}
      title={label}
      className={cx('inline-flex h-5 items-center rounded px-1 text-[11px] font-semibold tv:h-6 tv:text-base', tone)}
    >
      <span aria-hidden="true">{text}</span>
      <span className="sr-only">{label}</span>
    </span>
  );
}
