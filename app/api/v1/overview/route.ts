// GET /api/v1/overview — totals, top products, demographics, trend and freshness for a view
import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { handleApiError } from '../../../../lib/api-errors';
import { parseOverviewQuery, toOverviewQuery } from '../../../../lib/overview-params';
import { getOverview } from '../../../../lib/queries/get-overview';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const filters = parseOverviewQuery(toOverviewQuery(request.nextUrl.searchParams));
    return NextResponse.json(await getOverview(filters), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
