'use client';

import { useState } from 'react';
import { useViewer } from '@/components/auth/ViewerContext';
import { useIsClient } from '@/components/hooks/useIsClient';
import type { Overview, ProductDetail } from '@/lib/contract/overview';
import type { ExportTile, ProductExportTile } from '@/lib/contract/view-query';
import { formatInZone } from '@/lib/domain/format';
import { type OverviewQuery, viewKey } from '@/lib/web/overview-params';
import { saveBlob, type TileCaption, tilePng } from './tile-png';

/** `path?tile=…&<view>`: a CSV export of the view on screen (same filters, range and time zone). */
function withTile(path: string, tile: string, query: OverviewQuery, tz: string): string {
  const params = viewKey({ ...query, tz: query.tz || tz });
  return `${path}?tile=${tile}${params ? `&${params}` : ''}`;
}

/** The CSV export of a dashboard tile for the view on screen. */
export function exportHref(tile: ExportTile, query: OverviewQuery, tz: string): string {
  return withTile('/api/v1/export', tile, query, tz);
}

/** The CSV export of a product page tile; the top products' size and order do not apply. */
export function productExportHref(sku: string, tile: ProductExportTile, query: OverviewQuery, tz: string): string {
  const { top: _top, top_by: _topBy, ...view } = query;
  return withTile(`/api/v1/products/${encodeURIComponent(sku)}/export`, tile, view, tz);
}

/** Right side of a dashboard tile's header: as of, and its CSV (see TileMetaLinks). */
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
  return (
    <TileMetaLinks
      testId={tile}
      asOf={overview.freshness.as_of}
      range={overview.range}
      tz={overview.tz}
      href={exportHref(tile, query, overview.tz)}
      subject={subject}
    />
  );
}

/** Right side of a product page tile's header, as on the dashboard. */
export function ProductTileMeta({
  tile,
  detail,
  query,
  subject,
}: {
  tile: ProductExportTile;
  detail: ProductDetail;
  query: OverviewQuery;
  subject: string;
}) {
  return (
    <TileMetaLinks
      testId={tile}
      asOf={detail.freshness.as_of}
      range={detail.range}
      tz={detail.tz}
      href={productExportHref(detail.product.sku, tile, query, detail.tz)}
      subject={subject}
    />
  );
}

const META_BUTTON =
  'inline-flex h-6 items-center rounded border border-border px-1.5 font-medium text-muted-foreground transition-colors hover:border-border-strong hover:text-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring';

/**
 * How fresh a tile's figures are ("as of 14:05:12", the newest pipeline commit, in the view's
 * time zone), a CSV download of them and the tile as a PNG image.
 */
function TileMetaLinks({
  testId,
  asOf,
  range,
  tz,
  href,
  subject,
}: {
  testId: string;
  asOf: string | null;
  range: { from: string; to: string };
  tz: string;
  href: string;
  subject: string;
}) {
  const isClient = useIsClient();
  // CSV export is for admins and merchandisers (lib/web/auth/access-rules.ts); viewers and embeds only look.
  const role = useViewer()?.role;
  const canExport = role === 'admin' || role === 'merchandiser';
  return (
    <div className="flex shrink-0 items-center gap-2 text-[11px] text-subtle-foreground tv:hidden">
      {asOf !== null && (
        <span data-testid={`asof-${testId}`} className="tabular-nums" title="Time of the newest counted sale batch">
          as of {isClient ? formatInZone(asOf, tz, 'seconds') : '…'}
        </span>
      )}
      {canExport && (
        <a
          href={href}
          download
          data-testid={`csv-${testId}`}
          title={`Download ${subject} as CSV`}
          className={META_BUTTON}
        >
          CSV<span className="sr-only"> download of {subject}</span>
        </a>
      )}
      <PngButton
        testId={testId}
        subject={subject}
        caption={(title) => ({
          title,
          range: `${formatInZone(range.from, tz, 'dateTime')} – ${formatInZone(range.to, tz, 'dateTime')} (${tz})`,
          asOf: asOf === null ? null : `as of ${formatInZone(asOf, tz, 'seconds')}`,
        })}
      />
    </div>
  );
}

/**
 * The tile (the section holding this button) as a PNG: its title, the caption's range and as-of,
 * its charts and rows (tile-png.ts). Drawn in the browser from what is on screen, so any reader
 * may take one, as a screenshot.
 */
function PngButton({
  testId,
  subject,
  caption,
}: {
  testId: string;
  subject: string;
  caption: (title: string) => TileCaption;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async (button: HTMLButtonElement) => {
    const tile = button.closest('section');
    if (!tile) return;
    setBusy(true);
    setError(null);
    try {
      const title = tile.querySelector('h2')?.textContent?.trim() || subject;
      const blob = await tilePng(tile, caption(title));
      saveBlob(blob, `pulse-${testId}-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.png`);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      data-testid={`png-${testId}`}
      title={error ?? `Download ${subject} as a PNG image`}
      disabled={busy}
      onClick={(event) => download(event.currentTarget)}
      className={META_BUTTON}
    >
      PNG<span className="sr-only"> image of {subject}</span>
      {error && <span role="alert" className="sr-only">{`: ${error}`}</span>}
    </button>
  );
}
