'use client';

import { BUTTON_SECONDARY } from '@/components/common/buttons';
// Pagination: how many rows are shown of how many are kept, and "Load more" while older ones remain.
import { formatNumber } from '@/lib/domain/format';

export function ListFooter({
  shown,
  of,
  hasMore,
  busy,
  onLoadMore,
}: {
  shown: number;
  /** Rows kept for the chosen reason (or in all). */
  of: number;
  hasMore: boolean;
  busy: 'filter' | 'more' | null;
  onLoadMore: () => void;
}) {
  return (
    <div className="flex items-center justify-between gap-4 border-t border-border px-5 py-3 text-xs text-muted-foreground">
      <span data-testid="shown-count">
        {formatNumber(shown)} shown
        {` of ${formatNumber(of)}`}
      </span>
      {hasMore && (
        <button
          type="button"
          data-testid="load-more"
          onClick={onLoadMore}
          disabled={busy !== null}
          className={BUTTON_SECONDARY}
        >
          {busy === 'more' ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
