// GET /stores/{id} — the live dashboard of one store; the path fixes the store filter.

import type { Metadata } from 'next';
import { storeTitle } from '@/app/titles';
import { storeView } from '@/app/views';
import { pageScope } from '@/lib/web/auth/request';
import { type PageProps, toSearchParams } from '@/lib/web/search-params';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: Pick<PageProps<'id'>, 'params'>): Promise<Metadata> {
  return storeTitle((await params).id);
}

export default async function Page({ params, searchParams }: PageProps<'id'>) {
  const { id } = await params;
  return storeView(id, toSearchParams(await searchParams), await pageScope());
}
