// GET /api/v1/export?tile=…&<view parameters> — one dashboard tile as CSV, same numbers as /api/v1/overview
import type { NextRequest } from 'next/server';
import { handleApiError } from '../../../../lib/api-errors';
import { toCsv } from '../../../../lib/csv';
import { EXPORT_TILES, type ExportTile, exportTable } from '../../../../lib/export-tiles';
import { ParamError, toOverviewQuery } from '../../../../lib/overview-params';
import { getOverviewForQuery } from '../../../../lib/queries/get-overview';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const tile = request.nextUrl.searchParams.get('tile') ?? '';
    if (!(EXPORT_TILES as readonly string[]).includes(tile)) {
      throw new ParamError('tile', `tile must be one of ${EXPORT_TILES.join(', ')}`);
    }
    const overview = await getOverviewForQuery(toOverviewQuery(request.nextUrl.searchParams));
    const { header, rows } = exportTable(tile as ExportTile, overview);
    const stamp = overview.range.from.slice(0, 16).replaceAll(':', '');
    return new Response(toCsv(header, rows), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="pulse-${tile}-${stamp}.csv"`,
        'cache-control': 'no-store',
      },
    });
  } catch (error) {
    return handleApiError(error);
  }
}
