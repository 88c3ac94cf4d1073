// GET /embed/{embed}/products/{sku}?token= — a product drill-down inside an embed.

import type { Metadata } from 'next';
import { EmbedPage, embedPrincipal, embedSearch } from '@/app/embed/embed-page';
import { productTitle } from '@/app/titles';
import { productView } from '@/app/views';
import type { PageProps } from '@/lib/web/search-params';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: Pick<PageProps<'sku'>, 'params'>): Promise<Metadata> {
  return productTitle((await params).sku, true);
}

export default async function Page({ params, searchParams }: PageProps<'sku'>) {
  const principal = await embedPrincipal();
  const { sku } = await params;
  const search = await embedSearch(principal, searchParams);
  const content = await productView(sku, search, principal.scope, 'embed');
  return <EmbedPage principal={principal}>{content}</EmbedPage>;
}
