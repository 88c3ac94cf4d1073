'use client';

import { type ReactNode, type Ref, useId } from 'react';
import { ScrollRegion } from './ScrollRegion';

/** A data table in a ScrollRegion, named by its caption (for screen readers only). */
export function ScrollTable({
  caption,
  scrollClassName,
  tableClassName,
  testId,
  regionRef,
  children,
}: {
  caption: ReactNode;
  /** The scrolling box (to measure which rows it shows whole). */
  regionRef?: Ref<HTMLElement>;
  scrollClassName?: string;
  tableClassName: string;
  testId?: string;
  /** The colgroup, header and body. */
  children: ReactNode;
}) {
  const captionId = useId();
  return (
    <ScrollRegion ref={regionRef} labelledBy={captionId} className={scrollClassName}>
      <table data-testid={testId} className={tableClassName}>
        <caption id={captionId} className="sr-only">
          {caption}
        </caption>
        {children}
      </table>
    </ScrollRegion>
  );
}
