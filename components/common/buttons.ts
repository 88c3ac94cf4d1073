// The looks of the pages' plain buttons (admin, dead letters): one place, so a primary action
// looks the same everywhere.
import { cx } from './cx';

const BUTTON_BASE =
  'inline-flex h-8 shrink-0 items-center justify-center rounded-lg px-3 text-[13px] font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring disabled:cursor-not-allowed disabled:opacity-50';
export const BUTTON_PRIMARY = cx(BUTTON_BASE, 'bg-foreground text-background hover:opacity-90');
export const BUTTON_SECONDARY = cx(
  BUTTON_BASE,
  'border border-border bg-card text-foreground hover:border-border-strong hover:bg-muted',
);
export const BUTTON_DANGER = cx(
  BUTTON_BASE,
  'border border-border bg-card text-danger-foreground hover:border-danger/50 hover:bg-danger-soft',
);
