// GET /api/v1/filters — stores, regions, channels and categories for the filter bar
import { NextResponse } from 'next/server';
import { getFilterOptions } from '@/lib/queries/dashboard/get-filter-options';
import { handleApiError } from '@/lib/web/api-errors';
import { readerScope, requestPrincipal } from '@/lib/web/auth/request';
import { scopeFilterOptions } from '@/lib/web/auth/scope';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  try {
    const options = scopeFilterOptions(await getFilterOptions(), readerScope(requestPrincipal(request)));
    return NextResponse.json(options, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
