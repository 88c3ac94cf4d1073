'use client';

import { useMemo } from 'react';
import { Demographics } from '@/components/charts/Demographics';
import { RevenueTrend } from '@/components/charts/RevenueTrend';
import { ShareBreakdown } from '@/components/charts/ShareBars';
import { Breadcrumbs, dashboardHref, storeHref } from '@/components/common/Breadcrumbs';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { FreshnessBadge } from '@/components/common/FreshnessBadge';
import { LiveViewLayout, TileRow } from '@/components/common/LiveViewLayout';
import { TEXT_LINK } from '@/components/common/link-class';
import { ScrollTable } from '@/components/common/ScrollTable';
import { TableHeader } from '@/components/common/TableHeader';
import { ProductTileMeta } from '@/components/common/TileMeta';
import type { Chrome } from '@/components/common/ViewHeader';
import { useEmbedView, ViewLink } from '@/components/embed/EmbedContext';
import { CHANNEL_LABELS, FilterBar } from '@/components/filters/FilterBar';
import { FilterButton } from '@/components/filters/FilterButton';
import { type ClickFilter, useClickFilter } from '@/components/filters/useClickFilter';
import { answeredView, useBrowserTimeZone } from '@/components/hooks/useBrowserTimeZone';
import { useLiveProduct } from '@/components/hooks/useLiveProduct';
import { useViewQuery } from '@/components/hooks/useViewQuery';
import { KpiChange, KpiFigure } from '@/components/kpi/KpiCards';
import { ShareCell, TABLE_ROW } from '@/components/tables/table-parts';
import type { FilterOptions, ProductDetail, Totals } from '@/lib/contract/overview';
import { compareExact } from '@/lib/domain/exact-number';
import { comparedWith, formatMoney, formatNumber, setReportingCurrency } from '@/lib/domain/format';
import { type OverviewQuery, productViewKey } from '@/lib/web/overview-params';

export interface ProductPageProps {
  sku: string;
  /** The view as parsed from the URL by the server (already validated). */
  query: OverviewQuery;
  /** `getProductDetail(sku, parseOverviewQuery(query))`, shown until the first refresh. */
  initialDetail: ProductDetail;
  filterOptions: FilterOptions;
  /** ISO 4217 reporting currency (the product API does not carry it). */
  currency: string;
  /** Pulse's header (`full`, default), or none for a portal's iframe (`embed`). */
  chrome?: Chrome;
}

export function ProductPage({
  sku,
  query: serverQuery,
  initialDetail,
  filterOptions,
  currency,
  chrome = 'full',
}: ProductPageProps) {
  setReportingCurrency(currency);
  const { query: urlQuery, navigate, isPending } = useViewQuery(serverQuery);
  const query = useBrowserTimeZone(urlQuery);
  useEmbedView(query, navigate);
  const filter = useClickFilter(query, filterOptions.stores, navigate);
  const initial = useMemo(
    () => ({ key: productViewKey(sku, answeredView(serverQuery, query, initialDetail.tz)), data: initialDetail }),
    [sku, serverQuery, query, initialDetail],
  );
  const live = useLiveProduct(sku, query, initial);
  const detail = live.data;
  const loading = !live.isCurrent || isPending;

  const { product } = detail;
  return (
    <LiveViewLayout
      chrome={chrome}
      query={query}
      status={<FreshnessBadge status={live.status} freshness={detail.freshness} />}
      intro={
        <>
          <Breadcrumbs items={[{ label: 'Dashboard', href: dashboardHref(query) }, { label: product.name }]} />
          <header className="flex flex-wrap items-end justify-between gap-x-6 gap-y-1">
            <div className="min-w-0">
              <h2 data-testid="product-name" className="truncate text-xl font-semibold tracking-tight">
                {product.name}
              </h2>
              <p className="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
                <span>
                  SKU{' '}
                  <code data-testid="product-sku" className="font-mono text-foreground">
                    {product.sku}
                  </code>
                </span>
                <span aria-hidden="true">·</span>
                <span className="rounded bg-muted px-1.5 py-px font-medium text-foreground">{product.category}</span>
              </p>
            </div>
          </header>
        </>
      }
      filters={
        <FilterBar
          query={query}
          options={filterOptions}
          onChange={navigate}
          busy={loading}
          range={detail.range}
          tz={detail.tz}
        />
      }
      live={live}
      loading={loading}
    >
      <ProductKpis detail={detail} query={query} />
      <TileRow>
        <div className="lg:col-span-8">
          <RevenueTrend
            data={detail}
            previous={{ compare: detail.compare, totals: detail.previous_totals }}
            title="Trend"
            testId="product-trend"
            emptyText="No sales of this product in this range"
            meta={<ProductTileMeta tile="trend" detail={detail} query={query} subject="the product’s trend" />}
          />
        </div>
        <ChannelMix detail={detail} query={query} filter={filter} className="lg:col-span-4" />
      </TileRow>
      <TileRow>
        <StoresTable detail={detail} query={query} filter={filter} className="lg:col-span-7" />
        <Demographics
          demographics={detail.demographics}
          subject="this product"
          testId="product-demographics"
          filter={filter}
          meta={<ProductTileMeta tile="demographics" detail={detail} query={query} subject="who buys the product" />}
          className="lg:col-span-5"
        />
      </TileRow>
    </LiveViewLayout>
  );
}

