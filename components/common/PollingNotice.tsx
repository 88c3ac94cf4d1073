import { type LiveStatus, POLL_INTERVAL_MS } from '@/components/hooks/useLiveView';

/**
 * Shown while the page refreshes by polling: the live connection was lost, or has not come up
 * yet (a slow or blocked first connection is not a lost one).
 */
export function PollingNotice({
  status,
  polling,
  pollError,
}: {
  status: LiveStatus;
  polling: boolean;
  pollError: string | null;
}) {
  if (!polling) return null;
  const every = `${POLL_INTERVAL_MS / 1000} s`;
  return (
    <p
      role="status"
      data-testid="polling-notice"
      data-connection={status}
      className="rounded-lg border border-warning/40 bg-warning-soft px-3 py-2 text-xs text-warning-foreground"
    >
      {status === 'connecting'
        ? `Connecting to live updates… refreshing every ${every} meanwhile.`
        : `Live connection lost — refreshing every ${every} until it is back.`}
      {pollError && <span className="ml-1 opacity-80">Last refresh failed: {pollError}</span>}
    </p>
  );
}
