'use client';

import { CHIP_LOOK, ToggleButton } from './ToggleButton';

const LOOK = { ...CHIP_LOOK, pressed: 'border-accent/40 bg-accent-soft text-accent' };

/**
 * Swaps a chart tile between its chart and a data table with the same figures. A toggle
 * button: its name stays the same and aria-pressed says whether the table is shown.
 */
export function TableToggle({
  pressed,
  onPressedChange,
  subject,
  testId,
}: {
  pressed: boolean;
  onPressedChange: (pressed: boolean) => void;
  /** Completes the accessible name: "Table view of <subject>". */
  subject: string;
  testId: string;
}) {
  return (
    <ToggleButton
      pressed={pressed}
      look={LOOK}
      data-testid={testId}
      onClick={() => onPressedChange(!pressed)}
      title={pressed ? 'Show the chart' : 'Show the figures as a table'}
      className="inline-flex h-7 shrink-0 items-center gap-1.5 rounded-md border px-2 text-xs font-medium transition-colors tv:hidden"
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5">
        <g fill="none" stroke="currentColor" strokeWidth="1.4">
          <rect x="2" y="2.5" width="12" height="11" rx="1.5" />
          <path d="M2 6.25h12M2 9.75h12M6.5 6.25v7.25" />
        </g>
      </svg>
      Table<span className="sr-only"> view of {subject}</span>
    </ToggleButton>
  );
}
