'use client';

import { useMemo } from 'react';
import { AlertsPanel } from '@/components/alerts/AlertsPanel';
import { Demographics } from '@/components/charts/Demographics';
import { Mix } from '@/components/charts/Mix';
import { RevenueTrend } from '@/components/charts/RevenueTrend';
import { FreshnessBadge } from '@/components/common/FreshnessBadge';
import { LiveViewLayout, TileRow } from '@/components/common/LiveViewLayout';
import { TileMeta } from '@/components/common/TileMeta';
import type { Chrome } from '@/components/common/ViewHeader';
import { TvToggle } from '@/components/display/TvToggle';
import { useTvMode } from '@/components/display/useTvMode';
import { useEmbedView } from '@/components/embed/EmbedContext';
import { ActiveFilters } from '@/components/filters/ActiveFilters';
import { FilterBar } from '@/components/filters/FilterBar';
import { activePreset } from '@/components/filters/range-presets';
import { useClickFilter } from '@/components/filters/useClickFilter';
import { answeredView, useBrowserTimeZone } from '@/components/hooks/useBrowserTimeZone';
import { useLiveOverview } from '@/components/hooks/useLiveOverview';
import { useViewQuery, type ViewRoute } from '@/components/hooks/useViewQuery';
import { KpiCards } from '@/components/kpi/KpiCards';
import { Movers } from '@/components/tables/Movers';
import { OrderTicker } from '@/components/tables/OrderTicker';
import { TopProducts } from '@/components/tables/TopProducts';
import type { FilterOptions, Overview } from '@/lib/contract/overview';
import { setReportingCurrency } from '@/lib/domain/format';
import { type OverviewQuery, viewKey } from '@/lib/web/overview-params';

export interface DashboardPageProps {
  /** The view as parsed from the URL by the server (`toOverviewQuery`, already validated). */
  query: OverviewQuery;
  /** `getOverview(parseOverviewQuery(query))`, rendered until live data arrives. */
  initialOverview: Overview;
  filterOptions: FilterOptions;
  /** The path of a view chosen here; default: this page's path. */
  route?: ViewRoute;
  /** Pulse's header (`full`, default), or none for a portal's iframe (`embed`, app/embed/**). */
  chrome?: Chrome;
}

export function DashboardPage({
  query: serverQuery,
  initialOverview,
  filterOptions,
  route,
  chrome = 'full',
}: DashboardPageProps) {
  const { query: urlQuery, navigate, isPending } = useViewQuery(serverQuery, route);
  const query = useBrowserTimeZone(urlQuery);
  useEmbedView(query, navigate);
  const filter = useClickFilter(query, filterOptions.stores, navigate);
  const initial = useMemo(
    () => ({ key: viewKey(answeredView(serverQuery, query, initialOverview.tz)), data: initialOverview }),
    [serverQuery, query, initialOverview],
  );
  const live = useLiveOverview(query, initial);
  const overview = live.data;
  setReportingCurrency(overview.currency);
  const loading = !live.isCurrent || isPending;
  // TV mode (?tv=1, for wall displays): `tv:` classes enlarge and widen; the filter bar gives way to a legend.
  const { tv, setTv } = useTvMode();

  return (
    <LiveViewLayout
      chrome={chrome}
      query={query}
      tv={tv}
      status={<FreshnessBadge status={live.status} freshness={overview.freshness} />}
      controls={<TvToggle tv={tv} onToggle={() => setTv(!tv, { fullscreen: true })} />}
      mainClassName="tv:max-w-none tv:px-8 tv:pt-4 tv:pb-6"
      // One wall screen: the key figures, then the trend, the popular products and the live
      // orders side by side, filling the rest of the height, in type readable across a room
      // (16 px and up). The customers, movers and mix tiles stay off the wall on purpose: they
      // are read up close (many small labels, and filters to click); at 1280 × 720 a fourth
      // column or a third row would push every figure under readable size or cut rows.
      tilesClassName="tv:grid tv:grid-cols-12 tv:grid-rows-[auto_minmax(0,1fr)]"
      filters={
        tv ? (
          <ActiveFilters query={query} />
        ) : (
          <FilterBar
            query={query}
            options={filterOptions}
            onChange={navigate}
            busy={loading}
            range={overview.range}
            tz={overview.tz}
          />
        )
      }
      live={live}
      loading={loading}
    >
      <KpiCards overview={overview} query={query} />
      <TileRow>
        <div className="lg:col-span-8 tv:col-span-5 tv:min-h-0">
          <RevenueTrend
            data={overview}
            previous={overview.previous}
            live={activePreset(query) === '15m'}
            meta={<TileMeta tile="trend" overview={overview} query={query} subject="the sales trend" />}
          />
        </div>
        <OrderTicker
          overview={overview}
          dataKey={live.dataKey}
          query={query}
          // A wall has no pointer: no "hover to pause" line; the list shows the rows that fit, in
          // type readable across a room.
          className="lg:col-span-4 tv:order-last tv:col-span-3 tv:[&_li]:text-base tv:[&_li_*]:text-base tv:[&>header_p]:hidden"
          wholeRows={tv}
        />
      </TileRow>
      <TileRow>
        <TopProducts
          overview={overview}
          query={query}
          onChange={navigate}
          className="lg:col-span-7 tv:col-span-4"
          wholeRows={tv}
        />
        <Demographics
          demographics={overview.demographics}
          filter={filter}
          meta={<TileMeta tile="demographics" overview={overview} query={query} subject="the customer figures" />}
          className="lg:col-span-5 tv:hidden"
        />
      </TileRow>
      <TileRow>
        <Movers overview={overview} query={query} className="lg:col-span-6 tv:hidden" />
        <Mix overview={overview} query={query} filter={filter} className="lg:col-span-6 tv:hidden" />
      </TileRow>
      {/* Alerts are Pulse's own (no embed shows them) and are acted on up close: not on a wall either. */}
      {chrome !== 'embed' && (
        <TileRow>
          <AlertsPanel className="lg:col-span-12 tv:hidden" />
        </TileRow>
      )}
    </LiveViewLayout>
  );
}
