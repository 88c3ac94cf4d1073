// GET /stores/{id} — the live dashboard of one store; the path fixes the store filter.
import { notFound, redirect } from 'next/navigation';
import { ParamErrorState } from '../../../components/common/ParamErrorState';
import { ParamError } from '../../../lib/overview-params';
import { getFilterOptions } from '../../../lib/queries/get-filter-options';
import { getOverview } from '../../../lib/queries/get-overview';
import {
  givenValues,
  type PageSearchParams,
  parseStoreView,
  type StorePageTarget,
  toSearchParams,
} from '../../../lib/search-params';
import { StorePage } from './StorePage';

export const dynamic = 'force-dynamic';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<PageSearchParams>;
}) {
  const { id: rawId } = await params;
  const search = toSearchParams(await searchParams);
  let target: StorePageTarget;
  try {
    // server.ts runs the same parser first and answers 400 when it fails.
    target = parseStoreView(rawId, search);
  } catch (err) {
    if (err instanceof ParamError) {
      return <ParamErrorState param={err.param} message={err.message} given={givenValues(search, err.param)} />;
    }
    throw err;
  }
  if ('redirect' in target) redirect(target.redirect);
  const { id, query, filters, top } = target;

  const [overview, filterOptions] = await Promise.all([getOverview(filters, undefined, top), getFilterOptions()]);
  const store = filterOptions.stores.find((s) => s.id === id);
  if (!store) notFound();
  return <StorePage store={store} query={query} initialOverview={overview} filterOptions={filterOptions} />;
}
