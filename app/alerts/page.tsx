// GET /alerts — every alert of the viewer's scope, where the dashboard's panel shows the 20 most
// urgent open ones: by state and kind, a page at a time, live. The URL holds the view (GET
// /api/v1/alerts's parameters), so a link shows the same alerts.

import type { Metadata } from 'next';
import { ALERTS_TITLE } from '@/app/titles';
import { ParamErrorState } from '@/components/common/ParamErrorState';
import type { AlertsQuery } from '@/lib/contract/alerts';
import { alertsInScope, parseAlertsQuery } from '@/lib/web/alerts-params';
import { pageScope } from '@/lib/web/auth/request';
import { ScopeError } from '@/lib/web/auth/scope';
import { ParamError } from '@/lib/web/overview-params';
import { givenValues, type PageProps, toSearchParams } from '@/lib/web/search-params';
import { AlertsPage } from './AlertsPage';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = ALERTS_TITLE;

export default async function Page({ searchParams }: PageProps) {
  const search = toSearchParams(await searchParams);
  const scope = await pageScope();
  let query: AlertsQuery;
  try {
    query = parseAlertsQuery(search);
    // Stores outside the scope are refused here as by the API; the live hub narrows the rest.
    alertsInScope(query, scope);
  } catch (err) {
    if (err instanceof ParamError || err instanceof ScopeError) {
      return <ParamErrorState param={err.param} message={err.message} given={givenValues(search, err.param)} />;
    }
    throw err;
  }
  return <AlertsPage query={query} />;
}
