// The dashboard, product and store views as pages render them: Pulse's own pages (app/page.tsx,
// app/products/[sku], app/stores/[id]) with their header, and the embeds' pages (app/embed/**)
// without it. Each parses the view (server.ts ran the same parser first: 400, or 403 outside
// the scope), queries it within the scope, and hands it to the client page.
import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { ProductPage } from '@/app/products/[sku]/ProductPage';
import { StorePage } from '@/app/stores/[id]/StorePage';
import { ParamErrorState } from '@/components/common/ParamErrorState';
import type { Chrome } from '@/components/common/ViewHeader';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { getFilterOptions } from '@/lib/queries/dashboard/get-filter-options';
import { getOverview } from '@/lib/queries/dashboard/get-overview';
import { getProductDetail } from '@/lib/queries/dashboard/get-product-detail';
import type { Scope } from '@/lib/web/auth/scope';
import { scopeFilterOptions } from '@/lib/web/auth/scope';
import { ParamError } from '@/lib/web/overview-params';
import {
  type DashboardView,
  givenValues,
  type ProductView,
  parseDashboardView,
  parseProductView,
  parseStoreView,
  type StorePageTarget,
} from '@/lib/web/search-params';
import { DashboardPage } from './DashboardPage';

/** Parses with `parse`; a parameter error becomes the page that shows it. */
function parsed<T>(search: URLSearchParams, chrome: Chrome, parse: () => T): T | { error: React.JSX.Element } {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ParamError) {
      return {
        error: (
          <ParamErrorState
            param={err.param}
            message={err.message}
            given={givenValues(search, err.param)}
            chrome={chrome}
          />
        ),
      };
    }
    throw err;
  }
}

export async function dashboardView(search: URLSearchParams, scope: Scope, chrome: Chrome = 'full') {
  const view = parsed<DashboardView>(search, chrome, () => parseDashboardView(search, scope));
  if ('error' in view) return view.error;
  const { query, filters, top } = view;
  const [overview, filterOptions] = await Promise.all([getOverview(filters, undefined, top), getFilterOptions()]);
  return (
    <DashboardPage
      query={query}
      initialOverview={overview}
      filterOptions={scopeFilterOptions(filterOptions, scope)}
      chrome={chrome}
    />
  );
}

/** `rawSku` as Next hands a path segment: still percent-encoded. */
export async function productView(rawSku: string, search: URLSearchParams, scope: Scope, chrome: Chrome = 'full') {
  const view = parsed<ProductView>(search, chrome, () => parseProductView(rawSku, search, scope));
  if ('error' in view) return view.error;
  const { sku, query, filters } = view;
  const [detail, filterOptions] = await Promise.all([
    getProductDetail(sku, filters, db(), scope.category),
    getFilterOptions(),
  ]);
  if (!detail) notFound();
  return (
    <ProductPage
      sku={sku}
      query={query}
      initialDetail={detail}
      filterOptions={scopeFilterOptions(filterOptions, scope)}
      currency={env().REPORTING_CURRENCY}
      chrome={chrome}
    />
  );
}

/**
 * `rawId` as Next hands a path segment (still encoded). A store filter moving elsewhere
 * redirects, to `pathOf` the Pulse path (the embed's own path in an embed).
 */
export async function storeView(
  rawId: string,
  search: URLSearchParams,
  scope: Scope,
  chrome: Chrome = 'full',
  pathOf: (path: string) => string = (path) => path,
) {
  const target = parsed<StorePageTarget>(search, chrome, () => parseStoreView(rawId, search, scope));
  if ('error' in target) return target.error;
  if ('redirect' in target) redirect(pathOf(target.redirect));
  const { id, query, filters, top } = target;
  const [overview, allOptions] = await Promise.all([getOverview(filters, undefined, top), getFilterOptions()]);
  const filterOptions = scopeFilterOptions(allOptions, scope);
  const store = filterOptions.stores.find((s) => s.id === id);
  if (!store) notFound();
  return (
    <StorePage store={store} query={query} initialOverview={overview} filterOptions={filterOptions} chrome={chrome} />
  );
}
