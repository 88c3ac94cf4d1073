'use client';

import { useId } from 'react';
import { cx } from '@/components/common/cx';
import { THEMES, type ThemePreference } from './theme';
import { setThemePreference, useTheme } from './useTheme';

const LABELS: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** System / Light / Dark. A native select: keyboard, screen reader and touch support for free. */
export function ThemeSelect({ className }: { className?: string }) {
  const id = useId();
  const { preference, resolved } = useTheme();
  return (
    <div className={cx('relative', className)}>
      <label htmlFor={id} className="sr-only">
        Theme
      </label>
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-muted-foreground"
      >
        {resolved === 'dark' ? (
          <path d="M13.5 9.5A5.5 5.5 0 0 1 6.5 2.5a5.5 5.5 0 1 0 7 7z" fill="currentColor" />
        ) : (
          <g fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round">
            <circle cx="8" cy="8" r="2.75" />
            <path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1" />
          </g>
        )}
      </svg>
      <select
        id={id}
        data-testid="theme-toggle"
        value={preference}
        onChange={(event) => setThemePreference(event.target.value as ThemePreference)}
        title="Colour theme"
        className={cx(
          'h-8 appearance-none rounded-lg border border-border bg-card py-0 pr-7 pl-7 text-[13px] text-foreground transition-colors',
          'hover:border-border-strong focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
        )}
      >
        {THEMES.map((t) => (
          <option key={t} value={t}>
            {LABELS[t]}
          </option>
        ))}
      </select>
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="pointer-events-none absolute top-1/2 right-2 size-3.5 -translate-y-1/2 text-muted-foreground"
      >
        <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
    </div>
  );
}
