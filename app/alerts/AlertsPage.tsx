'use client';

// The alerts page: every alert of the viewer's scope in one state (open, snoozed, cleared in
// the last days, or all) and of one kind or all, most urgent first, a page at a time, live
// (alerts:subscribe with the page's query). The view lives in the URL; admins and merchandisers
// acknowledge and snooze here as in the dashboard's panel.
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { AlertItem } from '@/components/alerts/AlertsPanel';
import { KIND_LABELS } from '@/components/alerts/alert-actions';
import { useViewer } from '@/components/auth/ViewerContext';
import { AppHeader } from '@/components/common/AppHeader';
import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { Pager } from '@/components/common/Pager';
import { PollingNotice } from '@/components/common/PollingNotice';
import { Segmented } from '@/components/common/Segmented';
import { useLiveAlerts } from '@/components/hooks/useLiveAlerts';
import { ALERT_KINDS, type AlertKind } from '@/lib/contract/actions';
import { ALERTS_CLEARED_DAYS, type AlertEpisode, type AlertStateFilter, type AlertsQuery } from '@/lib/contract/alerts';
import { formatNumber } from '@/lib/domain/format';
import { alertsSearchParams, alertsViewKey } from '@/lib/web/alerts-params';

const STATES: { value: AlertStateFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'cleared', label: `Cleared (${ALERTS_CLEARED_DAYS} days)` },
  { value: 'all', label: 'All' },
];

const FIELD =
  'h-8 rounded-lg border border-border bg-card px-2.5 text-[13px] text-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring';

/** The kinds shown: the one asked for, else every alert kind (suggestions are on the inventory page). */
const alertKinds = (query: AlertsQuery): AlertKind[] => {
  const asked = query.kinds.filter((k): k is AlertKind => (ALERT_KINDS as readonly string[]).includes(k));
  return asked.length > 0 ? asked : [...ALERT_KINDS].sort();
};

export function AlertsPage({ query: urlQuery }: { query: AlertsQuery }) {
  const router = useRouter();
  const pathname = usePathname();
  const role = useViewer()?.role;
  const canAct = role === 'admin' || role === 'merchandiser';
  // The view chosen here applies at once (the live hub answers it); the URL follows.
  const [query, setQuery] = useState(urlQuery);
  const urlKey = alertsViewKey(urlQuery);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new URL (back, a link) replaces the view; urlKey stands for urlQuery
  useEffect(() => setQuery(urlQuery), [urlKey]);
  const live = useLiveAlerts(useMemo(() => ({ ...query, kinds: alertKinds(query) }), [query]));
  const { data } = live;

  const choose = (next: Partial<AlertsQuery>) => {
    const view = { ...query, offset: 0, ...next };
    setQuery(view);
    const search = alertsSearchParams(view).toString();
    router.push(search ? `${pathname}?${search}` : pathname, { scroll: false });
  };

  // Answers of this page's own actions, shown until the next push (which carries them too).
  const [changed, setChanged] = useState<Map<string, AlertEpisode>>(new Map());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new push replaces what this page changed
  useEffect(() => setChanged(new Map()), [data]);
  const episodes = useMemo(
    () =>
      data.episodes.map((e) => changed.get(e.id) ?? e).filter((e) => query.state === 'all' || e.state === query.state),
    [data, changed, query.state],
  );
  const first = data.total === 0 ? 0 : data.offset + 1;
  const last = data.offset + data.episodes.length;
  const kind = query.kinds.length === 1 ? query.kinds[0] : '';

  return (
    <div className="min-h-screen">
      <AppHeader />
      <main className="mx-auto flex max-w-[1280px] flex-col gap-4 px-4 pt-5 pb-10 sm:px-6">
        <div className="flex flex-col gap-1">
          <h2 className="text-xl font-semibold tracking-tight">Alerts</h2>
          <p className="text-sm text-muted-foreground">
            Low stock and unusual sales in your stores, most urgent first. Restock and pricing suggestions are on the
            inventory page.
          </p>
        </div>

        <search
          aria-label="Alert filters"
          className="flex flex-wrap items-end gap-x-3 gap-y-2"
          data-testid="alerts-filters"
        >
          <div className="flex flex-col gap-1">
            <span aria-hidden="true" className="text-xs font-medium text-muted-foreground">
              State
            </span>
            <Segmented
              label="State"
              value={query.state}
              options={STATES}
              onChange={(state) => choose({ state })}
              testId="alerts-state"
              className="flex-wrap"
            />
          </div>
          <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-muted-foreground">
            Kind
            <select
              data-testid="alerts-kind"
              value={kind}
              onChange={(e) => choose({ kinds: e.target.value === '' ? [] : [e.target.value as AlertKind] })}
              className={FIELD}
            >
              <option value="">All alerts</option>
              {ALERT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </label>
        </search>

        <PollingNotice status={live.status} polling={live.polling} pollError={live.pollError} />

        <Card
          title="Alerts"
          description={
            live.isCurrent
              ? data.total === 0
                ? 'None'
                : `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(data.total)}`
              : 'Loading…'
          }
          data-testid="alerts-page"
          aria-busy={!live.isCurrent || undefined}
        >
          {!live.isCurrent ? (
            <p className="text-sm text-muted-foreground">Loading alerts…</p>
          ) : episodes.length === 0 ? (
            <EmptyState
              title="No alerts here"
              hint="Alerts appear when stock runs low or sales move far from their usual level."
            />
          ) : (
            <ul className="flex flex-col divide-y divide-border" data-testid="alerts-list">
              {episodes.map((episode) => (
                <AlertItem
                  key={episode.id}
                  episode={episode}
                  canAct={canAct && episode.cleared_at === null}
                  onChanged={(next) => setChanged((prev) => new Map(prev).set(next.id, next))}
                />
              ))}
            </ul>
          )}
          <Pager
            label="Pages of alerts"
            offset={query.offset}
            limit={query.limit}
            total={data.total}
            onOffset={(offset) => choose({ offset })}
            testId="alerts"
          />
        </Card>
      </main>
    </div>
  );
}
