'use client';

// The dead-letters page, put together: the list (useDeadLetterList) filtered by reason
// (ReasonFilter), a selection (SelectionBar) re-driven through a confirmation (useRedrive,
// RedriveDialog), the rows (DeadLetterTable) and "Load more" (ListFooter).
import { AppHeader } from '@/components/common/AppHeader';
import { Breadcrumbs } from '@/components/common/Breadcrumbs';
import { BUTTON_SECONDARY } from '@/components/common/buttons';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { useIsClient } from '@/components/hooks/useIsClient';
import { type DeadLetterList, type RedriveTopics, redriveTopic } from '@/lib/contract/dead-letters';
import { formatNumber } from '@/lib/domain/format';
import { DeadLetterTable } from './DeadLetterTable';
import { TIME } from './display';
import { ListFooter } from './ListFooter';
import { ReasonFilter } from './ReasonFilter';
import { RedriveDialog } from './RedriveDialog';
import { SelectionBar } from './SelectionBar';
import { REFRESH_MS, useDeadLetterList } from './useDeadLetterList';
import { useIdSet } from './useIdSet';
import { useRedrive } from './useRedrive';

export interface DeadLettersPageProps {
  initial: DeadLetterList;
  initialReason?: string;
  /** Where re-driven messages go: back to the topic they were read from. */
  topics: RedriveTopics;
  /** False when the server has no OPS_TOKEN: the list is read-only. */
  redriveEnabled: boolean;
}

export function DeadLettersPage({ initial, initialReason, topics, redriveEnabled }: DeadLettersPageProps) {
  const list = useDeadLetterList(initial, initialReason);
  const selection = useIdSet();
  const expanded = useIdSet();
  const { reason, counts, autoRefresh, updatedAt, loadError, busy } = list;
  const rows = list.loaded.rows;
  const selectedRows = rows.filter((r) => selection.ids.has(r.id));
  const flow = useRedrive({
    rows,
    selected: selection.ids,
    onDone: () => {
      selection.replace(new Set());
      void list.refresh();
    },
  });
  const isClient = useIsClient();

  const chooseReason = (next: string | undefined) => {
    if (next === reason) return;
    selection.replace(new Set());
    void list.chooseReason(next);
  };

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
              them: they go back to the topic they were read from (sales events to{' '}
              <code className="font-mono text-foreground">{topics.sales}</code>, inventory events to{' '}
              <code className="font-mono text-foreground">{topics.inventory}</code>) with their original key and bytes.
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
                  onChange={(e) => list.setAutoRefresh(e.target.checked)}
                  className="size-3.5 accent-accent"
                />
                Auto-refresh
              </label>
              <button
                type="button"
                data-testid="refresh"
                onClick={() => void list.refresh()}
                className={BUTTON_SECONDARY}
              >
                Refresh
              </button>
            </div>
          }
        >
          {/* Full-bleed rows: the card body's padding is cancelled here (a bodyClassName can't
              override it — Tailwind orders px-5 after px-0). */}
          <div className="-mx-5 -mb-5">
            <ReasonFilter reason={reason} counts={counts} onChoose={chooseReason} />

            <SelectionBar
              onPage={rows.map((r) => r.id)}
              selectedCount={selectedRows.length}
              redriveEnabled={redriveEnabled}
              onSelect={selection.replace}
              onRedrive={flow.openDialog}
            />

            {flow.summary && (
              <p
                role="status"
                data-testid="redrive-summary"
                className="border-t border-border bg-success-soft px-5 py-2 text-xs text-success-foreground"
              >
                {flow.summary}
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
              <DeadLetterTable
                rows={rows}
                reason={reason}
                selectable={redriveEnabled}
                selected={selection.ids}
                onToggle={selection.toggle}
                expanded={expanded.ids}
                onExpand={expanded.toggle}
                results={flow.results}
                isClient={isClient}
              />
            </div>

            <ListFooter
              shown={rows.length}
              of={reason ? (counts.reasons.find((c) => c.reason === reason)?.count ?? 0) : counts.total}
              hasMore={list.loaded.nextBefore !== null}
              busy={busy}
              onLoadMore={() => void list.loadMore()}
            />
          </div>
        </Card>
      </main>

      {redriveEnabled && (
        <RedriveDialog
          open={flow.dialogOpen}
          count={selectedRows.length}
          reasons={selectedRows.map((r) => r.reason)}
          topics={[...new Set(selectedRows.map((r) => redriveTopic(r.source.topic, topics)))].sort()}
          onClose={flow.closeDialog}
          onConfirm={flow.redrive}
        />
      )}
    </div>
  );
}
