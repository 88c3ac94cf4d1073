// GET / — the live dashboard for the view described by the URL's query string.
import { ParamErrorState } from '../components/common/ParamErrorState';
import { ParamError } from '../lib/overview-params';
import { getFilterOptions } from '../lib/queries/get-filter-options';
import { getOverview } from '../lib/queries/get-overview';
import {
  type DashboardView,
  givenValues,
  type PageSearchParams,
  parseDashboardView,
  toSearchParams,
} from '../lib/search-params';
import { DashboardPage } from './DashboardPage';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const params = toSearchParams(await searchParams);
  let view: DashboardView;
  try {
    // server.ts runs the same parser first and answers 400 when it fails.
    view = parseDashboardView(params);
  } catch (err) {
    if (err instanceof ParamError) {
      return <ParamErrorState param={err.param} message={err.message} given={givenValues(params, err.param)} />;
    }
    throw err;
  }

  const { query, filters, top } = view;
  const [overview, filterOptions] = await Promise.all([getOverview(filters, undefined, top), getFilterOptions()]);
  return <DashboardPage query={query} initialOverview={overview} filterOptions={filterOptions} />;
}
