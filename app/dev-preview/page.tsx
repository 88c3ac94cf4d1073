// TEMPORARY dev preview with fixture data — delete before commit.
import { toOverviewQuery } from '../../lib/overview-params';
import { DashboardPage } from '../DashboardPage';
import { fixtureOptions, fixtureOverview } from './fixture';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const raw = await searchParams;
  const query = toOverviewQuery(raw);
  const overview = fixtureOverview(query, {
    empty: raw.empty === '1',
    asOfAgoMs: raw.age ? Number(raw.age) : undefined,
    lagMs: raw.lag ? Number(raw.lag) : undefined,
  });
  return <DashboardPage query={query} initialOverview={overview} filterOptions={fixtureOptions} />;
}
