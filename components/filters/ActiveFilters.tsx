'use client';

import type { OverviewQuery } from '../../lib/overview-params';
import { activePreset, CHANNEL_LABELS, CustomRange, RANGE_TITLES } from './FilterBar';

/** Read-only summary of the view, shown instead of the filter bar in TV mode. */
export function ActiveFilters({ query }: { query: OverviewQuery }) {
  const preset = activePreset(query);
  const dimensions = [
    query.store && { name: 'Store', value: query.store },
    query.region && { name: 'Region', value: query.region },
    query.channel && { name: 'Channel', value: CHANNEL_LABELS[query.channel] ?? query.channel },
    query.category && { name: 'Category', value: query.category },
  ].filter((d) => !!d);

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
