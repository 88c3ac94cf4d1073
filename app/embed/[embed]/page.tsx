// GET /embed/{embed}?token= — an embed's view in a portal's iframe, without Pulse's chrome: the
// dashboard, or the product or store the embed was made for.

import { EmbedPage, embedPrincipal, embedSearch, inEmbed } from '@/app/embed/embed-page';
import { EMBED_TITLE } from '@/app/titles';
import { dashboardView, productView, storeView } from '@/app/views';
import type { PageSearchParams } from '@/lib/web/search-params';

export const dynamic = 'force-dynamic';
export const metadata = EMBED_TITLE;

export default async function Page({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const principal = await embedPrincipal();
  const search = await embedSearch(principal, searchParams);
  const { view, target, scope } = principal;
  // A store embed whose viewer chose several stores (where the lock allows it) shows them as
  // the dashboard does: the store page would send them here again.
  const severalStores = new Set(search.getAll('store').filter((s) => s !== '')).size > 1;
  const content =
    view === 'product' && target
      ? await productView(encodeURIComponent(target), search, scope, 'embed')
      : view === 'store' && target && !severalStores
        ? await storeView(encodeURIComponent(target), search, scope, 'embed', inEmbed(principal))
        : await dashboardView(search, scope, 'embed');
  return <EmbedPage principal={principal}>{content}</EmbedPage>;
}
