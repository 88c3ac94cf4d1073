// GET /api/v1/inventory/history — one SKU's on-hand over time per store, within the caller's scope
import { type NextRequest, NextResponse } from 'next/server';
import { getInventoryHistory } from '@/lib/queries/inventory/get-inventory-history';
import { handleApiError } from '@/lib/web/api-errors';
import { readerScope, requestPrincipal } from '@/lib/web/auth/request';
import { parseInventoryHistoryQuery } from '@/lib/web/inventory-params';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const scope = readerScope(requestPrincipal(request));
    const query = parseInventoryHistoryQuery(request.nextUrl.searchParams, scope);
    return NextResponse.json(await getInventoryHistory(query, scope), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
