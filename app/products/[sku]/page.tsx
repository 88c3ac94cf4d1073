// GET /products/{sku} — one product in the view described by the URL's query string (drill-down).
import { notFound } from 'next/navigation';
import { ParamErrorState } from '../../../components/common/ParamErrorState';
import { env } from '../../../lib/env';
import { ParamError } from '../../../lib/overview-params';
import { getFilterOptions } from '../../../lib/queries/get-filter-options';
import { getProductDetail } from '../../../lib/queries/get-product-detail';
import {
  givenValues,
  type PageSearchParams,
  type ProductView,
  parseProductView,
  toSearchParams,
} from '../../../lib/search-params';
import { ProductPage } from './ProductPage';

export const dynamic = 'force-dynamic';

export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ sku: string }>;
  searchParams: Promise<PageSearchParams>;
}) {
  const { sku: rawSku } = await params;
  const search = toSearchParams(await searchParams);
  let view: ProductView;
  try {
    // server.ts runs the same parser first and answers 400 when it fails.
    view = parseProductView(rawSku, search);
  } catch (err) {
    if (err instanceof ParamError) {
      return <ParamErrorState param={err.param} message={err.message} given={givenValues(search, err.param)} />;
    }
    throw err;
  }

  const { sku, query, filters } = view;
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
