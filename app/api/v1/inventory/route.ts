// GET /api/v1/inventory — on-hand stock per store and SKU, within the caller's scope
import { type NextRequest, NextResponse } from 'next/server';
import { env } from '@/lib/env';
import { getInventory, inventorySettings } from '@/lib/queries/inventory/get-inventory';
import { handleApiError } from '@/lib/web/api-errors';
import { readerScope, requestPrincipal } from '@/lib/web/auth/request';
import { inventoryInScope, parseInventoryQuery } from '@/lib/web/inventory-params';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const scope = readerScope(requestPrincipal(request));
    const query = parseInventoryQuery(request.nextUrl.searchParams);
    const inventory = await getInventory(inventoryInScope(query, scope), scope, inventorySettings(env()));
    return NextResponse.json(inventory, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
