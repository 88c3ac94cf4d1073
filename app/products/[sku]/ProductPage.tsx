'use client';

import Link from 'next/link';
import { useEffect, useId, useMemo } from 'react';
import { Demographics } from '../../../components/charts/Demographics';
import { RevenueTrend } from '../../../components/charts/RevenueTrend';
import { ShareBar, ShareBreakdown } from '../../../components/charts/ShareBars';
import { AppHeader } from '../../../components/common/AppHeader';
import { Breadcrumbs, dashboardHref, storeHref } from '../../../components/common/Breadcrumbs';
import { Card } from '../../../components/common/Card';
import { cx } from '../../../components/common/cx';
import { EmptyState } from '../../../components/common/EmptyState';
import { FreshnessBadge } from '../../../components/common/FreshnessBadge';
import { TEXT_LINK } from '../../../components/common/link-class';
import { PollingNotice } from '../../../components/common/PollingNotice';
import { ScrollRegion } from '../../../components/common/ScrollRegion';
import { TableHeader } from '../../../components/common/TableHeader';
import { CHANNEL_LABELS, FilterBar } from '../../../components/filters/FilterBar';
import { useLiveProduct } from '../../../components/hooks/useLiveProduct';
import { useViewQuery } from '../../../components/hooks/useViewQuery';
import {
  formatChangePercent,
  formatDuration,
  formatMoney,
  formatNumber,
  formatSigned,
  setReportingCurrency,
} from '../../../lib/format';
import { type OverviewQuery, productViewKey } from '../../../lib/overview-params';
import type { FilterOptions, MixSlice, ProductDetail, Totals } from '../../../lib/queries/overview.types';

export interface ProductPageProps {
  sku: string;
  /** The view as parsed from the URL by the server (already validated). */
  query: OverviewQuery;
  /** `getProductDetail(sku, parseOverviewQuery(query))`, shown until the first refresh. */
  initialDetail: ProductDetail;
  filterOptions: FilterOptions;
  /** ISO 4217 reporting currency (the product API does not carry it). */
  currency: string;
}

