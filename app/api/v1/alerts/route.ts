// GET /api/v1/alerts — alerts and suggestions (condition episodes) within the caller's scope
import { type NextRequest, NextResponse } from 'next/server';
import { db } from '@/lib/db';
import { getAlerts } from '@/lib/queries/actions/get-alerts';
import { alertsInScope, parseAlertsQuery } from '@/lib/web/alerts-params';
import { handleApiError } from '@/lib/web/api-errors';
import { readerScope, requestPrincipal } from '@/lib/web/auth/request';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const scope = readerScope(requestPrincipal(request));
    const query = parseAlertsQuery(request.nextUrl.searchParams);
    const alerts = await getAlerts(db(), alertsInScope(query, scope), scope);
    return NextResponse.json(alerts, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
