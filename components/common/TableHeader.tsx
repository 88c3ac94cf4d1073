import type { ReactNode } from 'react';
import { cx } from './cx';

export interface Column {
  /** Stable identity of the column. */
  key: string;
  label: ReactNode;
  align?: 'left' | 'right';
  /** Extra classes, e.g. the padding of the first and last columns. */
  className?: string;
}

/**
 * The header row of a table; sticky (the default) in a tile's table, where it stays in view while
 * the rows scroll, not in a page's list, which scrolls with the page.
 */
export function TableHeader({ columns, sticky = true }: { columns: readonly (Column | false)[]; sticky?: boolean }) {
  return (
    <thead className={sticky ? 'sticky top-0 z-[1] bg-card' : undefined}>
      <tr className="border-b border-border text-left text-xs text-muted-foreground tv:text-base">
        {columns.map(
          (c) =>
            c && (
              <th
                key={c.key}
                scope="col"
                className={cx('py-2 font-medium', c.align === 'right' && 'text-right', c.className)}
              >
                {c.label}
              </th>
            ),
        )}
      </tr>
    </thead>
  );
}
