// GET /embed/{embed}/stores/{id}?token= — a store drill-down inside an embed.

import type { Metadata } from 'next';
import { EmbedPage, embedPrincipal, embedSearch, inEmbed } from '@/app/embed/embed-page';
import { storeTitle } from '@/app/titles';
import { storeView } from '@/app/views';
import type { PageProps } from '@/lib/web/search-params';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: Pick<PageProps<'id'>, 'params'>): Promise<Metadata> {
  return storeTitle((await params).id, true);
}

export default async function Page({ params, searchParams }: PageProps<'id'>) {
  const principal = await embedPrincipal();
  const { id } = await params;
  const search = await embedSearch(principal, searchParams);
  const content = await storeView(id, search, principal.scope, 'embed', inEmbed(principal));
  return <EmbedPage principal={principal}>{content}</EmbedPage>;
}
