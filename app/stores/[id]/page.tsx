// GET /stores/{id} — the live dashboard of one store; the path fixes the store filter.
import { notFound, redirect } from 'next/navigation';
import { ParamErrorState } from '../../../components/common/ParamErrorState';
import {
  type OverviewQuery,
  ParamError,
  parseOverviewQuery,
  parseTopOptions,
  toOverviewQuery,
} from '../../../lib/overview-params';
import { getFilterOptions } from '../../../lib/queries/get-filter-options';
import { getOverview } from '../../../lib/queries/get-overview';
import type { OverviewFilters } from '../../../lib/queries/overview.types';
import { type PageSearchParams, toSearchParams } from '../../../lib/search-params';
import { StorePage } from './StorePage';

export const dynamic = 'force-dynamic';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<PageSearchParams>;
}) {
  const { id } = await params;
  const search = toSearchParams(await searchParams);
  // The path names the store; `store` in the query (a link, or the filter bar) may move away:
  // one other store → that store's page, several → the dashboard with them selected. None,
  // or this store, stays here.
  const chosen = [...new Set(search.getAll('store').filter((s) => s !== ''))];
  if (chosen.length > 1) redirect(`/?${search}`);
  search.delete('store');
  if (chosen.length === 1 && chosen[0] !== id) {
    const rest = search.toString();
    redirect(`/stores/${encodeURIComponent(chosen[0] as string)}${rest ? `?${rest}` : ''}`);
  }
  search.set('store', id);
  let query: OverviewQuery;
  let filters: OverviewFilters;
  let top: ReturnType<typeof parseTopOptions>;
  try {
    query = toOverviewQuery(search);
    filters = parseOverviewQuery(query);
    top = parseTopOptions(query);
  } catch (err) {
    if (err instanceof ParamError) {
      return <ParamErrorState param={err.param} message={err.message} given={search.getAll(err.param)} />;
    }
    throw err;
  }

  const [overview, filterOptions] = await Promise.all([getOverview(filters, undefined, top), getFilterOptions()]);
  const store = filterOptions.stores.find((s) => s.id === id);
  if (!store) notFound();
  return <StorePage store={store} query={query} initialOverview={overview} filterOptions={filterOptions} />;
}
