'use client';

import Link from 'next/link';
import { type ChangeEvent, type KeyboardEvent, useId, useState } from 'react';
import { formatMoney, formatNumber } from '../../lib/format';
import { type OverviewQuery, TOP_LIMITS } from '../../lib/overview-params';
import type { Overview, TopProduct } from '../../lib/queries/overview.types';
import { ShareBar } from '../charts/ShareBars';
import { productHref } from '../common/Breadcrumbs';
import { Card } from '../common/Card';
import { cx } from '../common/cx';
import { EmptyState } from '../common/EmptyState';
import { TEXT_LINK } from '../common/link-class';
import { ScrollRegion } from '../common/ScrollRegion';
import { Segmented } from '../common/Segmented';
import { TableHeader } from '../common/TableHeader';
import { TileMeta } from '../common/TileMeta';

type Sort = 'revenue' | 'units';
const SORT_OPTIONS: readonly { value: Sort; label: string }[] = [
  { value: 'revenue', label: 'Revenue' },
  { value: 'units', label: 'Units' },
];

export function TopProducts({
  overview,
  query,
  onChange,
  className,
}: {
  overview: Overview;
  query: OverviewQuery;
  /** Called with the complete next view (top / top_by changed). */
  onChange: (next: OverviewQuery) => void;
  className?: string;
}) {
  const products = overview.top_products;
  const limit = Number(query.top) || overview.top?.limit || 10;
  const sort: Sort =
    query.top_by === 'units' || query.top_by === 'revenue' ? query.top_by : (overview.top?.sort ?? 'revenue');
  const maxShare = products.reduce((m, p) => Math.max(m, p.share), 0);
  const captionId = useId();
  const limitId = useId();
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
      description={`Top ${limit} by ${sort}, rank change vs the previous period`}
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
        <ScrollRegion labelledBy={captionId} className="max-h-[468px] rounded-none tv:max-h-none">
          <table className="w-full table-fixed text-[13px] tabular-nums">
            <caption id={captionId} className="sr-only">
              Top {limit} products by {sort}, with rank change since the previous period
            </caption>
            <colgroup>
              <col className="w-11" />
              <col className="w-12" />
              <col />
              <col className="w-[128px]" />
              <col className="w-14" />
              <col className="w-[100px]" />
              <col className="w-[100px]" />
            </colgroup>
            <TableHeader
              columns={[
                { key: 'rank', label: '#', className: 'pl-5' },
                {
                  key: 'move',
                  label: (
                    <>
                      <span className="sr-only">Rank change</span>
                      <span aria-hidden="true">±</span>
                    </>
                  ),
                },
                { key: 'product', label: 'Product' },
                { key: 'category', label: 'Category' },
                { key: 'units', label: 'Units', align: 'right' },
                { key: 'revenue', label: 'Revenue', align: 'right' },
                { key: 'share', label: 'Share', className: 'pr-5 pl-3' },
              ]}
            />
            <tbody onKeyDown={moveLink}>
              {products.map((p, i) => (
                <tr
                  key={p.sku}
                  data-testid="top-product-row"
                  data-sku={p.sku}
                  data-rank={p.rank}
                  className="border-b border-border/70 last:border-b-0 hover:bg-muted/60"
                >
                  <td className="py-2 pl-5 text-xs text-muted-foreground">{p.rank}</td>
                  <td className="py-2">
                    <RankMove product={p} />
                  </td>
                  <td className="truncate py-2 pr-3 font-medium" title={`${p.name} (${p.sku})`}>
                    <Link
                      href={productHref(p.sku, query)}
                      data-testid="product-link"
                      tabIndex={i === Math.min(activeLink, products.length - 1) ? 0 : -1}
                      onFocus={() => setActiveLink(i)}
                      aria-keyshortcuts="ArrowUp ArrowDown"
                      className={TEXT_LINK}
                    >
                      {p.name}
                    </Link>
                  </td>
                  <td className="truncate py-2 pr-2 text-muted-foreground" title={p.category}>
                    {p.category}
                  </td>
                  <td className={cx('py-2 text-right', sort === 'units' && 'font-medium')}>{formatNumber(p.units)}</td>
                  <td className={cx('py-2 pl-2 text-right', sort === 'revenue' && 'font-medium')}>
                    {formatMoney(p.revenue_cents)}
                  </td>
                  <td className="py-2 pr-5 pl-3">
                    <ShareBar share={p.share} max={maxShare} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </Card>
  );
}

/** ▲3 / ▼1 / "new" / "=": rank in this period against the previous one. */
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
      className={cx('inline-flex h-5 items-center rounded px-1 text-[11px] font-semibold', tone)}
    >
      <span aria-hidden="true">{text}</span>
      <span className="sr-only">{label}</span>
    </span>
  );
}
