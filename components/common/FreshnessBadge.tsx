'use client';

import type { LiveStatus } from '@/components/hooks/useLiveView';
import { useNow } from '@/components/hooks/useNow';
import type { Freshness } from '@/lib/contract/overview';
import { formatAgo, formatDateTime, formatDuration, formatNumber } from '@/lib/domain/format';
import { cx } from './cx';

/** Lag above which the pipeline is called behind (amber). */
export const LAG_WARN_MS = 10_000;
/**
 * Without a worker commit or an idle worker's caught-up check for this long the numbers are
 * called stale (red): no worker is reading.
 */
export const STALE_AFTER_MS = 60_000;

export type FreshnessState = 'live' | 'polling' | 'stale';
type Tone = 'ok' | 'warn' | 'bad';

export function freshnessOf(
  status: LiveStatus,
  freshness: Freshness,
  now: number | null,
): { state: FreshnessState; tone: Tone; ageMs: number | null } {
  const asOf = freshness.as_of === null ? null : Date.parse(freshness.as_of);
  // The server's clock may run slightly ahead of the viewer's: never show a negative age.
  const ageMs = asOf === null || now === null ? null : Math.max(0, now - asOf);
  if (asOf === null || (ageMs !== null && ageMs > STALE_AFTER_MS)) return { state: 'stale', tone: 'bad', ageMs };
  if (status !== 'live') return { state: 'polling', tone: 'warn', ageMs };
  const lagging =
    (freshness.lag_ms !== null && freshness.lag_ms > LAG_WARN_MS) || (freshness.behind_ms ?? 0) > LAG_WARN_MS;
  return { state: 'live', tone: lagging ? 'warn' : 'ok', ageMs };
}

const TONE_CLASSES: Record<Tone, { badge: string; dot: string }> = {
  ok: { badge: 'border-success/25 bg-success-soft text-success-foreground', dot: 'bg-success' },
  warn: { badge: 'border-warning/40 bg-warning-soft text-warning-foreground', dot: 'bg-warning' },
  bad: { badge: 'border-danger/30 bg-danger-soft text-danger-foreground', dot: 'bg-danger' },
};

export function FreshnessBadge({ status, freshness }: { status: LiveStatus; freshness: Freshness }) {
  const now = useNow();
  const { state, tone, ageMs } = freshnessOf(status, freshness, now);
  const classes = TONE_CLASSES[tone];

  const label =
    state === 'stale'
      ? freshness.as_of === null
        ? 'no data yet'
        : 'stale'
      : status === 'connecting'
        ? 'connecting'
        : state;
  // The server may not send the consumer lag yet: treat it as caught up.
  const behindMs = freshness.behind_ms ?? 0;
  const backlog = freshness.backlog ?? 0;
  const parts = [label];
  if (ageMs !== null) parts.push(`updated ${formatAgo(ageMs)}`);
  parts.push(`${Math.round(behindMs / 1000)} s behind`);
  parts.push(`backlog ${formatNumber(backlog)}`);

  const title = [
    status === 'live'
      ? 'Receiving live updates.'
      : status === 'connecting'
        ? 'Connecting to live updates…'
        : 'Live connection lost: refreshing every 5 s.',
    // Local time is only known in the browser (now === null while server rendering).
    freshness.as_of === null
      ? 'No sales processed yet.'
      : now === null
        ? ''
        : `Last pipeline commit ${formatDateTime(freshness.as_of)}.`,
    freshness.lag_ms !== null ? `Kafka → database lag ${formatDuration(freshness.lag_ms)}.` : '',
    `Counted data is ${formatDuration(behindMs)} behind the newest event in Kafka; ${formatNumber(backlog)} messages not yet counted.`,
    tone === 'warn' && behindMs > LAG_WARN_MS ? 'The workers are falling behind.' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      data-testid="freshness"
      data-state={state}
      data-connection={status}
      data-tone={tone}
      data-behind-ms={behindMs}
      data-backlog={backlog}
      title={title}
      className={cx(
        'inline-flex h-7 items-center gap-2 rounded-full border px-3 text-xs font-medium whitespace-nowrap tabular-nums',
        classes.badge,
      )}
    >
      <span className="relative flex size-2">
        {state === 'live' && tone === 'ok' && (
          <span className={cx('absolute inset-0 rounded-full animate-pulse-ring', classes.dot)} />
        )}
        <span className={cx('relative size-2 rounded-full', classes.dot)} />
      </span>
      <span>{parts.join(' · ')}</span>
    </div>
  );
}
