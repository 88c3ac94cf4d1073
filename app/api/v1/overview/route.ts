// GET /api/v1/overview — totals, top products, demographics, trend and freshness for a view
import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { webMetrics } from '@/lib/metrics';
import { getOverviewForQuery } from '@/lib/queries/dashboard/get-overview';
import { handleApiError } from '@/lib/web/api-errors';
import { requestPrincipal, scopedQuery } from '@/lib/web/auth/request';
import { toOverviewQuery } from '@/lib/web/overview-params';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  const done = webMetrics().overviewDuration.startTimer({ source: 'api' });
  try {
    const overview = await getOverviewForQuery(
      scopedQuery(toOverviewQuery(request.nextUrl.searchParams), requestPrincipal(request)),
    );
    done();
    return NextResponse.json(overview, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
