'use client';

import { ToggleButton } from '@/components/common/ToggleButton';

const LOOK = {
  pressed: 'border-accent/40 bg-accent-soft text-accent',
  released: 'border-border bg-card text-foreground hover:border-border-strong',
};

/** Header button for TV mode; a toggle, so its name stays "TV mode" and aria-pressed tells the state. */
export function TvToggle({ tv, onToggle }: { tv: boolean; onToggle: () => void }) {
  return (
    <ToggleButton
      data-testid="tv-toggle"
      pressed={tv}
      look={LOOK}
      aria-keyshortcuts={tv ? 'Escape' : undefined}
      title={tv ? 'Leave TV mode (Esc)' : 'TV mode: full screen for wall displays'}
      onClick={onToggle}
      className="inline-flex h-8 items-center gap-1.5 rounded-lg border px-2.5 text-[13px] font-medium whitespace-nowrap transition-colors"
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5">
        <g fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round">
          <rect x="1.75" y="2.5" width="12.5" height="8.5" rx="1.25" />
          <path d="M5.5 13.75h5M8 11v2.75" />
        </g>
      </svg>
      {/* A phone shows the icon alone; the name stays for screen readers. */}
      <span className="sr-only sm:not-sr-only sm:whitespace-nowrap">TV mode</span>
      {tv && (
        <span aria-hidden="true" className="rounded border border-accent/30 px-1 font-sans text-[11px] leading-4">
          Esc
        </span>
      )}
    </ToggleButton>
  );
}
