'use client';

// The dashboard's Alerts panel: the open alerts of the viewer's scope (low stock, sales
// anomalies), live over `alerts:subscribe`, critical first, each with its severity (colour and
// word), subject, what happened and why, and age. Admins and merchandisers acknowledge or snooze
// them (POST /api/v1/alerts/{id}/…); the answer is shown at once and the next push confirms it.
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { useViewer } from '@/components/auth/ViewerContext';
import { BUTTON_SECONDARY } from '@/components/common/buttons';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { useLiveAlerts } from '@/components/hooks/useLiveAlerts';
import { useNow } from '@/components/hooks/useNow';
import { ALERT_KINDS } from '@/lib/contract/actions';
import type { AlertEpisode, AlertsQuery } from '@/lib/contract/alerts';
import { formatAgo, formatDateTime } from '@/lib/domain/format';
import {
  KIND_LABELS,
  postAlertAction,
  reasoningText,
  SEVERITY_CLASSES,
  SEVERITY_LABELS,
  subjectText,
} from './alert-actions';

/** Open alerts shown at most (the count says how many there are). */
export const ALERTS_PANEL_LIMIT = 20;

const QUERY: AlertsQuery = {
  kinds: [...ALERT_KINDS].sort(),
  severities: [],
  state: 'open',
  stores: [],
  skus: [],
  limit: ALERTS_PANEL_LIMIT,
  offset: 0,
};

const SNOOZES = [
  { minutes: 15, label: '15 min', long: '15 minutes' },
  { minutes: 60, label: '1 h', long: '1 hour' },
  { minutes: 24 * 60, label: '1 day', long: '1 day' },
] as const;

export function AlertsPanel({ className }: { className?: string }) {
  const role = useViewer()?.role;
  const canAct = role === 'admin' || role === 'merchandiser';
  const live = useLiveAlerts(QUERY);
  const { data } = live;
  // Answers of this page's own actions, shown until the next push (which carries them too).
  const [changed, setChanged] = useState<Map<string, AlertEpisode>>(new Map());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new push replaces what this page changed
  useEffect(() => setChanged(new Map()), [data]);
  const episodes = useMemo(
    () => data.episodes.map((e) => changed.get(e.id) ?? e).filter((e) => e.state === 'open' && e.cleared_at === null),
    [data, changed],
  );
  const hidden = data.episodes.length - episodes.length;
  const total = Math.max(0, data.total - hidden);

  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Alerts
          <span
            data-testid="alerts-count"
            data-value={live.isCurrent ? total : undefined}
            className={cx(
              'inline-flex min-w-5 items-center justify-center rounded-full px-1.5 text-[11px] font-semibold tabular-nums',
              total > 0 ? 'bg-danger-soft text-danger-foreground' : 'bg-muted text-muted-foreground',
            )}
          >
            {live.isCurrent ? total : '…'}
            <span className="sr-only"> open</span>
          </span>
        </span>
      }
      description="Low stock and unusual sales in your stores, live"
      data-testid="alerts-panel"
      aria-busy={!live.isCurrent || undefined}
      className={className}
    >
      {!live.isCurrent ? (
        <p className="text-sm text-muted-foreground">Loading alerts…</p>
      ) : episodes.length === 0 ? (
        <EmptyState
          title="No open alerts"
          hint="Alerts appear here when stock runs low or sales move far from their usual level."
        />
      ) : (
        <ul className="flex flex-col divide-y divide-border" data-testid="alerts-list">
          {episodes.map((episode) => (
            <AlertItem
              key={episode.id}
              episode={episode}
              canAct={canAct}
              onChanged={(next) => setChanged((prev) => new Map(prev).set(next.id, next))}
            />
          ))}
        </ul>
      )}
      {live.isCurrent && total > episodes.length && (
        <p className="pt-2 text-xs text-muted-foreground">
          Showing the {episodes.length} most urgent of {total}.{' '}
          <Link href="/alerts" data-testid="alerts-all" className="font-medium text-foreground underline">
            See all
          </Link>
        </p>
      )}
    </Card>
  );
}

