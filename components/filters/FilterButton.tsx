'use client';

import type { ReactNode } from 'react';
import { cx } from '@/components/common/cx';
import type { Dimension } from '@/lib/web/overview-params';
import { isSoleValue } from './filter-values';
import type { ClickFilter } from './useClickFilter';

/** The tooltip and accessible name of a click-to-filter control. */
export function filterTitle(active: boolean, label: string): string {
  return active ? `Remove the filter ${label}` : `Filter to ${label}`;
}

/**
 * A breakdown's row label as a button that filters the view to its value (pressed while the
 * view shows only that value; pressing again removes the filter). Without `filter` (a view
 * that cannot be filtered, e.g. "Other"), the label alone.
 */
export function FilterButton({
  filter,
  dimension,
  value,
  label,
  className,
  children,
}: {
  filter: ClickFilter | undefined;
  dimension: Dimension;
  value: string;
  /** How the value is shown ("In store" for `store`). */
  label: string;
  className?: string;
  children?: ReactNode;
}) {
  if (!filter)
    return (
      <span className={className} title={label}>
        {children ?? label}
      </span>
    );
  const active = isSoleValue(filter.query, dimension, value);
  const title = filterTitle(active, label);
  return (
    <button
      type="button"
      data-testid="filter-to"
      data-dimension={dimension}
      data-value={value}
      aria-pressed={active}
      aria-label={title}
      title={title}
      onClick={() => filter.select(dimension, value)}
      className={cx(
        'cursor-pointer rounded-sm text-left underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
        active && 'font-semibold',
        className,
      )}
    >
      {children ?? label}
    </button>
  );
}
