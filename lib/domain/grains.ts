// Sizes of time cells: the grains the rollups are stored at (UTC minute, hour and day cells)
// and the granularities a trend is shown at. Apart from the rollup rules (sales-rollup.ts),
// so that the time arithmetic the dashboard also runs in the browser (time-buckets.ts) needs
// nothing of it.

/** Rollup grains: UTC minute, hour and day cells. */
export const GRAINS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type Grain = keyof typeof GRAINS;

/** Trend bucket sizes (local minutes, hours or days in the view's time zone). */
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
