'use client';
import type { ReactNode } from 'react';
import type { OverviewQuery } from '@/lib/web/overview-params';
import { AppHeader } from './AppHeader';
import { ProductSearch } from './ProductSearch';

/** Pulse's own pages have its header (`full`); an embed in a portal's iframe shows the view alone (`embed`). */
export type Chrome = 'full' | 'embed';

/**
 * The top of a view page: Pulse's header with the view's status (freshness) and `controls`,
 * or in an embed only a slim row for the status: no Pulse navigation, product search, Ops/Admin
 * links or user menu. The product search opens a product in `query`, the view on screen; a wall
 * display (TV mode) has no use for it.
 */
export function ViewHeader({
  chrome,
  query,
  status,
  controls,
}: {
  chrome: Chrome;
  query: OverviewQuery;
  status: ReactNode;
  controls?: ReactNode;
}) {
  if (chrome === 'full') {
    return (
      <AppHeader search={<ProductSearch query={query} className="w-36 sm:w-48 xl:w-56 tv:hidden" />}>
        {status}
        {controls}
      </AppHeader>
    );
  }
  return (
    <div data-testid="embed-bar" className="mx-auto flex max-w-[1280px] items-center justify-end gap-2 px-6 pt-3">
      {status}
    </div>
  );
}

/** The main column's vertical padding under the header. */
export const mainPadding = (chrome: Chrome) => (chrome === 'full' ? 'pt-5 pb-10' : 'pt-3 pb-4');
