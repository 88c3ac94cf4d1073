'use client';

import { type FormEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { AppHeader } from '../../../components/common/AppHeader';
import { Breadcrumbs } from '../../../components/common/Breadcrumbs';
import { Card } from '../../../components/common/Card';
import { cx } from '../../../components/common/cx';
import { EmptyState } from '../../../components/common/EmptyState';
import { fetchJson } from '../../../components/hooks/fetch-json';
import { useIsClient } from '../../../components/hooks/useIsClient';
import { formatNumber } from '../../../lib/format';
import { PREVIEW_BYTES } from '../../../lib/payload-preview';
import {
  DEAD_LETTER_PAGE_SIZE,
  type DeadLetter,
  type DeadLetterList,
  MAX_DEAD_LETTER_PAGE_SIZE,
  MAX_REDRIVE_IDS,
  type RedriveResponse,
  type RedriveResult,
} from '../../../lib/queries/dead-letters.types';

export const REFRESH_MS = 5000;
const TOKEN_KEY = 'pulse-ops-token';

const RECEIVED = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const RECEIVED_FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const TIME = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `currency_mismatch` → `Currency mismatch`. */
export function reasonLabel(reason: string): string {
  const words = reason
    .split('_')
    .map((w) => ({ json: 'JSON', utf8: 'UTF-8' })[w] ?? w)
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatBytes(n: number): string {
  return n < 1024 ? `${formatNumber(n)} B` : `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} KiB`;
}

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token is asked for again next time
  }
}

class TokenRejected extends Error {}

async function postRedrive(ids: number[], token: string | null): Promise<RedriveResponse> {
  const res = await fetch('/api/v1/dead-letters/redrive', {
    method: 'POST',
    cache: 'no-store',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ ids }),
  });
  const body = (await res.json().catch(() => null)) as (RedriveResponse & { error?: { message?: string } }) | null;
  const message = body?.error?.message ?? `HTTP ${res.status}`;
  if (res.status === 401) throw new TokenRejected(message);
  if (!res.ok || !body) throw new Error(message);
  return body;
}

function listUrl(reason: string | undefined, limit: number, before?: number): string {
  const params = new URLSearchParams();
  if (reason) params.set('reason', reason);
  params.set('limit', String(limit));
  if (before !== undefined) params.set('before', String(before));
  return `/api/v1/dead-letters?${params}`;
}

interface Loaded {
  rows: DeadLetter[];
  nextBefore: number | null;
}

/**
 * A fresh first page replaces the rows it covers (ids down to its oldest); older rows loaded
 * with "Load more" stay, so a refresh never shortens what the reader scrolled to.
 */
function mergeFresh(current: Loaded, fresh: DeadLetterList): Loaded {
  const oldest = fresh.dead_letters.at(-1)?.id;
  if (fresh.next_before === null || oldest === undefined) {
    return { rows: fresh.dead_letters, nextBefore: fresh.next_before };
  }
  const below = current.rows.filter((r) => r.id < oldest);
  return {
    rows: [...fresh.dead_letters, ...below],
    nextBefore: below.length > 0 ? current.nextBefore : fresh.next_before,
  };
}

export interface DeadLettersPageProps {
  initial: DeadLetterList;
  initialReason?: string;
  /** Where re-driven messages go. */
  salesTopic: string;
  /** False when the server has no OPS_TOKEN: the list is read-only. */
  redriveEnabled: boolean;
}

