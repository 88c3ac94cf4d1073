'use client';

// The list the page shows: the reason filter (kept in the address), the loaded rows and
// counts, the refresh loop and "Load more".
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchJson } from '@/components/hooks/fetch-json';
import { DEAD_LETTER_PAGE_SIZE, type DeadLetterList, MAX_DEAD_LETTER_PAGE_SIZE } from '@/lib/contract/dead-letters';
import { appendOlder, type Loaded, listUrl, mergeFresh } from './dead-letters-api';

export const REFRESH_MS = 5000;

export interface DeadLetterListState {
  reason: string | undefined;
  loaded: Loaded;
  counts: Pick<DeadLetterList, 'reasons' | 'total'>;
  autoRefresh: boolean;
  setAutoRefresh: (on: boolean) => void;
  loadError: string | null;
  /** What is loading: another reason's list, or an older page. */
  busy: 'filter' | 'more' | null;
  /** When the list was last loaded in this tab (epoch ms); null until then. */
  updatedAt: number | null;
  refresh: () => Promise<void>;
  /** Shows the list of another reason (undefined: all). */
  chooseReason: (next: string | undefined) => Promise<void>;
  loadMore: () => Promise<void>;
}

export function useDeadLetterList(initial: DeadLetterList, initialReason: string | undefined): DeadLetterListState {
  const [reason, setReason] = useState(initialReason);
  const [loaded, setLoaded] = useState<Loaded>({ rows: initial.dead_letters, nextBefore: initial.next_before });
  const [counts, setCounts] = useState({ reasons: initial.reasons, total: initial.total });
  const [autoRefresh, setAutoRefresh] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'filter' | 'more' | null>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);

  // The interval and late responses read the current view through refs; a response for a
  // filter that is no longer shown is dropped.
  const view = useRef({ reason, loaded });
  useEffect(() => {
    view.current = { reason, loaded };
  }, [reason, loaded]);

  const refresh = useCallback(async () => {
    const { reason: forReason, loaded: current } = view.current;
    const limit = Math.min(Math.max(current.rows.length, DEAD_LETTER_PAGE_SIZE), MAX_DEAD_LETTER_PAGE_SIZE);
    try {
      const fresh = await fetchJson<DeadLetterList>(listUrl(forReason, limit), AbortSignal.timeout(10_000));
      if (view.current.reason !== forReason) return;
      setLoaded((cur) => mergeFresh(cur, fresh));
      setCounts({ reasons: fresh.reasons, total: fresh.total });
      setUpdatedAt(Date.now());
      setLoadError(null);
    } catch (err) {
      setLoadError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    if (!autoRefresh) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [autoRefresh, refresh]);

  const chooseReason = async (next: string | undefined) => {
    setReason(next);
    view.current = { ...view.current, reason: next };
    setBusy('filter');
    // The filter is part of the address, so a link shows the same list (no new history entry).
    const url = new URL(window.location.href);
    if (next) url.searchParams.set('reason', next);
    else url.searchParams.delete('reason');
    window.history.replaceState(window.history.state, '', url);
    try {
      const page = await fetchJson<DeadLetterList>(listUrl(next, DEAD_LETTER_PAGE_SIZE), AbortSignal.timeout(10_000));
      if (view.current.reason !== next) return;
      setLoaded({ rows: page.dead_letters, nextBefore: page.next_before });
      setCounts({ reasons: page.reasons, total: page.total });
      setUpdatedAt(Date.now());
      setLoadError(null);
    } catch (err) {
      setLoadError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const loadMore = async () => {
    const { reason: forReason, loaded: current } = view.current;
    if (current.nextBefore === null) return;
    setBusy('more');
    try {
      const page = await fetchJson<DeadLetterList>(
        listUrl(forReason, DEAD_LETTER_PAGE_SIZE, current.nextBefore),
        AbortSignal.timeout(10_000),
      );
      if (view.current.reason !== forReason) return;
      setLoaded((cur) => appendOlder(cur, page));
      setLoadError(null);
    } catch (err) {
      setLoadError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return {
    reason,
    loaded,
    counts,
    autoRefresh,
    setAutoRefresh,
    loadError,
    busy,
    updatedAt,
    refresh,
    chooseReason,
    loadMore,
  };
}
