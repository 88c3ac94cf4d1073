// GET /api/v1/overview — totals, top products, demographics, trend and freshness for a view
import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { handleApiError } from '../../../../lib/api-errors';
import { webMetrics } from '../../../../lib/metrics';
import { toOverviewQuery } from '../../../../lib/overview-params';
import { getOverviewForQuery } from '../../../../lib/queries/get-overview';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const done = webMetrics().overviewDuration.startTimer({ source: 'api' });
  try {
    const overview = await getOverviewForQuery(toOverviewQuery(request.nextUrl.searchParams));
    done();
    return NextResponse.json(overview, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