/** One alert: severity, subject, what happened and why, age; acknowledge and snooze when `canAct`. */
export function AlertItem({
  episode,
  canAct,
  onChanged,
}: {
  episode: AlertEpisode;
  canAct: boolean;
  onChanged: (episode: AlertEpisode) => void;
}) {
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = `alert-${episode.id}-title`;

  const run = async (action: 'acknowledge' | 'snooze', body: object = {}) => {
    setBusy(true);
    setError(null);
    try {
      onChanged((await postAlertAction(episode.id, action, body)).episode);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      data-testid="alert"
      data-id={episode.id}
      data-kind={episode.kind}
      data-severity={episode.severity}
      data-acknowledged={episode.acknowledged !== null}
      aria-labelledby={titleId}
      className="flex flex-col gap-1.5 py-3 first:pt-0 last:pb-0"
    >
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span
          className={cx(
            'rounded border px-1.5 py-px text-[11px] font-semibold uppercase tracking-wide',
            SEVERITY_CLASSES[episode.severity],
          )}
        >
          {SEVERITY_LABELS[episode.severity]}
        </span>
        <h3 id={titleId} className="min-w-0 text-sm font-medium break-words text-foreground">
          {KIND_LABELS[episode.kind]} · {subjectText(episode)}
        </h3>
        <span
          className="ml-auto text-xs whitespace-nowrap text-muted-foreground"
          title={formatDateTime(episode.opened_at)}
        >
          {now === null ? formatDateTime(episode.opened_at) : formatAgo(now - Date.parse(episode.opened_at))}
        </span>
      </div>
      <p className="text-[13px] break-words text-muted-foreground" data-testid="alert-reasoning">
        {reasoningText(episode)}
      </p>
      {episode.acknowledged && (
        <p className="text-xs text-muted-foreground" data-testid="alert-acknowledged">
          Acknowledged{episode.acknowledged.by?.email ? ` by ${episode.acknowledged.by.email}` : ''}
        </p>
      )}
      {episode.cleared_at !== null ? (
        <p className="text-xs text-muted-foreground" data-testid="alert-state">
          Cleared {formatDateTime(episode.cleared_at)}
        </p>
      ) : (
        episode.state === 'snoozed' &&
        episode.snoozed_until !== null && (
          <p className="text-xs text-muted-foreground" data-testid="alert-state">
            Snoozed until {formatDateTime(episode.snoozed_until)}
          </p>
        )
      )}
      {canAct && (
        <div className="flex flex-wrap items-center gap-2 pt-0.5">
          {episode.acknowledged === null && (
            <button
              type="button"
              data-testid="alert-acknowledge"
              disabled={busy}
              onClick={() => void run('acknowledge')}
              className={BUTTON_SECONDARY}
            >
              Acknowledge
            </button>
          )}
          <fieldset className="flex flex-wrap items-center gap-1.5" disabled={busy}>
            <legend className="sr-only">Snooze {KIND_LABELS[episode.kind].toLowerCase()} alert for</legend>
            <span aria-hidden="true" className="text-xs text-muted-foreground">
              Snooze
            </span>
            {SNOOZES.map((s) => (
              <button
                key={s.minutes}
                type="button"
                data-testid="alert-snooze"
                data-minutes={s.minutes}
                aria-label={`Snooze for ${s.long}`}
                onClick={() => void run('snooze', { minutes: s.minutes })}
                className={cx(BUTTON_SECONDARY, 'h-7 px-2 text-xs')}
              >
                {s.label}
              </button>
            ))}
          </fieldset>
        </div>
      )}
      {error !== null && (
        <p role="alert" className="text-xs text-danger-foreground">
          {error}
        </p>
      )}
    </li>
  );
}
