// GET /api/v1/products?q= — products by SKU or name for the header's search, within the caller's categories
import { type NextRequest, NextResponse } from 'next/server';
import { searchProducts } from '@/lib/queries/dashboard/search-products';
import { handleApiError } from '@/lib/web/api-errors';
import { readerScope, requestPrincipal } from '@/lib/web/auth/request';
import { parseProductSearch } from '@/lib/web/product-search-params';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const scope = readerScope(requestPrincipal(request));
    const products = await searchProducts(parseProductSearch(request.nextUrl.searchParams), scope.category);
    return NextResponse.json({ products }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
