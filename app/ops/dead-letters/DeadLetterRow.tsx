'use client';

// One dead letter: its row (selection, received, reason, source, key, payload preview, re-drive)
// and, when expanded, the payload detail below it.
import { useId } from 'react';
import { cx } from '@/components/common/cx';
import type { DeadLetter, RedriveResult } from '@/lib/contract/dead-letters';
import { PREVIEW_BYTES } from '@/lib/contract/payload-preview';
import { formatBytes, prettyPayload, RECEIVED, RECEIVED_FULL } from './display';
import { RedriveCell } from './RedriveCell';

export function DeadLetterRow({
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
        data-received-at={row.received_at}
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
      {expanded && <PayloadDetail id={payloadId} row={row} />}
    </>
  );
}

/** The expanded payload: pretty JSON when it is whole JSON, else the preview as it is. */
function PayloadDetail({ id, row }: { id: string; row: DeadLetter }) {
  return (
    <tr className="border-b border-border/70 bg-muted/40">
      <td />
      <td colSpan={6} className="py-2.5 pr-5">
        <pre
          id={id}
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
  );
}
