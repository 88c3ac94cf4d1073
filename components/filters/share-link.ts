// The link "Copy link" copies: the view's URL, its relative range optionally pinned to the
// window it covers now, so that whoever opens it later sees the same period. Pure.
import { type OverviewQuery, parseOverviewQuery, viewKey } from '@/lib/web/overview-params';
import { activePreset, viewZone, withCustomRange } from './range-presets';

/** An instant as the view parameters write it: `2026-03-01T09:00:00Z`. */
function rfc3339(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/**
 * The view with its zone written out (`resolvedTz` when the URL has none) and, for a preset
 * (`range=1h`, `today`, …), from/to instead: the minute-aligned window the preset covers at
 * `nowMs` in that zone. An explicit range is already pinned.
 */
export function pinnedView(query: OverviewQuery, resolvedTz: string, nowMs: number): OverviewQuery {
  const view = { ...query, tz: viewZone(query, resolvedTz) };
  if (activePreset(view) === null) return view;
  const { from, to } = parseOverviewQuery(view, nowMs);
  return withCustomRange(view, rfc3339(from), rfc3339(to));
}

/** The absolute URL of `query` on the page at `origin` + `pathname`. */
export function viewUrl(origin: string, pathname: string, query: OverviewQuery): string {
  const search = viewKey(query);
  return `${origin}${pathname}${search ? `?${search}` : ''}`;
}
