// GET /api/v1/export?tile=…&<view parameters> — one dashboard tile as CSV, the figures the page shows
import type { NextRequest } from 'next/server';
import { setReportingCurrency } from '@/lib/domain/format';
import { getOverviewForQuery } from '@/lib/queries/dashboard/get-overview';
import { handleApiError } from '@/lib/web/api-errors';
import { requestPrincipal, scopedQuery } from '@/lib/web/auth/request';
import { csvResponse } from '@/lib/web/export/csv-response';
import { exportTable, TILE_TITLES } from '@/lib/web/export/tiles';
import { parseExportTile, toOverviewQuery } from '@/lib/web/overview-params';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const tile = parseExportTile(request.nextUrl.searchParams.get('tile'));
    const overview = await getOverviewForQuery(
      scopedQuery(toOverviewQuery(request.nextUrl.searchParams), requestPrincipal(request)),
    );
    setReportingCurrency(overview.currency);
    return csvResponse(`pulse-${tile}`, TILE_TITLES[tile], exportTable(tile, overview), overview);
  } catch (error) {
    return handleApiError(error);
  }
}
