// GET /inventory — on-hand stock per store and SKU within the viewer's scope; the URL holds the
// filters (GET /api/v1/inventory's parameters), so a link shows the same rows.

import type { Metadata } from 'next';
import { INVENTORY_TITLE } from '@/app/titles';
import { ParamErrorState } from '@/components/common/ParamErrorState';
import { env } from '@/lib/env';
import { getFilterOptions } from '@/lib/queries/dashboard/get-filter-options';
import { getInventory, inventorySettings } from '@/lib/queries/inventory/get-inventory';
import { pageScope } from '@/lib/web/auth/request';
import { ScopeError, scopeFilterOptions } from '@/lib/web/auth/scope';
import { inventoryInScope, parseInventoryQuery } from '@/lib/web/inventory-params';
import { ParamError } from '@/lib/web/overview-params';
import { givenValues, type PageProps, toSearchParams } from '@/lib/web/search-params';
import { InventoryPage } from './InventoryPage';
import { INVENTORY_PAGE_LIMIT } from './inventory-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = INVENTORY_TITLE;

export default async function Page({ searchParams }: PageProps) {
  const search = toSearchParams(await searchParams);
  const scope = await pageScope();
  // The page shows fewer rows at a time than the API's default.
  if (!search.has('limit')) search.set('limit', String(INVENTORY_PAGE_LIMIT));
  let asked: ReturnType<typeof parseInventoryQuery>;
  let query: ReturnType<typeof parseInventoryQuery>;
  try {
    asked = parseInventoryQuery(search);
    query = inventoryInScope(asked, scope);
  } catch (err) {
    if (err instanceof ParamError || err instanceof ScopeError) {
      return <ParamErrorState param={err.param} message={err.message} given={givenValues(search, err.param)} />;
    }
    throw err;
  }
  const [inventory, options] = await Promise.all([
    getInventory(query, scope, inventorySettings(env())),
    getFilterOptions(),
  ]);
  return <InventoryPage query={asked} initial={inventory} stores={scopeFilterOptions(options, scope).stores} />;
}
