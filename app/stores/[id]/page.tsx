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
  // The path names the store. The filter bar writes its choice to `store`: another store moves
  // to that store's page; the same one (or none, "All stores") stays on this one.
  const chosen = search.get('store');
  search.delete('store');
  if (chosen && chosen !== id) {
    const rest = search.toString();
    redirect(`/stores/${encodeURIComponent(chosen)}${rest ? `?${rest}` : ''}`);
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
