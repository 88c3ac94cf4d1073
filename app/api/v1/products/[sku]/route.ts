// GET /api/v1/products/{sku}?<view parameters> — one product's trend, totals and where it sells
import { type NextRequest, NextResponse } from 'next/server';
import { getProductDetailForQuery } from '@/lib/queries/dashboard/get-product-detail';
import { handleApiError } from '@/lib/web/api-errors';
import { scopeOf } from '@/lib/web/auth/principal';
import { requestPrincipal, scopedQuery } from '@/lib/web/auth/request';
import { parseId, toOverviewQuery } from '@/lib/web/overview-params';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest, context: { params: Promise<{ sku: string }> }) {
  try {
    // Next hands route handlers the segment decoded (pages get it encoded: lib/web/search-params.ts).
    const sku = parseId('sku', (await context.params).sku);
    const principal = requestPrincipal(request);
    const query = scopedQuery(toOverviewQuery(request.nextUrl.searchParams), principal);
    const detail = await getProductDetailForQuery(sku, query, Date.now(), scopeOf(principal).category);
    if (!detail) {
      return NextResponse.json(
        { error: { code: 'not_found', message: `no product with sku ${sku}` } },
        { status: 404 },
      );
    }
    return NextResponse.json(detail, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
