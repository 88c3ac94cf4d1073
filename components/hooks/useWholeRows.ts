'use client';

import { type RefObject, useEffect, useLayoutEffect } from 'react';

/**
 * On a screen that never scrolls (TV mode), a list or table shows only the rows that fit whole
 * inside `container`: a row that would be cut by its bottom edge is hidden (visibility, so the
 * rows keep their layout and the next measurement sees them all). Re-measured after every
 * render and on every resize. `bottomOf` gives a row's bottom edge in the container's
 * coordinates (default: its laid-out box; rows placed by transform pass their own).
 */
export function useWholeRows(
  container: RefObject<HTMLElement | null>,
  enabled: boolean,
  rowSelector: string,
  bottomOf: (row: HTMLElement, index: number, box: DOMRect) => number = layoutBottom,
): void {
  // After every render: new rows arrive with each live update.
  useLayoutEffect(() => {
    const el = container.current;
    if (el) fitRows(el, enabled, rowSelector, bottomOf);
  });
  useEffect(() => {
    const el = container.current;
    if (!el || !enabled) return;
    const observer = new ResizeObserver(() => fitRows(el, enabled, rowSelector, bottomOf));
    observer.observe(el);
    return () => observer.disconnect();
  }, [container, enabled, rowSelector, bottomOf]);
}

function layoutBottom(row: HTMLElement, _index: number, box: DOMRect): number {
  return row.getBoundingClientRect().bottom - box.top;
}

function fitRows(
  el: HTMLElement,
  enabled: boolean,
  rowSelector: string,
  bottomOf: (row: HTMLElement, index: number, box: DOMRect) => number,
): void {
  const box = el.getBoundingClientRect();
  const room = el.clientHeight + el.clientTop;
  el.querySelectorAll<HTMLElement>(rowSelector).forEach((row, index) => {
    const cut = enabled && bottomOf(row, index, box) > room + 0.5;
    row.style.visibility = cut ? 'hidden' : '';
    if (cut) row.dataset.cut = 'true';
    else delete row.dataset.cut;
  });
}
