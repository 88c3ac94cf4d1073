// GET /api/v1/products/{sku}/export?tile=…&<view parameters> — one product page tile as CSV, the figures the page shows
import { type NextRequest, NextResponse } from 'next/server';
import type { ProductDetail } from '@/lib/contract/overview';
import type { ProductExportTile } from '@/lib/contract/view-query';
import { setReportingCurrency } from '@/lib/domain/format';
import { env } from '@/lib/env';
import { getProductDetailForQuery } from '@/lib/queries/dashboard/get-product-detail';
import { handleApiError } from '@/lib/web/api-errors';
import { scopeOf } from '@/lib/web/auth/principal';
import { requestPrincipal, scopedQuery } from '@/lib/web/auth/request';
import { csvResponse } from '@/lib/web/export/csv-response';
import { demographicsTable, kpiTable, sliceTable, type Table, trendTable } from '@/lib/web/export/tiles';
import { parseId, parseProductExportTile, toOverviewQuery } from '@/lib/web/overview-params';

export const dynamic = 'force-dynamic';

const TITLES: Record<ProductExportTile, string> = {
  kpis: 'Key figures',
  trend: 'Trend',
  stores: 'Stores',
  channels: 'Channels',
  demographics: 'Who buys it',
};

// The product page's key figures: orders are orders containing the product.
const PRODUCT_KPIS = [
  ['Revenue', 'revenue_cents', true],
  ['Units sold', 'units', false],
  ['Orders containing it', 'orders', false],
  ['Revenue per order', 'aov_cents', true],
] as const;

function productTable(tile: ProductExportTile, d: ProductDetail): Table {
  switch (tile) {
    case 'kpis':
      return kpiTable(d.totals, d.previous_totals, PRODUCT_KPIS);
    case 'trend':
      // The product page draws no previous period.
      return trendTable(d.trend, [], d.tz);
    case 'stores':
      return sliceTable({ store: d.stores });
    case 'channels':
      return sliceTable({ channel: d.channels });
    case 'demographics':
      return demographicsTable(d.demographics);
  }
}

export async function GET(request: NextRequest, context: { params: Promise<{ sku: string }> }) {
  try {
    // Next hands route handlers the segment decoded (pages get it encoded: lib/web/search-params.ts).
    const sku = parseId('sku', (await context.params).sku);
    const tile = parseProductExportTile(request.nextUrl.searchParams.get('tile'));
    const principal = requestPrincipal(request);
    const query = scopedQuery(toOverviewQuery(request.nextUrl.searchParams), principal);
    const detail = await getProductDetailForQuery(sku, query, Date.now(), scopeOf(principal).category);
    if (!detail) {
      return NextResponse.json(
        { error: { code: 'not_found', message: `no product with sku ${sku}` } },
        { status: 404 },
      );
    }
    setReportingCurrency(env().REPORTING_CURRENCY);
    return csvResponse(
      `pulse-${sku}-${tile}`,
      `${detail.product.name} (${sku}): ${TITLES[tile]}`,
      productTable(tile, detail),
      { ...detail, previous: { compare: detail.compare, range: detail.previous_range } },
    );
  } catch (error) {
    return handleApiError(error);
  }
}
