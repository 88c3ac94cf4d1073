'use client';

import { DashboardPage, type DashboardPageProps } from '@/app/DashboardPage';
import { Breadcrumbs, dashboardHref } from '@/components/common/Breadcrumbs';
import { cx } from '@/components/common/cx';
import { dimensionValues, type OverviewQuery } from '@/lib/web/overview-params';

/**
 * Where a view chosen on a store page is shown: one store → that store's page (this one or
 * another); several stores, or none ("All stores", Clear) → the dashboard with them selected,
 * as a store page is the dashboard of exactly one store.
 */
function storeRoute(next: OverviewQuery): string {
  const stores = dimensionValues(next, 'store');
  return stores.length === 1 ? `/stores/${encodeURIComponent(stores[0] as string)}` : '/';
}

/**
 * One store's dashboard: the full dashboard with the store filter fixed by the path. The
 * filter bar stays on store pages while one store is chosen (storeRoute).
 *
 * DashboardPage has no slot for a page heading, so its root is flattened (`display:
 * contents`) and the heading is placed between its sticky header (or an embed's bar) and its main column.
 */
export function StorePage({ store, ...props }: DashboardPageProps & { store: { id: string; region: string } }) {
  return (
    <div
      className={cx(
        'flex flex-col [&>[data-tv]]:contents [&>[data-tv]>:first-child]:order-first [&>[data-tv]>main]:w-full',
        // TV mode: one screen high, like the dashboard (its own root is flattened here).
        'has-[>[data-tv=true]]:h-dvh has-[>[data-tv=true]]:overflow-hidden',
        props.chrome !== 'embed' && 'min-h-screen',
      )}
    >
      <div className="mx-auto flex w-full max-w-[1280px] flex-col gap-2 px-4 pt-5 sm:px-6 tv:hidden">
        <Breadcrumbs
          items={[{ label: 'Dashboard', href: dashboardHref(props.query, ['store']) }, { label: `Store ${store.id}` }]}
        />
        <h2 data-testid="store-title" className="text-xl font-semibold tracking-tight">
          Store {store.id} <span className="font-normal text-muted-foreground">· {store.region}</span>
        </h2>
      </div>
      <DashboardPage {...props} route={storeRoute} />
    </div>
  );
}
