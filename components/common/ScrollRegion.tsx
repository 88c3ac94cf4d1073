import type { ReactNode, Ref } from 'react';
import { cx } from './cx';

/** A scrolling box for a data table: focusable, so keyboard users can scroll it, and named by the table's caption. */
export function ScrollRegion({
  labelledBy,
  className,
  ref,
  children,
}: {
  labelledBy: string;
  className?: string;
  ref?: Ref<HTMLElement>;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <section ref={ref} tabIndex={0} aria-labelledby={labelledBy} className={cx('overflow-auto rounded-lg', className)}>
      {children}
    </section>
  );
}
