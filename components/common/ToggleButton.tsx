// A toggle button: its name stays the same and aria-pressed says whether it is on. One place for
// what every toggle shares (keyboard focus ring, the pressed and released looks); the caller
// gives its size and shape.
import type { ButtonHTMLAttributes } from 'react';
import { cx } from './cx';

export interface ToggleLook {
  pressed: string;
  released: string;
}

/** One of a segmented group (ranges, granularities): the chosen one raised like a card. */
export const SEGMENT_LOOK: ToggleLook = {
  pressed: 'bg-card text-foreground shadow-sm ring-1 ring-border',
  released: 'text-muted-foreground hover:text-foreground',
};

/** An outlined chip, accent-coloured while pressed. */
export const CHIP_LOOK: ToggleLook = {
  pressed: 'border-accent/50 bg-accent-soft text-accent',
  released: 'border-border text-muted-foreground hover:border-border-strong hover:text-foreground',
};

export function ToggleButton({
  pressed,
  look,
  className,
  ...button
}: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'aria-pressed'> & {
  pressed: boolean;
  look: ToggleLook;
  /** Size and shape. */
  className: string;
}) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      {...button}
      className={cx(
        className,
        'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
        pressed ? look.pressed : look.released,
      )}
    />
  );
}
