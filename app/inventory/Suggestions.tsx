'use client';

// The inventory page's suggestions: the open restock, markdown and price-raise suggestions of
// the store×SKU rows on the page, live over `alerts:subscribe`, each with its reasoning and
// Accept / Dismiss for admins and merchandisers (POST /api/v1/alerts/{id}/accept|dismiss). A
// decided suggestion shows its decision until its condition clears.
import { useEffect, useMemo, useState } from 'react';
import { KIND_LABELS, postAlertAction, reasoningText, subjectText } from '@/components/alerts/alert-actions';
import { useViewer } from '@/components/auth/ViewerContext';
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from '@/components/common/buttons';
import { Card } from '@/components/common/Card';
import { useLiveAlerts } from '@/components/hooks/useLiveAlerts';
import { useNow } from '@/components/hooks/useNow';
import { SUGGESTION_KINDS } from '@/lib/contract/actions';
import { ALERTS_MAX_LIMIT, type AlertEpisode, type AlertsQuery } from '@/lib/contract/alerts';
import type { StockRow } from '@/lib/contract/inventory';
import { formatAgo, formatDateTime } from '@/lib/domain/format';
import { rowId } from './inventory-view';

export function Suggestions({ rows, stores }: { rows: readonly StockRow[]; stores: readonly string[] }) {
  const role = useViewer()?.role;
  const canAct = role === 'admin' || role === 'merchandiser';
  const skus = useMemo(() => [...new Set(rows.map((r) => r.sku))].sort(), [rows]);
  const skuKey = skus.join('\u0000');
  const storeKey = stores.join('\u0000');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the keys stand for the lists
  const query = useMemo<AlertsQuery>(
    () => ({
      kinds: [...SUGGESTION_KINDS].sort(),
      severities: [],
      state: 'open',
      stores: [...stores],
      skus,
      limit: ALERTS_MAX_LIMIT,
      offset: 0,
    }),
    [skuKey, storeKey],
  );
  const live = useLiveAlerts(query);
  const [changed, setChanged] = useState<Map<string, AlertEpisode>>(new Map());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new push replaces what this page changed
  useEffect(() => setChanged(new Map()), [live.data]);
  const onPage = useMemo(() => new Set(rows.map(rowId)), [rows]);
  const suggestions = live.data.episodes
    .map((e) => changed.get(e.id) ?? e)
    .filter((e) => e.subject.store_id !== null && e.subject.sku !== null)
    .filter((e) => onPage.has(rowId({ store_id: e.subject.store_id as string, sku: e.subject.sku as string })));

  if (skus.length === 0) return null;
  return (
    <Card
      title="Suggestions"
      description="Restock and pricing proposals for the rows below; accepting one sends it to ordering and pricing"
      data-testid="suggestions"
      aria-busy={!live.isCurrent || undefined}
    >
      {!live.isCurrent ? (
        <p className="text-sm text-muted-foreground">Loading suggestions…</p>
      ) : suggestions.length === 0 ? (
        <p className="text-sm text-muted-foreground" data-testid="suggestions-empty">
          No open suggestions for these rows.
        </p>
      ) : (
        <ul className="flex flex-col divide-y divide-border">
          {suggestions.map((s) => (
            <SuggestionItem
              key={s.id}
              suggestion={s}
              canAct={canAct}
              onChanged={(next) => setChanged((prev) => new Map(prev).set(next.id, next))}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

function SuggestionItem({
  suggestion,
  canAct,
  onChanged,
}: {
  suggestion: AlertEpisode;
  canAct: boolean;
  onChanged: (episode: AlertEpisode) => void;
}) {
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = `suggestion-${suggestion.id}-title`;
  const { decision } = suggestion;

  const decide = async (action: 'accept' | 'dismiss') => {
    setBusy(true);
    setError(null);
    try {
      onChanged((await postAlertAction(suggestion.id, action)).episode);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      data-testid="suggestion-item"
      data-id={suggestion.id}
      data-kind={suggestion.kind}
      data-store={suggestion.subject.store_id ?? undefined}
      data-sku={suggestion.subject.sku ?? undefined}
      data-decision={decision?.value ?? 'none'}
      aria-labelledby={titleId}
      className="flex flex-col gap-2 py-3 first:pt-0 last:pb-0 sm:flex-row sm:items-center sm:justify-between"
    >
      <div className="min-w-0">
        <h3 id={titleId} className="text-sm font-medium break-words text-foreground">
          {KIND_LABELS[suggestion.kind]} · {subjectText(suggestion)}
        </h3>
        <p className="text-[13px] break-words text-muted-foreground">{reasoningText(suggestion)}</p>
        <p className="text-xs text-muted-foreground" title={formatDateTime(suggestion.opened_at)}>
          Suggested{' '}
          {now === null ? formatDateTime(suggestion.opened_at) : formatAgo(now - Date.parse(suggestion.opened_at))}
        </p>
      </div>
      {decision ? (
        <p
          data-testid="suggestion-decision"
          className="shrink-0 rounded border border-border bg-muted px-2 py-1 text-xs font-medium text-foreground"
        >
          {decision.value === 'accepted' ? 'Accepted' : 'Dismissed'}
          {decision.by?.email ? ` by ${decision.by.email}` : ''}
        </p>
      ) : canAct ? (
        <div className="flex shrink-0 gap-2">
          <button
            type="button"
            data-testid="suggestion-accept"
            disabled={busy}
            onClick={() => void decide('accept')}
            aria-describedby={titleId}
            className={BUTTON_PRIMARY}
          >
            Accept
          </button>
          <button
            type="button"
            data-testid="suggestion-dismiss"
            disabled={busy}
            onClick={() => void decide('dismiss')}
            aria-describedby={titleId}
            className={BUTTON_SECONDARY}
          >
            Dismiss
          </button>
        </div>
      ) : null}
      {error !== null && (
        <p role="alert" className="text-xs text-danger-foreground">
          {error}
        </p>
      )}
    </li>
  );
}
