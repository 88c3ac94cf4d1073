// GET /products/{sku} — one product in the view described by the URL's query string (drill-down).
import { notFound } from 'next/navigation';
import { ParamErrorState } from '../../../components/common/ParamErrorState';
import { env } from '../../../lib/env';
import { type OverviewQuery, ParamError, parseOverviewQuery, toOverviewQuery } from '../../../lib/overview-params';
import { getFilterOptions } from '../../../lib/queries/get-filter-options';
import { getProductDetail } from '../../../lib/queries/get-product-detail';
import type { OverviewFilters } from '../../../lib/queries/overview.types';
import { type PageSearchParams, toSearchParams } from '../../../lib/search-params';
import { ProductPage } from './ProductPage';

export const dynamic = 'force-dynamic';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ sku: string }>;
  searchParams: Promise<PageSearchParams>;
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
