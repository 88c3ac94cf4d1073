'use client';

// The selection toolbar: select all on the page, how many are selected, and "Re-drive selected".
import { useEffect, useRef } from 'react';
import { BUTTON_PRIMARY } from '@/components/common/buttons';
import { cx } from '@/components/common/cx';
import { formatNumber } from '@/lib/domain/format';
import { TokenNote } from './TokenNote';

export function SelectionBar({
  onPage,
  selectedCount,
  redriveEnabled,
  onSelect,
  onRedrive,
}: {
  /** Ids of the rows on screen. */
  onPage: number[];
  /** How many of them are selected. */
  selectedCount: number;
  redriveEnabled: boolean;
  onSelect: (ids: ReadonlySet<number>) => void;
  onRedrive: () => void;
}) {
  const allSelected = onPage.length > 0 && selectedCount === onPage.length;
  const selectAllRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAllRef.current) {
      selectAllRef.current.indeterminate = selectedCount > 0 && !allSelected;
    }
  });

  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-t border-border px-5 py-2.5">
      <label
        className={cx(
          'flex items-center gap-2 text-[13px]',
          (!redriveEnabled || onPage.length === 0) && 'text-muted-foreground',
        )}
      >
        <input
          ref={selectAllRef}
          type="checkbox"
          data-testid="select-all"
          checked={allSelected}
          disabled={!redriveEnabled || onPage.length === 0}
          onChange={() => onSelect(allSelected ? new Set() : new Set(onPage))}
          className="size-4 accent-accent"
        />
        Select all on page
      </label>
      <span data-testid="selected-count" className="text-xs text-muted-foreground tabular-nums">
        {formatNumber(selectedCount)} selected
      </span>
      <button
        type="button"
        data-testid="redrive-selected"
        disabled={!redriveEnabled || selectedCount === 0}
        onClick={onRedrive}
        className={BUTTON_PRIMARY}
      >
        Re-drive selected
      </button>
      {redriveEnabled && <TokenNote />}
    </div>
  );
}
