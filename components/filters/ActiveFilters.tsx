'use client';

import { COMPARISON_NAMES } from '@/lib/domain/format';
import { DEFAULT_COMPARISON } from '@/lib/domain/time-buckets';
import { type Dimension, dimensionValues, type OverviewQuery } from '@/lib/web/overview-params';
import { CHANNEL_LABELS, CustomRange } from './FilterBar';
import { activeComparison, activePreset, RANGE_TITLES } from './range-presets';

const NAMES: Record<Dimension, [string, string]> = {
  store: ['Store', 'Stores'],
  region: ['Region', 'Regions'],
  channel: ['Channel', 'Channels'],
  category: ['Category', 'Categories'],
};
/** Values listed by name in the legend; more are counted ("+3 more"). */
const LISTED = 6;

/** Read-only summary of the view, shown instead of the filter bar in TV mode. */
export function ActiveFilters({ query }: { query: OverviewQuery }) {
  const preset = activePreset(query);
  const compare = activeComparison(query);
  const dimensions = (Object.keys(NAMES) as Dimension[]).flatMap((dimension) => {
    const values = dimensionValues(query, dimension).map((v) =>
      dimension === 'channel' ? (CHANNEL_LABELS[v] ?? v) : v,
    );
    if (values.length === 0) return [];
    const shown = values.slice(0, LISTED).join(', ');
    const rest = values.length - LISTED;
    return [{ name: NAMES[dimension][values.length > 1 ? 1 : 0], value: rest > 0 ? `${shown} +${rest} more` : shown }];
  });

  return (
    <ul
      data-testid="tv-legend"
      aria-label="Active filters"
      className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground"
    >
      <li className="inline-flex h-7 items-center gap-1.5 rounded-full border border-border bg-card px-3 font-medium text-foreground">
        {preset === null ? (
          <>
            Custom <CustomRange query={query} />
          </>
        ) : (
          RANGE_TITLES[preset]
        )}
      </li>
      {compare !== DEFAULT_COMPARISON && (
        <li
          data-testid="tv-legend-compare"
          className="inline-flex h-7 items-center rounded-full border border-border bg-card px-3"
        >
          vs {COMPARISON_NAMES[compare].name}
        </li>
      )}
      {dimensions.length === 0 ? (
        <li className="inline-flex h-7 items-center rounded-full border border-border px-3">
          All stores, channels and categories
        </li>
      ) : (
        dimensions.map((d) => (
          <li
            key={d.name}
            className="inline-flex h-7 items-center gap-1 rounded-full border border-accent/30 bg-accent-soft px-3 text-accent"
          >
            <span className="opacity-80">{d.name}:</span> <span className="font-medium">{d.value}</span>
          </li>
        ))
      )}
    </ul>
  );
}
