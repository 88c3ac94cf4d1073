'use client';

import { formatInZone } from '../../lib/format';
import { type OverviewQuery, viewKey } from '../../lib/overview-params';
import type { Overview } from '../../lib/queries/overview.types';
import { useIsClient } from '../hooks/useIsClient';

export type ExportTile = 'kpis' | 'trend' | 'top_products' | 'movers' | 'demographics' | 'mix' | 'recent_orders';

/** The CSV export of a tile for the view on screen (same filters, range and time zone). */
export function exportHref(tile: ExportTile, query: OverviewQuery, tz: string): string {
  const params = viewKey({ ...query, tz: query.tz || tz });
  return `/api/v1/export?tile=${tile}${params ? `&${params}` : ''}`;
}

/**
 * Right side of a tile header: how fresh its figures are ("as of 14:05:12", the newest
 * pipeline commit, in the view's time zone) and a CSV download of them.
 */
export function TileMeta({
  tile,
  overview,
  query,
  subject,
}: {
  tile: ExportTile;
  overview: Overview;
  query: OverviewQuery;
  /** Completes the link's accessible name: "Download <subject> as CSV". */
  subject: string;
}) {
  const isClient = useIsClient();
  const asOf = overview.freshness.as_of;
  return (
    <div className="flex shrink-0 items-center gap-2 text-[11px] text-subtle-foreground tv:hidden">
      {asOf !== null && (
        <span data-testid={`asof-${tile}`} className="tabular-nums" title="Time of the newest counted sale batch">
          as of {isClient ? formatInZone(asOf, overview.tz, 'seconds') : '…'}
        </span>
      )}
      <a
        href={exportHref(tile, query, overview.tz)}
        download
        data-testid={`csv-${tile}`}
        title={`Download ${subject} as CSV`}
        className="inline-flex h-6 items-center rounded border border-border px-1.5 font-medium text-muted-foreground transition-colors hover:border-border-strong hover:text-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
      >
        CSV<span className="sr-only"> download of {subject}</span>
      </a>
    </div>
  );
}
