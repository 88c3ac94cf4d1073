'use client';

import { useEffect, useMemo } from 'react';
import { Demographics } from '../components/charts/Demographics';
import { Mix } from '../components/charts/Mix';
import { RevenueTrend } from '../components/charts/RevenueTrend';
import { AppHeader } from '../components/common/AppHeader';
import { cx } from '../components/common/cx';
import { FreshnessBadge } from '../components/common/FreshnessBadge';
import { PollingNotice } from '../components/common/PollingNotice';
import { TileMeta } from '../components/common/TileMeta';
import { TvToggle } from '../components/display/TvToggle';
import { useTvMode } from '../components/display/useTvMode';
import { ActiveFilters } from '../components/filters/ActiveFilters';
import { activePreset, FilterBar } from '../components/filters/FilterBar';
import { useLiveOverview } from '../components/hooks/useLiveOverview';
import { useViewQuery, type ViewRoute } from '../components/hooks/useViewQuery';
import { KpiCards } from '../components/kpi/KpiCards';
import { Movers } from '../components/tables/Movers';
import { OrderTicker } from '../components/tables/OrderTicker';
import { TopProducts } from '../components/tables/TopProducts';
import { setReportingCurrency } from '../lib/format';
import { type OverviewQuery, viewKey } from '../lib/overview-params';
import type { FilterOptions, Overview } from '../lib/queries/overview.types';

export interface DashboardPageProps {
  /** The view as parsed from the URL by the server (`toOverviewQuery`, already validated). */
  query: OverviewQuery;
  /** `getOverview(parseOverviewQuery(query))`, rendered until live data arrives. */
  initialOverview: Overview;
  filterOptions: FilterOptions;
  /** The path of a view chosen here; default: this page's path. */
  route?: ViewRoute;
}

export function DashboardPage({ query: serverQuery, initialOverview, filterOptions, route }: DashboardPageProps) {
  const { query, navigate, isPending } = useViewQuery(serverQuery, route);
  const initial = useMemo(() => ({ key: viewKey(serverQuery), data: initialOverview }), [serverQuery, initialOverview]);
  const live = useLiveOverview(query, initial);
  const overview = live.data;
  setReportingCurrency(overview.currency);
  // Until the first data of a newly chosen view arrives, the old view stays on screen, dimmed.
  const loading = !live.isCurrent || isPending;
  // TV mode (?tv=1, for wall displays): `tv:` classes enlarge and widen; the filter bar gives way to a legend.
  const { tv, setTv } = useTvMode();

  // "Today", "yesterday" and hour/day buckets are the viewer's: a URL without a zone gets the
  // browser's (replacing the entry, as it is the same view), so a shared link keeps it.
  useEffect(() => {
    if (query.tz) return;
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz) navigate({ ...query, tz }, { replace: true });
  }, [query, navigate]);

  return (
    <div className="min-h-screen" data-tv={tv}>
      <AppHeader>
        <FreshnessBadge status={live.status} freshness={overview.freshness} />
        <TvToggle tv={tv} onToggle={() => setTv(!tv, { fullscreen: true })} />
      </AppHeader>

      <main className="mx-auto flex max-w-[1280px] flex-col gap-4 px-6 pt-5 pb-10 tv:max-w-none tv:px-8 tv:pb-6">
        {tv ? (
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
        )}

        <PollingNotice status={live.status} pollError={live.pollError} />

        <div
          aria-busy={loading || undefined}
          className={cx('flex flex-col gap-4 transition-opacity duration-200', !live.isCurrent && 'opacity-60')}
        >
          <KpiCards overview={overview} query={query} />
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-12">
            <div className="lg:col-span-8">
              <RevenueTrend
                data={overview}
                previous={overview.previous}
                live={activePreset(query) === '15m'}
                meta={<TileMeta tile="trend" overview={overview} query={query} subject="the sales trend" />}
              />
            </div>
            <OrderTicker overview={overview} query={query} className="lg:col-span-4" />
          </div>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-12">
            <TopProducts overview={overview} query={query} onChange={navigate} className="lg:col-span-7" />
            <Demographics
              demographics={overview.demographics}
              meta={<TileMeta tile="demographics" overview={overview} query={query} subject="the customer figures" />}
              className="lg:col-span-5"
            />
          </div>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-12">
            <Movers overview={overview} query={query} className="lg:col-span-6" />
            <Mix overview={overview} query={query} className="lg:col-span-6" />
          </div>
        </div>
      </main>
    </div>
  );
}