const KPIS: readonly {
  id: 'revenue' | 'units' | 'orders' | 'aov';
  key: keyof Totals;
  label: string;
  money: boolean;
}[] = [
  { id: 'revenue', key: 'revenue_cents', label: 'Revenue', money: true },
  { id: 'units', key: 'units', label: 'Units sold', money: false },
  { id: 'orders', key: 'orders', label: 'Orders containing it', money: false },
  { id: 'aov', key: 'aov_cents', label: 'Revenue per order', money: true },
];

function ProductKpis({ detail, query }: { detail: ProductDetail; query: OverviewQuery }) {
  const against = comparedWith(detail.compare, detail.range);
  return (
    <section aria-labelledby="product-kpi-heading" data-testid="product-kpis">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-x-3 gap-y-1 px-1">
        <h2 id="product-kpi-heading" data-testid="kpi-compared-with" className="text-xs text-muted-foreground">
          <span className="font-medium text-foreground">Key figures</span> · change vs {against}
        </h2>
        <ProductTileMeta tile="kpis" detail={detail} query={query} subject="the product’s key figures" />
      </div>
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        {KPIS.map((k) => {
          const value = detail.totals[k.key];
          return (
            <section key={k.id} className="min-w-0 rounded-xl border border-border bg-card px-5 pt-4 pb-4 shadow-xs">
              <h3 className="text-[13px] font-medium text-muted-foreground">{k.label}</h3>
              <KpiFigure id={k.id} value={value} money={k.money} />
              <KpiChange
                id={k.id}
                value={value}
                previous={detail.previous_totals[k.key]}
                against={against}
                money={k.money}
              />
            </section>
          );
        })}
      </div>
    </section>
  );
}

function StoresTable({
  detail,
  query,
  filter,
  className,
}: {
  detail: ProductDetail;
  query: OverviewQuery;
  /** Click to filter: the funnel beside a store filters this page to it (its link opens the store's dashboard). */
  filter: ClickFilter;
  className?: string;
}) {
  const rows = [...detail.stores].sort((a, b) => compareExact(b.revenue_cents, a.revenue_cents));
  const maxShare = rows.reduce((m, s) => Math.max(m, s.share), 0);
  return (
    <Card
      title="Stores"
      description="Where it sells in this range · share of the product’s revenue"
      action={<ProductTileMeta tile="stores" detail={detail} query={query} subject="the product’s stores" />}
      className={className}
      bodyClassName="px-0 pt-2 pb-2"
      data-testid="product-stores"
    >
      {rows.length === 0 ? (
        <div className="px-5 pb-3">
          <EmptyState title="Not sold in this range" hint="Try a longer range or fewer filters." />
        </div>
      ) : (
        <ScrollTable
          caption="Revenue, orders and share of revenue per store"
          scrollClassName="max-h-[420px] rounded-none"
          tableClassName="w-full min-w-[420px] table-fixed text-[13px] tabular-nums"
        >
          <colgroup>
            <col />
            <col className="w-[110px]" />
            <col className="w-20" />
            <col className="w-[120px]" />
          </colgroup>
          <TableHeader
            columns={[
              { key: 'store', label: 'Store', className: 'pl-5' },
              { key: 'revenue', label: 'Revenue', align: 'right' },
              { key: 'orders', label: 'Orders', align: 'right' },
              { key: 'share', label: 'Share', className: 'pr-5 pl-3' },
            ]}
          />
          <tbody>
            {rows.map((s) => (
              <tr
                key={s.key}
                data-testid="product-store-row"
                data-store={s.key}
                data-revenue={s.revenue_cents}
                className={TABLE_ROW}
              >
                <td className="py-2 pl-5 font-medium">
                  <span className="flex min-w-0 items-center gap-1.5">
                    <ViewLink
                      href={storeHref(s.key, query)}
                      data-testid="store-link"
                      className={cx('truncate', TEXT_LINK)}
                    >
                      {s.key}
                    </ViewLink>
                    <FilterButton
                      filter={filter}
                      dimension="store"
                      value={s.key}
                      label={`store ${s.key}`}
                      className="inline-flex size-5 shrink-0 items-center justify-center text-muted-foreground hover:text-foreground aria-pressed:text-accent"
                    >
                      <FunnelIcon />
                    </FilterButton>
                  </span>
                </td>
                <td className="py-2 text-right font-medium">{formatMoney(s.revenue_cents)}</td>
                <td className="py-2 text-right">{formatNumber(s.orders)}</td>
                <ShareCell share={s.share} max={maxShare} />
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </Card>
  );
}

function ChannelMix({
  detail,
  query,
  filter,
  className,
}: {
  detail: ProductDetail;
  query: OverviewQuery;
  filter: ClickFilter;
  className?: string;
}) {
  const slices = detail.channels.map((s) => ({ ...s, label: CHANNEL_LABELS[s.key] ?? s.key }));
  return (
    <Card
      title="Channel mix"
      description="Share of the product’s revenue by channel"
      action={<ProductTileMeta tile="channels" detail={detail} query={query} subject="the product’s channel mix" />}
      className={className}
      data-testid="product-channels"
    >
      {slices.length === 0 ? (
        <EmptyState title="Not sold in this range" hint="The mix appears with the first sale." />
      ) : (
        <ShareBreakdown dimension="channel" slices={slices} showOrders filter={filter} />
      )}
    </Card>
  );
}

function FunnelIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5">
      <path
        d="M2.5 3h11l-4.2 5v4.5l-2.6-1.3V8z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
    </svg>
  );
}
