// GET /products/{sku} — one product in the view described by the URL's query string (drill-down).
import { notFound } from 'next/navigation';
import { ParamErrorState } from '../../../components/common/ParamErrorState';
import { env } from '../../../lib/env';
import { type OverviewQuery, ParamError, parseOverviewQuery, toOverviewQuery } from '../../../lib/overview-params';
import { getFilterOptions } from '../../../lib/queries/get-filter-options';
import { getProductDetail } from '../../../lib/queries/get-product-detail';
import type { OverviewFilters } from '../../../lib/queries/overview.types';
import { ProductPage } from './ProductPage';

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

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ sku: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { sku } = await params;
  const search = toSearchParams(await searchParams);
  let query: OverviewQuery;
  let filters: OverviewFilters;
  try {
    query = toOverviewQuery(search);
    filters = parseOverviewQuery(query);
  } catch (err) {
    if (err instanceof ParamError) {
      return <ParamErrorState param={err.param} message={err.message} given={search.getAll(err.param)} />;
    }
    throw err;
  }

  const [detail, filterOptions] = await Promise.all([getProductDetail(sku, filters), getFilterOptions()]);
  if (!detail) notFound();
  return (
    <ProductPage
      sku={sku}
      query={query}
      initialDetail={detail}
      filterOptions={filterOptions}
      currency={env().REPORTING_CURRENCY}
    />
  );
}
