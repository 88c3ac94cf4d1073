'use client';

import { Breadcrumbs, dashboardHref } from '../../../components/common/Breadcrumbs';
import { DashboardPage, type DashboardPageProps } from '../../DashboardPage';

/**
 * One store's dashboard: the full dashboard with the store filter fixed by the path. The
 * filter bar navigates within /stores/{id} (useViewQuery keeps the pathname).
 *
 * DashboardPage has no slot for a page heading, so its root is flattened (`display:
 * contents`) and the heading is placed between its sticky header and its main column.
 */
export function StorePage({ store, ...props }: DashboardPageProps & { store: { id: string; region: string } }) {
  return (
    <div className="flex min-h-screen flex-col [&>[data-tv]]:contents [&>[data-tv]>header]:order-first [&>[data-tv]>main]:w-full">
      <div className="mx-auto flex w-full max-w-[1280px] flex-col gap-2 px-6 pt-5 tv:hidden">
        <Breadcrumbs
          items={[{ label: 'Dashboard', href: dashboardHref(props.query, ['store']) }, { label: `Store ${store.id}` }]}
        />
        <h2 data-testid="store-title" className="text-xl font-semibold tracking-tight">
          Store {store.id} <span className="font-normal text-muted-foreground">· {store.region}</span>
        </h2>
      </div>
      <DashboardPage {...props} />
    </div>
  );
}
