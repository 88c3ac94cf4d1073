'use client';

import { BUTTON_SECONDARY } from './buttons';
import { cx } from './cx';

/**
 * Previous / Next over a paged list (the inventory's stock, the alerts), shown only when there
 * is more than one page. `testId` prefixes the buttons' test ids (`<testId>-prev`, `-next`).
 */
export function Pager({
  label,
  offset,
  limit,
  total,
  onOffset,
  testId,
  className,
}: {
  /** Accessible name of the navigation, e.g. "Pages of stock". */
  label: string;
  offset: number;
  limit: number;
  total: number;
  onOffset: (offset: number) => void;
  testId: string;
  className?: string;
}) {
  if (total <= limit) return null;
  return (
    <nav aria-label={label} className={cx('flex items-center justify-end gap-2 pt-3', className)}>
      <button
        type="button"
        data-testid={`${testId}-prev`}
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - limit))}
        className={BUTTON_SECONDARY}
      >
        Previous
      </button>
      <button
        type="button"
        data-testid={`${testId}-next`}
        disabled={offset + limit >= total}
        onClick={() => onOffset(offset + limit)}
        className={BUTTON_SECONDARY}
      >
        Next
      </button>
    </nav>
  );
}
