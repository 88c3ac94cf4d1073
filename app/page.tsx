// GET / — the live dashboard for the view described by the URL's query string.
import { pageScope } from '@/lib/web/auth/request';
import { type PageSearchParams, toSearchParams } from '@/lib/web/search-params';
import { dashboardView } from './views';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  return dashboardView(toSearchParams(await searchParams), await pageScope());
}
