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
import { DashboardPage } from './DashboardPage';

export const dynamic = 'force-dynamic';

type SearchParams = Record<string, string | string[] | undefined>;

/** Next hands repeated keys over as arrays; URLSearchParams lets the parser reject them by name. */
function toSearchParams(raw: SearchParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, v);
  }
  return params;
}

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
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
