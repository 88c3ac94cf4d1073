// GET /api/v1/products/{sku}?<view parameters> — one product's trend, totals and where it sells
import { type NextRequest, NextResponse } from 'next/server';
import { handleApiError } from '../../../../../lib/api-errors';
import { parseId, toOverviewQuery } from '../../../../../lib/overview-params';
import { getProductDetailForQuery } from '../../../../../lib/queries/get-product-detail';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest, context: { params: Promise<{ sku: string }> }) {
  try {
    // Next hands route handlers the segment decoded (pages get it encoded: lib/search-params.ts).
    const sku = parseId('sku', (await context.params).sku);
    const detail = await getProductDetailForQuery(sku, toOverviewQuery(request.nextUrl.searchParams));
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
