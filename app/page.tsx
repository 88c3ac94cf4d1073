// GET / — the live dashboard for the view described by the URL's query string.
import { ParamErrorState } from '../components/common/ParamErrorState';
import {
  type OverviewQuery,
  ParamError,
  parseOverviewQuery,
  parseTopOptions,
  toOverviewQuery,
} from '../lib/overview-params';
import { getFilterOptions } from '../lib/queries/get-filter-options';
import { getOverview } from '../lib/queries/get-overview';
import type { OverviewFilters } from '../lib/queries/overview.types';
import { type PageSearchParams, toSearchParams } from '../lib/search-params';
import { DashboardPage } from './DashboardPage';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const params = toSearchParams(await searchParams);
  let query: OverviewQuery;
  let filters: OverviewFilters;
  let top: ReturnType<typeof parseTopOptions>;
  try {
    query = toOverviewQuery(params);
    filters = parseOverviewQuery(query);
    top = parseTopOptions(query);
  } catch (err) {
    if (err instanceof ParamError) {
      return <ParamErrorState param={err.param} message={err.message} given={params.getAll(err.param)} />;
    }
    throw err;
  }

  const [overview, filterOptions] = await Promise.all([getOverview(filters, undefined, top), getFilterOptions()]);
  return <DashboardPage query={query} initialOverview={overview} filterOptions={filterOptions} />;
}
