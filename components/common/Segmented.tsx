'use client';

import { cx } from './cx';
import { SEGMENT_LOOK, ToggleButton } from './ToggleButton';

/**
 * A small group of mutually exclusive toggle buttons (chart metric, sort order). Each button
 * says with aria-pressed whether it is the chosen one; the group is named by its legend.
 */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
  className,
}: {
  /** Accessible name of the group, e.g. "Trend metric". */
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  testId: string;
  className?: string;
}) {
  return (
    <fieldset
      data-testid={testId}
      data-value={value}
      className={cx('m-0 inline-flex min-w-0 shrink-0 rounded-md border-0 bg-muted p-0.5', className)}
    >
      <legend className="sr-only">{label}</legend>
      {options.map((o) => {
        const pressed = o.value === value;
        return (
          <ToggleButton
            key={o.value}
            data-value={o.value}
            pressed={pressed}
            look={SEGMENT_LOOK}
            onClick={() => onChange(o.value)}
            className="inline-flex h-6 items-center rounded px-2 text-xs font-medium whitespace-nowrap transition-colors"
          >
            {o.label}
          </ToggleButton>
        );
      })}
    </fieldset>
  );
}
