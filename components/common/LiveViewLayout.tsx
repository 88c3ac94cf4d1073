'use client';

// The frame of a live view page (the dashboard, a product page): Pulse's header with the
// freshness badge, the filters, the polling notice, and the tiles, dimmed while a newly chosen
// view loads. Tiles sit in TileRows.
import type { ReactNode } from 'react';
import type { LiveStatus } from '@/components/hooks/useLiveView';
import type { OverviewQuery } from '@/lib/web/overview-params';
import { cx } from './cx';
import { PollingNotice } from './PollingNotice';
import { type Chrome, mainPadding, ViewHeader } from './ViewHeader';

export function LiveViewLayout({
  chrome,
  query,
  tv,
  status,
  controls,
  mainClassName,
  tilesClassName,
  intro,
  filters,
  live,
  loading,
  children,
}: {
  chrome: Chrome;
  /** The view on screen: the header's product search opens products in it. */
  query: OverviewQuery;
  /** TV mode (the dashboard only): marks the page for the `tv:` classes. */
  tv?: boolean;
  /** The view's status in the header (freshness). */
  status: ReactNode;
  controls?: ReactNode;
  /** Classes added to the main column (after its own, before the chrome's padding). */
  mainClassName?: string;
  /** Classes added to the tiles' column (TV mode lays the tiles out on one screen). */
  tilesClassName?: string;
  /** Above the filters: breadcrumbs and a heading. */
  intro?: ReactNode;
  filters: ReactNode;
  live: { status: LiveStatus; polling: boolean; pollError: string | null; isCurrent: boolean };
  /** The view on screen is not the one asked for yet. */
  loading: boolean;
  children: ReactNode;
}) {
  return (
    // TV mode: exactly one screen high; the tiles share what the header and the filters leave.
    <div
      className={cx(chrome === 'full' && 'min-h-screen', 'tv:flex tv:h-dvh tv:flex-col tv:overflow-hidden')}
      data-tv={tv}
      data-chrome={chrome}
    >
      <ViewHeader chrome={chrome} query={query} status={status} controls={controls} />

      <main
        className={cx(
          'mx-auto flex max-w-[1280px] flex-col gap-4 px-4 sm:px-6 tv:min-h-0 tv:w-full tv:flex-1',
          mainClassName,
          mainPadding(chrome),
        )}
      >
        {intro}
        {filters}

        <PollingNotice status={live.status} polling={live.polling} pollError={live.pollError} />

        {/* Until the first data of a newly chosen view arrives, the old view stays on screen, dimmed. */}
        <div
          aria-busy={loading || undefined}
          className={cx(
            'flex flex-col gap-4 transition-opacity duration-200 tv:min-h-0 tv:flex-1',
            tilesClassName,
            !live.isCurrent && 'opacity-60',
          )}
        >
          {children}
        </div>
      </main>
    </div>
  );
}

/**
 * One row of tiles: stacked on small screens, on a 12-column grid from `lg`. In TV mode the
 * row steps aside (`contents`) and its tiles take their places in the page's one-screen grid.
 */
export function TileRow({ children }: { children: ReactNode }) {
  return <div className="grid grid-cols-1 gap-4 lg:grid-cols-12 tv:contents">{children}</div>;
}
