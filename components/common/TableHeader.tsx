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

/** The sticky header row of a tile's table (it stays in view while the rows scroll). */
export function TableHeader({ columns }: { columns: readonly (Column | false)[] }) {
  return (
    <thead className="sticky top-0 z-[1] bg-card">
      <tr className="border-b border-border text-left text-xs text-muted-foreground">
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
