'use client';

import { type HTMLAttributes, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import { cx } from './cx';

/**
 * One line of figures that takes the longest of `texts` (exact first, then ever shorter: see
 * FIT_STEPS in lib/domain/format.ts) that fits its box, measured, on every resize and change.
 * A figure is shortened, never cut off: `$1,345,388…` reads a thousand times smaller than
 * `$1.35B`. When shortened, the exact text stays in the title and is what screen readers read.
 */
export function FitText({
  texts,
  as: Tag = 'p',
  className,
  title,
  ...rest
}: {
  texts: readonly string[];
  /**
   * A paragraph of its own (default) or a part of one: a flex item must take the room it may
   * use (`min-w-0 flex-1`), as its own width is what the text is measured against.
   */
  as?: 'p' | 'span';
} & Omit<HTMLAttributes<HTMLElement>, 'children'>) {
  const ref = useRef<HTMLElement>(null);
  const [shown, setShown] = useState(0);
  const key = texts.join('\n');

  // Before paint (a layout effect), so a too-long text never shows, not even for a frame.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the texts' content
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let live = true;
    const refit = () => {
      if (live) setShown(firstFitting(el, texts));
    };
    refit();
    const observer = new ResizeObserver(refit);
    observer.observe(el);
    // The web font may arrive after the first measurement, with other widths.
    document.fonts?.ready.then(refit);
    return () => {
      live = false;
      observer.disconnect();
    };
  }, [key]);

  const exact = texts[0] ?? '';
  const index = Math.min(shown, texts.length - 1);
  const shortened = index > 0 && texts[index] !== exact;
  return (
    <Tag
      // A <p> and a <span> take the same ref; TypeScript cannot tell from the union.
      ref={ref as RefObject<HTMLParagraphElement>}
      title={[shortened && exact, title].filter(Boolean).join('\n') || undefined}
      // Which text shows (0: the exact one): for tests and for reading the page in dev tools.
      data-fit={index}
      // `relative`: the screen-reader copy (absolutely placed) stays inside this clipped box; in a
      // scrolled table it would otherwise widen the page.
      className={cx('relative overflow-hidden whitespace-nowrap', className)}
      {...rest}
    >
      {shortened ? (
        <>
          <span aria-hidden="true">{texts[index]}</span>
          <span className="sr-only">{exact}</span>
        </>
      ) : (
        exact
      )}
    </Tag>
  );
}

/**
 * Index of the first text as wide as `el` or narrower (the last one if none is). All are
 * measured at once, one line each, in an unconstrained, invisible shallow copy of `el` beside
 * it, so the same classes (and `tv:` variants) give the same font, and a live update costs one
 * layout per figure rather than one per text.
 */
function firstFitting(el: HTMLElement, texts: readonly string[]): number {
  const room = el.clientWidth;
  const probe = el.cloneNode(false) as HTMLElement;
  probe.removeAttribute('data-testid');
  probe.setAttribute('aria-hidden', 'true');
  probe.style.cssText =
    'position:absolute;display:block;visibility:hidden;width:max-content;max-width:none;overflow:visible';
  for (const text of texts) {
    const line = document.createElement('span');
    line.style.cssText = 'display:block;width:max-content';
    line.textContent = text;
    probe.append(line);
  }
  el.after(probe);
  const widths = Array.from(probe.children, (line) => line.getBoundingClientRect().width);
  probe.remove();
  const index = widths.findIndex((width) => Math.ceil(width) <= room);
  return index === -1 ? texts.length - 1 : index;
}
