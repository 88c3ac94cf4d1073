'use client';

// The list itself: one row per dead letter, newest first, or an empty state.
import { useId } from 'react';
import { EmptyState } from '@/components/common/EmptyState';
import { type Column, TableHeader } from '@/components/common/TableHeader';
import type { DeadLetter, RedriveResult } from '@/lib/contract/dead-letters';
import { DeadLetterRow } from './DeadLetterRow';

const COLUMNS: readonly Column[] = [
  { key: 'select', label: <span className="sr-only">Select</span>, className: 'pl-5' },
  { key: 'received', label: 'Received' },
  { key: 'reason', label: 'Reason', className: 'pr-3' },
  { key: 'source', label: 'Source', className: 'pr-3' },
  { key: 'key', label: 'Key', className: 'pr-3' },
  { key: 'payload', label: 'Payload', className: 'pr-3' },
  { key: 'redrive', label: 'Re-drive', className: 'pr-5' },
];

export function DeadLetterTable({
  rows,
  reason,
  selectable,
  selected,
  onToggle,
  expanded,
  onExpand,
  results,
  isClient,
}: {
  rows: DeadLetter[];
  /** The reason filtered on, for the empty state. */
  reason: string | undefined;
  selectable: boolean;
  selected: ReadonlySet<number>;
  onToggle: (id: number) => void;
  expanded: ReadonlySet<number>;
  onExpand: (id: number) => void;
  results: ReadonlyMap<number, RedriveResult>;
  isClient: boolean;
}) {
  const captionId = useId();
  if (rows.length === 0) {
    return (
      <div className="border-t border-border px-5 py-5">
        <EmptyState
          title={reason ? `No dead letters with reason ${reason}` : 'No dead letters'}
          hint="Every message the workers reject shows up here with its reason."
        />
      </div>
    );
  }
  return (
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
        <TableHeader sticky={false} columns={COLUMNS} />
        <tbody>
          {rows.map((row) => (
            <DeadLetterRow
              key={row.id}
              row={row}
              selectable={selectable}
              selected={selected.has(row.id)}
              onToggle={() => onToggle(row.id)}
              expanded={expanded.has(row.id)}
              onExpand={() => onExpand(row.id)}
              result={results.get(row.id)}
              isClient={isClient}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
