'use client';

// The filter form: one chip per reason with its count, "All" first; the chosen one is pressed.
import { useMemo } from 'react';
import { cx } from '@/components/common/cx';
import { CHIP_LOOK, ToggleButton } from '@/components/common/ToggleButton';
import type { DeadLetterList } from '@/lib/contract/dead-letters';
import { formatNumber } from '@/lib/domain/format';
import { reasonLabel } from './display';

export function ReasonFilter({
  reason,
  counts,
  onChoose,
}: {
  reason: string | undefined;
  counts: Pick<DeadLetterList, 'reasons' | 'total'>;
  /** Called with the reason to show (undefined: all). */
  onChoose: (next: string | undefined) => void;
}) {
  // A reason chosen through the address keeps its chip even when none is kept.
  const chips = useMemo(() => {
    const list = [...counts.reasons];
    if (reason && !list.some((c) => c.reason === reason)) list.push({ reason, count: 0 });
    return list;
  }, [counts.reasons, reason]);

  return (
    <fieldset className="m-0 flex min-w-0 flex-wrap gap-1.5 border-0 px-5 pb-3">
      <legend className="sr-only">Filter by reason</legend>
      <ReasonChip label="All" count={counts.total} pressed={!reason} onClick={() => onChoose(undefined)} />
      {chips.map((c) => (
        <ReasonChip
          key={c.reason}
          reason={c.reason}
          label={reasonLabel(c.reason)}
          count={c.count}
          pressed={reason === c.reason}
          onClick={() => onChoose(reason === c.reason ? undefined : c.reason)}
        />
      ))}
    </fieldset>
  );
}

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
    <ToggleButton
      data-testid="reason-chip"
      data-reason={reason ?? ''}
      data-count={count}
      pressed={pressed}
      look={CHIP_LOOK}
      title={reason}
      onClick={onClick}
      className="inline-flex h-7 items-center gap-1.5 rounded-full border px-2.5 text-xs font-medium transition-colors"
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
    </ToggleButton>
  );
}