export function DeadLettersPage({ initial, initialReason, salesTopic, redriveEnabled }: DeadLettersPageProps) {
  const [reason, setReason] = useState(initialReason);
  const [loaded, setLoaded] = useState<Loaded>({ rows: initial.dead_letters, nextBefore: initial.next_before });
  const [counts, setCounts] = useState({ reasons: initial.reasons, total: initial.total });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [results, setResults] = useState<ReadonlyMap<number, RedriveResult>>(new Map());
  const [autoRefresh, setAutoRefresh] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'filter' | 'more' | null>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [summary, setSummary] = useState<string | null>(null);
  const isClient = useIsClient();

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
    if (next === reason) return;
    setReason(next);
    view.current = { ...view.current, reason: next };
    setSelected(new Set());
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
      setLoaded((cur) => {
        const oldest = cur.rows.at(-1)?.id ?? Number.POSITIVE_INFINITY;
        return { rows: [...cur.rows, ...page.dead_letters.filter((r) => r.id < oldest)], nextBefore: page.next_before };
      });
      setLoadError(null);
    } catch (err) {
      setLoadError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const rows = loaded.rows;
  const onPage = rows.map((r) => r.id);
  const selectedOnPage = onPage.filter((id) => selected.has(id));
  const allSelected = onPage.length > 0 && selectedOnPage.length === onPage.length;
  const selectAllRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAllRef.current) {
      selectAllRef.current.indeterminate = selectedOnPage.length > 0 && !allSelected;
    }
  });

  const toggle = (id: number) =>
    setSelected((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const chips = useMemo(() => {
    const list = [...counts.reasons];
    if (reason && !list.some((c) => c.reason === reason)) list.push({ reason, count: 0 });
    return list;
  }, [counts.reasons, reason]);

  /** Sends the selection in requests of at most MAX_REDRIVE_IDS; a rejected token stops it. */
  const redrive = async (token: string | null): Promise<void> => {
    const ids = rows.filter((r) => selected.has(r.id)).map((r) => r.id);
    const previous = results;
    setResults((cur) => {
      const next = new Map(cur);
      for (const id of ids) next.set(id, { id, status: 'pending' });
      return next;
    });
    const done: RedriveResult[] = [];
    try {
      for (let i = 0; i < ids.length; i += MAX_REDRIVE_IDS) {
        const response = await postRedrive(ids.slice(i, i + MAX_REDRIVE_IDS), token);
        done.push(...response.results);
        setResults((cur) => {
          const next = new Map(cur);
          for (const r of response.results) next.set(r.id, r);
          return next;
        });
      }
    } catch (err) {
      // Rows that were not sent keep what they showed before.
      const sent = new Set(done.map((r) => r.id));
      setResults((cur) => {
        const next = new Map(cur);
        for (const id of ids) {
          const before = previous.get(id);
          if (sent.has(id)) continue;
          if (before) next.set(id, before);
          else next.delete(id);
        }
        return next;
      });
      throw err;
    }
    const redriven = done.filter((r) => r.status === 'redriven').length;
    const failed = done.length - redriven;
    setSummary(
      `${formatNumber(redriven)} of ${formatNumber(done.length)} re-driven to ${salesTopic}` +
        (failed > 0 ? ` · ${formatNumber(failed)} not (see the rows)` : '') +
        '. Valid events are counted once; messages still invalid come back as new dead letters.',
    );
    setSelected(new Set());
    void refresh();
  };

  const captionId = useId();
  return (
    <div className="min-h-screen">
      <AppHeader />
      <main className="mx-auto flex max-w-[1280px] flex-col gap-4 px-6 pt-5 pb-10">
        <Breadcrumbs items={[{ label: 'Dashboard', href: '/' }, { label: 'Dead letters' }]} />
        <header className="flex flex-wrap items-end justify-between gap-x-6 gap-y-1">
          <div className="min-w-0">
            <h2 className="text-xl font-semibold tracking-tight">Dead letters</h2>
            <p className="mt-0.5 text-xs text-muted-foreground">
              Messages the workers rejected, newest first. Once the contract or the configuration is fixed, re-drive
              them: they go back to <code className="font-mono text-foreground">{salesTopic}</code> with their original
              key and bytes.
            </p>
          </div>
        </header>

        {!redriveEnabled && (
          <p
            role="note"
            data-testid="redrive-off"
            className="rounded-lg border border-border bg-muted px-3 py-2 text-xs text-muted-foreground"
          >
            Re-drive is off on this server: start the web server with <code className="font-mono">OPS_TOKEN</code> set
            to enable it (the page then asks for the token).
          </p>
        )}

        <Card
          title="Rejected messages"
          description={
            <>
              {formatNumber(counts.total)} kept
              {updatedAt !== null && isClient && <> · updated {TIME.format(updatedAt)}</>}
              {autoRefresh && ` · refreshes every ${REFRESH_MS / 1000} s`}
            </>
          }
          data-testid="dead-letters"
          action={
            <div className="flex shrink-0 items-center gap-3">
              <label className="flex items-center gap-1.5 text-xs text-muted-foreground">
                <input
                  type="checkbox"
                  data-testid="auto-refresh"
                  checked={autoRefresh}
                  onChange={(e) => setAutoRefresh(e.target.checked)}
                  className="size-3.5 accent-accent"
                />
                Auto-refresh
              </label>
              <button type="button" data-testid="refresh" onClick={() => void refresh()} className={BUTTON_SECONDARY}>
                Refresh
              </button>
            </div>
          }
        >
          {/* Full-bleed rows: the card body's padding is cancelled here (a bodyClassName can't
              override it — Tailwind orders px-5 after px-0). */}
          <div className="-mx-5 -mb-5">
            <fieldset className="m-0 flex min-w-0 flex-wrap gap-1.5 border-0 px-5 pb-3">
              <legend className="sr-only">Filter by reason</legend>
              <ReasonChip
                label="All"
                count={counts.total}
                pressed={!reason}
                onClick={() => void chooseReason(undefined)}
              />
              {chips.map((c) => (
                <ReasonChip
                  key={c.reason}
                  reason={c.reason}
                  label={reasonLabel(c.reason)}
                  count={c.count}
                  pressed={reason === c.reason}
                  onClick={() => void chooseReason(reason === c.reason ? undefined : c.reason)}
                />
              ))}
            </fieldset>

            <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-t border-border px-5 py-2.5">
              <label
                className={cx(
                  'flex items-center gap-2 text-[13px]',
                  (!redriveEnabled || rows.length === 0) && 'text-muted-foreground',
                )}
              >
                <input
                  ref={selectAllRef}
                  type="checkbox"
                  data-testid="select-all"
                  checked={allSelected}
                  disabled={!redriveEnabled || rows.length === 0}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(onPage))}
                  className="size-4 accent-accent"
                />
                Select all on page
              </label>
              <span data-testid="selected-count" className="text-xs text-muted-foreground tabular-nums">
                {formatNumber(selectedOnPage.length)} selected
              </span>
              <button
                type="button"
                data-testid="redrive-selected"
                disabled={!redriveEnabled || selectedOnPage.length === 0}
                onClick={() => {
                  setSummary(null);
                  setDialogOpen(true);
                }}
                className={BUTTON_PRIMARY}
              >
                Re-drive selected
              </button>
              {redriveEnabled && <TokenNote />}
            </div>

            {summary && (
              <p
                role="status"
                data-testid="redrive-summary"
                className="border-t border-border bg-success-soft px-5 py-2 text-xs text-success-foreground"
              >
                {summary}
              </p>
            )}
            {loadError && (
              <p
                role="alert"
                className="border-t border-border bg-warning-soft px-5 py-2 text-xs text-warning-foreground"
              >
                Couldn’t load dead letters: {loadError}
              </p>
            )}

            <div aria-busy={busy === 'filter' || undefined} className={cx(busy === 'filter' && 'opacity-60')}>
              {rows.length === 0 ? (
                <div className="border-t border-border px-5 py-5">
                  <EmptyState
                    title={reason ? `No dead letters with reason ${reason}` : 'No dead letters'}
                    hint="Every message the workers reject shows up here with its reason."
                  />
                </div>
              ) : (
                <div className="overflow-x-auto border-t border-border">
                  <table className="w-full min-w-[960px] table-fixed text-[13px]">
                    <caption id={captionId} className="sr-only">
                      Dead letters, newest first
                    </caption>
                    <colgroup>
                      <col className="w-11" />
                      <col className="w-[132px]" />
                      <col className="w-[24%]" />
                      <col className="w-[92px]" />
                      <col className="w-[120px]" />
                      <col />
                      <col className="w-[210px]" />
                    </colgroup>
                    <thead>
                      <tr className="border-b border-border text-left text-xs text-muted-foreground">
                        <th scope="col" className="py-2 pl-5 font-medium">
                          <span className="sr-only">Select</span>
                        </th>
                        <th scope="col" className="py-2 font-medium">
                          Received
                        </th>
                        <th scope="col" className="py-2 pr-3 font-medium">
                          Reason
                        </th>
                        <th scope="col" className="py-2 pr-3 font-medium">
                          Source
                        </th>
                        <th scope="col" className="py-2 pr-3 font-medium">
                          Key
                        </th>
                        <th scope="col" className="py-2 pr-3 font-medium">
                          Payload
                        </th>
                        <th scope="col" className="py-2 pr-5 font-medium">
                          Re-drive
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((row) => (
                        <DeadLetterRow
                          key={row.id}
                          row={row}
                          selectable={redriveEnabled}
                          selected={selected.has(row.id)}
                          onToggle={() => toggle(row.id)}
                          expanded={expanded.has(row.id)}
                          onExpand={() =>
                            setExpanded((cur) => {
                              const next = new Set(cur);
                              if (next.has(row.id)) next.delete(row.id);
                              else next.add(row.id);
                              return next;
                            })
                          }
                          result={results.get(row.id)}
                          isClient={isClient}
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>

            <div className="flex items-center justify-between gap-4 border-t border-border px-5 py-3 text-xs text-muted-foreground">
              <span data-testid="shown-count">
                {formatNumber(rows.length)} shown
                {reason
                  ? ` of ${formatNumber(counts.reasons.find((c) => c.reason === reason)?.count ?? 0)}`
                  : ` of ${formatNumber(counts.total)}`}
              </span>
              {loaded.nextBefore !== null && (
                <button
                  type="button"
                  data-testid="load-more"
                  onClick={() => void loadMore()}
                  disabled={busy !== null}
                  className={BUTTON_SECONDARY}
                >
                  {busy === 'more' ? 'Loading…' : 'Load more'}
                </button>
              )}
            </div>
          </div>
        </Card>
      </main>

      {redriveEnabled && (
        <RedriveDialog
          open={dialogOpen}
          count={selectedOnPage.length}
          reasons={rows.filter((r) => selected.has(r.id)).map((r) => r.reason)}
          topic={salesTopic}
          onClose={() => setDialogOpen(false)}
          onConfirm={redrive}
        />
      )}
    </div>
  );
}

const BUTTON_BASE =
  'inline-flex h-8 items-center rounded-lg px-3 text-[13px] font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring disabled:cursor-not-allowed disabled:opacity-50';
const BUTTON_PRIMARY = cx(BUTTON_BASE, 'bg-foreground text-background hover:opacity-90');
const BUTTON_SECONDARY = cx(
  BUTTON_BASE,
  'border border-border bg-card text-foreground hover:border-border-strong hover:bg-muted',
);

function ReasonChip({
  reason,
  label,
  count,
  pressed,
  onClick,
}: {
  reason?: string;
  label: string;
  count: number;
  pressed: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      data-testid="reason-chip"
      data-reason={reason ?? ''}
      data-count={count}
      aria-pressed={pressed}
      title={reason}
      onClick={onClick}
      className={cx(
        'inline-flex h-7 items-center gap-1.5 rounded-full border px-2.5 text-xs font-medium transition-colors',
        'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
        pressed
          ? 'border-accent/50 bg-accent-soft text-accent'
          : 'border-border text-muted-foreground hover:border-border-strong hover:text-foreground',
      )}
    >
      {label}
      <span
        className={cx(
          'rounded-full px-1.5 text-[11px] tabular-nums',
          pressed ? 'bg-accent/15' : 'bg-muted text-foreground',
        )}
      >
        {formatNumber(count)}
      </span>
    </button>
  );
}

/** The token stays in this tab only (sessionStorage) and can be dropped at once. */
function TokenNote() {
  const isClient = useIsClient();
  const [stored, setStored] = useState<boolean | null>(null);
  useEffect(() => {
    setStored(readToken() !== null);
    const sync = () => setStored(readToken() !== null);
    window.addEventListener('pulse-ops-token', sync);
    return () => window.removeEventListener('pulse-ops-token', sync);
  }, []);
  if (!isClient || stored === null) return null;
  return (
    <span className="ml-auto flex items-center gap-2 text-xs text-muted-foreground" data-testid="token-note">
      {stored ? 'Ops token kept for this tab' : 'Re-drive asks for the ops token'}
      {stored && (
        <button
          type="button"
          data-testid="forget-token"
          onClick={() => {
            storeToken(null);
            window.dispatchEvent(new Event('pulse-ops-token'));
          }}
          className="rounded font-medium text-foreground underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
        >
          Forget
        </button>
      )}
    </span>
  );
}

function prettyPayload(row: DeadLetter): string {
  const { preview } = row;
  if (preview.encoding === 'utf8' && !preview.truncated) {
    try {
      return JSON.stringify(JSON.parse(preview.text), null, 2);
    } catch {
      // not JSON: shown as it is
    }
  }
  return preview.text;
}

function DeadLetterRow({
  row,
  selectable,
  selected,
  onToggle,
  expanded,
  onExpand,
  result,
  isClient,
}: {
  row: DeadLetter;
  selectable: boolean;
  selected: boolean;
  onToggle: () => void;
  expanded: boolean;
  onExpand: () => void;
  result: RedriveResult | undefined;
  isClient: boolean;
}) {
  const payloadId = useId();
  const oneLine = row.preview.text.replace(/\s+/g, ' ').slice(0, 200);
  const source = `${row.source.topic} partition ${row.source.partition}, offset ${row.source.offset}`;
  return (
    <>
      <tr
        id={`dead-letter-${row.id}`}
        data-testid="dead-letter-row"
        data-id={row.id}
        data-reason={row.reason}
        data-partition={row.source.partition}
        data-offset={row.source.offset}
        className={cx(
          'border-b border-border/70 align-top target:bg-warning-soft',
          selected ? 'bg-accent-soft/60' : 'hover:bg-muted/60',
        )}
      >
        <td className="py-2.5 pl-5">
          <input
            type="checkbox"
            data-testid="row-select"
            aria-label={`Select dead letter ${row.id} (${row.reason}, ${source})`}
            checked={selected}
            disabled={!selectable}
            onChange={onToggle}
            className="mt-0.5 size-4 accent-accent"
          />
        </td>
        <td className="py-2.5 pr-3 tabular-nums">
          <time
            dateTime={row.received_at}
            title={isClient ? RECEIVED_FULL.format(new Date(row.received_at)) : undefined}
          >
            {isClient ? RECEIVED.format(new Date(row.received_at)) : ''}
          </time>
          <div className="text-[11px] text-subtle-foreground">#{row.id}</div>
        </td>
        <td className="py-2.5 pr-3">
          <span
            data-testid="reason"
            className="inline-flex rounded bg-danger-soft px-1.5 py-px text-[11px] font-medium text-danger-foreground"
          >
            {row.reason}
          </span>
          <p className="mt-1 text-xs break-words text-muted-foreground">{row.detail}</p>
        </td>
        <td className="py-2.5 pr-3 text-xs tabular-nums" title={source}>
          <span className="text-muted-foreground">p</span>
          {row.source.partition}
          <span className="text-muted-foreground"> · </span>
          {row.source.offset}
        </td>
        <td className="truncate py-2.5 pr-3 font-mono text-xs" title={row.key ?? 'no key'}>
          {row.key ?? <span className="font-sans text-subtle-foreground">none</span>}
        </td>
        <td className="min-w-0 py-2.5 pr-3">
          <button
            type="button"
            data-testid="payload-toggle"
            aria-expanded={expanded}
            aria-controls={payloadId}
            onClick={onExpand}
            className="flex w-full min-w-0 items-start gap-1.5 rounded text-left focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
          >
            <svg
              aria-hidden="true"
              viewBox="0 0 16 16"
              className={cx(
                'mt-0.5 size-3 shrink-0 text-muted-foreground transition-transform',
                expanded && 'rotate-90',
              )}
            >
              <path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
            <span className="min-w-0 flex-1">
              <span data-testid="payload-preview" className="block truncate font-mono text-xs">
                {row.size === 0 ? <span className="font-sans text-subtle-foreground">empty</span> : oneLine}
              </span>
              <span className="block text-[11px] text-subtle-foreground">
                {formatBytes(row.size)}
                {row.preview.encoding === 'hex' && ' · binary, shown as hex'}
              </span>
            </span>
          </button>
        </td>
        <td className="py-2.5 pr-5 text-xs">
          <RedriveCell row={row} result={result} isClient={isClient} />
        </td>
      </tr>
      {expanded && (
        <tr className="border-b border-border/70 bg-muted/40">
          <td />
          <td colSpan={6} className="py-2.5 pr-5">
            <pre
              id={payloadId}
              data-testid="payload-full"
              data-encoding={row.preview.encoding}
              className="max-h-80 overflow-auto rounded-md border border-border bg-card p-3 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap"
            >
              {prettyPayload(row)}
            </pre>
            {row.preview.truncated && (
              <p className="mt-1 text-[11px] text-subtle-foreground">
                The first {formatBytes(PREVIEW_BYTES)} of {formatBytes(row.size)}.
              </p>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

const RESULT_TEXT: Record<RedriveResult['status'], string> = {
  redriven: 'Re-driven',
  pending: 'Waiting for Kafka…',
  failed: 'Failed',
  not_found: 'No longer kept',
};

function RedriveCell({ row, result, isClient }: { row: DeadLetter; result?: RedriveResult; isClient: boolean }) {
  const { redrive, redrive_of: origin } = row;
  return (
    <div className="flex flex-col items-start gap-1">
      {result && (
        <span
          data-testid="redrive-result"
          data-status={result.status}
          title={result.error}
          className={cx(
            'inline-flex max-w-full rounded px-1.5 py-px text-[11px] font-medium',
            result.status === 'redriven' && 'bg-success-soft text-success-foreground',
            result.status === 'pending' && 'bg-warning-soft text-warning-foreground',
            (result.status === 'failed' || result.status === 'not_found') && 'bg-danger-soft text-danger-foreground',
          )}
        >
          <span className="truncate">
            {RESULT_TEXT[result.status]}
            {result.to && ` → p${result.to.partition} · ${result.to.offset}`}
            {result.error && `: ${result.error}`}
          </span>
        </span>
      )}
      {redrive && (
        <span data-testid="redrive-state" data-outcome={redrive.outcome} data-count={redrive.count}>
          <span className="text-muted-foreground">
            {redrive.count === 1 ? 'Re-driven' : `Re-driven ${redrive.count}×`}
            {isClient && `, last ${TIME.format(new Date(redrive.last_at))}`}
          </span>
          <br />
          {redrive.outcome === 'pending' && <span className="text-warning-foreground">waiting for the workers</span>}
          {redrive.outcome === 'accepted' && <span className="text-success-foreground">accepted by the workers</span>}
          {redrive.outcome === 'dead_lettered' && (
            <span className="text-danger-foreground">
              rejected again
              {redrive.dead_letter && (
                <>
                  {' → '}
                  <a
                    href={`#dead-letter-${redrive.dead_letter.id}`}
                    className="rounded font-medium underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
                  >
                    #{redrive.dead_letter.id}
                  </a>
                </>
              )}
            </span>
          )}
        </span>
      )}
      {origin && (
        <span data-testid="redrive-of" data-origin-id={origin.id ?? ''} className="text-muted-foreground">
          Re-drive of{' '}
          {origin.id !== null ? (
            <a
              href={`#dead-letter-${origin.id}`}
              className="rounded font-medium text-foreground underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
            >
              #{origin.id}
            </a>
          ) : (
            `p${origin.partition} · ${origin.offset}`
          )}
        </span>
      )}
      {!result && !redrive && !origin && <span className="text-subtle-foreground">—</span>}
    </div>
  );
}

/** Confirmation, and the ops token when this tab has none. A native modal dialog: focus and Escape for free. */
function RedriveDialog({
  open,
  count,
  reasons,
  topic,
  onClose,
  onConfirm,
}: {
  open: boolean;
  count: number;
  reasons: string[];
  topic: string;
  onClose: () => void;
  onConfirm: (token: string | null) => Promise<void>;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const tokenId = useId();
  const [needToken, setNeedToken] = useState(false);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setNeedToken(readToken() === null);
      setToken('');
      setError(null);
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  const byReason = new Map<string, number>();
  for (const r of reasons) byReason.set(r, (byReason.get(r) ?? 0) + 1);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const useToken = needToken ? token.trim() : readToken();
    if (needToken && !useToken) {
      setError('Enter the ops token.');
      return;
    }
    setSending(true);
    setError(null);
    try {
      await onConfirm(useToken);
      if (needToken && useToken) storeToken(useToken);
      window.dispatchEvent(new Event('pulse-ops-token'));
      onClose();
    } catch (err) {
      if (err instanceof TokenRejected) {
        storeToken(null);
        window.dispatchEvent(new Event('pulse-ops-token'));
        setNeedToken(true);
        setToken('');
        setError(`The ops token was not accepted (${err.message}).`);
      } else {
        setError((err as Error).message);
      }
    } finally {
      setSending(false);
    }
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid="redrive-dialog"
      onClose={onClose}
      className="m-auto w-[min(440px,calc(100vw-2rem))] rounded-xl border border-border bg-card p-0 text-card-foreground shadow-lg backdrop:bg-black/40"
    >
      <form onSubmit={submit} className="flex flex-col gap-3 p-5">
        <h2 id={titleId} className="text-base font-semibold tracking-tight">
          Re-drive {formatNumber(count)} dead {count === 1 ? 'letter' : 'letters'}?
        </h2>
        <p className="text-[13px] text-muted-foreground">
          Each is produced again to <code className="font-mono text-foreground">{topic}</code> with its original key and
          bytes. Valid events are counted once, even if re-driven twice; messages still invalid come back as new dead
          letters.
        </p>
        <ul className="flex flex-wrap gap-1.5 text-xs">
          {[...byReason].map(([reason, n]) => (
            <li key={reason} className="rounded bg-muted px-1.5 py-px">
              {reason} × {formatNumber(n)}
            </li>
          ))}
        </ul>
        {needToken && (
          <div className="flex flex-col gap-1">
            <label htmlFor={tokenId} className="text-xs font-medium">
              Ops token
            </label>
            <input
              id={tokenId}
              type="password"
              data-testid="ops-token"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              className="h-8 rounded-lg border border-border bg-background px-2.5 font-mono text-[13px] focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
            />
            <span className="text-[11px] text-subtle-foreground">
              The server’s OPS_TOKEN. Kept in this tab until it is closed.
            </span>
          </div>
        )}
        {error && (
          <p role="alert" data-testid="redrive-error" className="text-xs text-danger-foreground">
            {error}
          </p>
        )}
        <div className="mt-1 flex justify-end gap-2">
          <button type="button" onClick={onClose} className={BUTTON_SECONDARY}>
            Cancel
          </button>
          <button type="submit" data-testid="redrive-confirm" disabled={sending} className={BUTTON_PRIMARY}>
            {sending ? 'Re-driving…' : `Re-drive ${formatNumber(count)}`}
          </button>
        </div>
      </form>
    </dialog>
  );
}
