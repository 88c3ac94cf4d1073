import { type LiveStatus, POLL_INTERVAL_MS } from '../hooks/useLiveView';

/** Shown while the live connection is down and the page refreshes by polling instead. */
export function PollingNotice({ status, pollError }: { status: LiveStatus; pollError: string | null }) {
  if (status !== 'polling') return null;
  return (
    <p
      role="status"
      data-testid="polling-notice"
      className="rounded-lg border border-warning/40 bg-warning-soft px-3 py-2 text-xs text-warning-foreground"
    >
      Live connection lost — refreshing every {POLL_INTERVAL_MS / 1000} s until it is back.
      {pollError && <span className="ml-1 opacity-80">Last refresh failed: {pollError}</span>}
    </p>
  );
}
