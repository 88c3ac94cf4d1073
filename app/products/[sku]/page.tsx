// GET /products/{sku} — one product in the view described by the URL's query string (drill-down).

import type { Metadata } from 'next';
import { productTitle } from '@/app/titles';
import { productView } from '@/app/views';
import { pageScope } from '@/lib/web/auth/request';
import { type PageProps, toSearchParams } from '@/lib/web/search-params';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: Pick<PageProps<'sku'>, 'params'>): Promise<Metadata> {
  return productTitle((await params).sku);
}

export default async function Page({ params, searchParams }: PageProps<'sku'>) {
  const { sku } = await params;
  return productView(sku, toSearchParams(await searchParams), await pageScope());
}
