import Link from 'next/link';
import type { ReactNode } from 'react';
import { ThemeSelect } from '../theme/ThemeSelect';

/** Top bar shared by the dashboard and its error states. In TV mode only the essentials stay. */
export function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="sticky top-0 z-10 border-b border-border bg-card/85 backdrop-blur supports-[backdrop-filter]:bg-card/70">
      <div className="mx-auto flex h-14 max-w-[1280px] items-center justify-between gap-4 px-6 tv:max-w-none tv:px-8">
        <h1 className="flex items-center gap-2.5 text-[15px] tracking-tight tv:text-lg">
          <PulseMark />
          <span className="font-semibold text-foreground">Pulse</span>
          <span className="text-muted-foreground tv:hidden">— live retail analytics</span>
        </h1>
        <div className="flex items-center gap-2">
          <Link
            href="/ops/dead-letters"
            data-testid="ops-link"
            title="Operations: dead letters and re-drive"
            className="inline-flex h-8 items-center rounded-lg px-2.5 text-[13px] font-medium text-muted-foreground transition-colors hover:bg-muted hover:text-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring tv:hidden"
          >
            Ops
          </Link>
          {children}
          <ThemeSelect className="tv:hidden" />
        </div>
      </div>
    </header>
  );
}

function PulseMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6 rounded-md bg-foreground p-1 text-background">
      <path
        d="M2 12h4l2.5-6 4 12 3-8 1.5 2H22"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