export function ProductPage({ sku, query: serverQuery, initialDetail, filterOptions, currency }: ProductPageProps) {
  setReportingCurrency(currency);
  const { query, navigate, isPending } = useViewQuery(serverQuery);
  const initial = useMemo(
    () => ({ key: productViewKey(sku, serverQuery), data: initialDetail }),
    [sku, serverQuery, initialDetail],
  );
  const live = useLiveProduct(sku, query, initial);
  const detail = live.data;
  const loading = !live.isCurrent || isPending;

  // Same as the dashboard: a URL without a zone gets the browser's, replacing the entry.
  useEffect(() => {
    if (query.tz) return;
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz) navigate({ ...query, tz }, { replace: true });
  }, [query, navigate]);

  const { product } = detail;
  return (
    <div className="min-h-screen">
      <AppHeader>
        <FreshnessBadge status={live.status} freshness={detail.freshness} />
      </AppHeader>

      <main className="mx-auto flex max-w-[1280px] flex-col gap-4 px-6 pt-5 pb-10">
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

        <FilterBar
          query={query}
          options={filterOptions}
          onChange={navigate}
          busy={loading}
          range={detail.range}
          tz={detail.tz}
        />

        <PollingNotice status={live.status} pollError={live.pollError} />

        <div
          aria-busy={loading || undefined}
          className={cx('flex flex-col gap-4 transition-opacity duration-200', !live.isCurrent && 'opacity-60')}
        >
          <ProductKpis detail={detail} />
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-12">
            <div className="lg:col-span-8">
              <RevenueTrend
                data={detail}
                previous={{ totals: detail.previous_totals }}
                title="Trend"
                testId="product-trend"
                emptyText="No sales of this product in this range"
              />
            </div>
            <ChannelMix channels={detail.channels} className="lg:col-span-4" />
          </div>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-12">
            <StoresTable stores={detail.stores} query={query} className="lg:col-span-7" />
            <Demographics
              demographics={detail.demographics}
              subject="this product"
              testId="product-demographics"
              className="lg:col-span-5"
            />
          </div>
        </div>
      </main>
    </div>
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

function ProductKpis({ detail }: { detail: ProductDetail }) {
  const spanMs = Date.parse(detail.range.to) - Date.parse(detail.range.from);
  return (
    <section aria-labelledby="product-kpi-heading" data-testid="product-kpis">
      <h2 id="product-kpi-heading" className="mb-2 px-1 text-xs text-muted-foreground">
        <span className="font-medium text-foreground">Key figures</span> · change vs the previous{' '}
        {formatDuration(spanMs)}
      </h2>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {KPIS.map((k) => {
          const value = detail.totals[k.key];
          const previous = detail.previous_totals[k.key];
          const change = value - previous;
          const fmt = k.money ? formatMoney : formatNumber;
          const direction = previous === 0 || change === 0 ? 'flat' : change > 0 ? 'up' : 'down';
          return (
            <section key={k.id} className="min-w-0 rounded-xl border border-border bg-card px-5 pt-4 pb-4 shadow-xs">
              <h3 className="text-[13px] font-medium text-muted-foreground">{k.label}</h3>
              <p
                data-testid={`kpi-${k.id}`}
                data-value={value}
                className="mt-1.5 text-[28px] leading-8 font-semibold tracking-tight tabular-nums"
              >
                {fmt(value)}
              </p>
              <p
                data-testid={`kpi-${k.id}-change`}
                data-change={change}
                title={`Previous period: ${fmt(previous)}`}
                className={cx(
                  'mt-1 flex items-center gap-1.5 text-xs font-medium whitespace-nowrap tabular-nums',
                  direction === 'up' && 'text-success-foreground',
                  direction === 'down' && 'text-danger-foreground',
                  direction === 'flat' && 'text-muted-foreground',
                )}
              >
                {previous === 0 ? (
                  <span>
                    — <span className="font-normal">no previous data</span>
                  </span>
                ) : (
                  <>
                    <span aria-hidden="true">{direction === 'up' ? '▲' : direction === 'down' ? '▼' : '='}</span>
                    <span>{formatSigned(change, k.money ? 'money' : 'number')}</span>
                    <span className="opacity-80">({formatChangePercent(value, previous)})</span>
                    <span className="sr-only"> vs previous period</span>
                  </>
                )}
              </p>
            </section>
          );
        })}
      </div>
    </section>
  );
}

function StoresTable({ stores, query, className }: { stores: MixSlice[]; query: OverviewQuery; className?: string }) {
  const captionId = useId();
  const rows = [...stores].sort((a, b) => b.revenue_cents - a.revenue_cents);
  const maxShare = rows.reduce((m, s) => Math.max(m, s.share), 0);
  return (
    <Card
      title="Stores"
      description="Where it sells in this range · share of the product’s revenue"
      className={className}
      bodyClassName="px-0 pt-2 pb-2"
      data-testid="product-stores"
    >
      {rows.length === 0 ? (
        <div className="px-5 pb-3">
          <EmptyState title="Not sold in this range" hint="Try a longer range or fewer filters." />
        </div>
      ) : (
        <ScrollRegion labelledBy={captionId} className="max-h-[420px] rounded-none">
          <table className="w-full table-fixed text-[13px] tabular-nums">
            <caption id={captionId} className="sr-only">
              Revenue, orders and share of revenue per store
            </caption>
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
                  className="border-b border-border/70 last:border-b-0 hover:bg-muted/60"
                >
                  <td className="truncate py-2 pl-5 font-medium">
                    <Link href={storeHref(s.key, query)} data-testid="store-link" className={TEXT_LINK}>
                      {s.key}
                    </Link>
                  </td>
                  <td className="py-2 text-right font-medium">{formatMoney(s.revenue_cents)}</td>
                  <td className="py-2 text-right">{formatNumber(s.orders)}</td>
                  <td className="py-2 pr-5 pl-3">
                    <ShareBar share={s.share} max={maxShare} />
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

function ChannelMix({ channels, className }: { channels: MixSlice[]; className?: string }) {
  const slices = channels.map((s) => ({ ...s, label: CHANNEL_LABELS[s.key] ?? s.key }));
  return (
    <Card
      title="Channel mix"
      description="Share of the product’s revenue by channel"
      className={className}
      data-testid="product-channels"
    >
      {slices.length === 0 ? (
        <EmptyState title="Not sold in this range" hint="The mix appears with the first sale." />
      ) : (
        <ShareBreakdown dimension="channel" slices={slices} showOrders />
      )}
    </Card>
  );
}
