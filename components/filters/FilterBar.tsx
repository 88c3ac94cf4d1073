'use client';

import { type ChangeEvent, type ReactNode, useId } from 'react';
import { formatDateTime } from '../../lib/format';
import { DEFAULT_RANGE, type OverviewQuery, RANGE_PRESETS, type RangePreset } from '../../lib/overview-params';
import type { FilterOptions } from '../../lib/queries/overview.types';
import { cx } from '../common/cx';
import { useIsClient } from '../hooks/useIsClient';

const RANGE_LABELS: Record<RangePreset, string> = {
  '15m': '15 min',
  '1h': '1 h',
  '4h': '4 h',
  '24h': '24 h',
  today: 'Today',
  yesterday: 'Yesterday',
  '7d': '7 d',
  '30d': '30 d',
};
export const RANGE_TITLES: Record<RangePreset, string> = {
  '15m': 'Last 15 minutes, live',
  '1h': 'Last hour',
  '4h': 'Last 4 hours',
  '24h': 'Last 24 hours',
  today: 'Today so far, in your time zone',
  yesterday: 'Yesterday, in your time zone',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};
const PRESETS = Object.keys(RANGE_LABELS) as RangePreset[];
export const CHANNEL_LABELS: Record<string, string> = {
  web: 'Web',
  app: 'App',
  store: 'In store',
  marketplace: 'Marketplace',
};

type Dimension = 'store' | 'region' | 'channel' | 'category';

/** The preset the view uses, or null for an explicit from/to range. */
export function activePreset(query: OverviewQuery): RangePreset | null {
  if (query.from || query.to) return null;
  const range = query.range || DEFAULT_RANGE;
  return range in RANGE_PRESETS ? (range as RangePreset) : null;
}

export function FilterBar({
  query,
  options,
  onChange,
  busy,
}: {
  query: OverviewQuery;
  options: FilterOptions;
  /** Called with the complete next view; the caller writes it to the URL. */
  onChange: (next: OverviewQuery) => void;
  busy?: boolean;
}) {
  const preset = activePreset(query);

  const setRange = (range: RangePreset) => {
    const { from: _from, to: _to, ...rest } = query;
    onChange({ ...rest, range });
  };

  const setDimension = (dimension: Dimension) => (event: ChangeEvent<HTMLSelectElement>) => {
    const next: OverviewQuery = { ...query, [dimension]: event.target.value || undefined };
    // A store belongs to one region: drop a store that the new region does not contain.
    if (dimension === 'region' && next.region && next.store) {
      const store = options.stores.find((s) => s.id === next.store);
      if (store && store.region !== next.region) next.store = undefined;
    }
    onChange(next);
  };

  const hasDimensionFilter = Boolean(query.store || query.region || query.channel || query.category);

  // Stores of the selected region (all stores otherwise), grouped by region.
  const stores = options.stores.filter((s) => !query.region || s.region === query.region);
  const storesByRegion = new Map<string, string[]>();
  for (const s of stores) storesByRegion.set(s.region, [...(storesByRegion.get(s.region) ?? []), s.id]);

  return (
    <div
      className="flex flex-wrap items-center gap-x-4 gap-y-3 rounded-xl border border-border bg-card px-3 py-2.5 shadow-xs"
      aria-busy={busy || undefined}
    >
      <fieldset data-testid="filter-range" className="m-0 inline-flex min-w-0 rounded-lg border-0 bg-muted p-0.5">
        <legend className="sr-only">Time range</legend>
        {PRESETS.map((r) => {
          const pressed = preset === r;
          return (
            <button
              key={r}
              type="button"
              data-range={r}
              aria-pressed={pressed}
              title={RANGE_TITLES[r]}
              onClick={() => setRange(r)}
              className={cx(
                'inline-flex h-7 items-center gap-1.5 rounded-md px-2.5 text-[13px] font-medium whitespace-nowrap transition-colors',
                'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
                pressed
                  ? 'bg-card text-foreground shadow-sm ring-1 ring-border'
                  : 'text-muted-foreground hover:text-foreground',
              )}
            >
              {r === '15m' && (
                <span
                  aria-hidden="true"
                  className={cx('size-1.5 rounded-full', pressed ? 'bg-success' : 'bg-subtle-foreground')}
                />
              )}
              {RANGE_LABELS[r]}
              {r === '15m' && <span className="sr-only">(live)</span>}
            </button>
          );
        })}
      </fieldset>

      {preset === null && (
        <span className="inline-flex h-7 items-center gap-2 rounded-md bg-accent-soft px-2.5 text-xs text-accent">
          <span className="font-medium">Custom</span>
          <CustomRange query={query} />
        </span>
      )}

      <div className="ml-auto flex flex-wrap items-center gap-2">
        <FilterSelect label="Store" testId="filter-store" value={query.store} onChange={setDimension('store')}>
          <option value="">All stores</option>
          {query.store && !stores.some((s) => s.id === query.store) && (
            <option value={query.store}>{query.store}</option>
          )}
          {[...storesByRegion].map(([region, ids]) => (
            <optgroup key={region} label={region}>
              {ids.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </optgroup>
          ))}
        </FilterSelect>
        <FilterSelect label="Region" testId="filter-region" value={query.region} onChange={setDimension('region')}>
          <option value="">All regions</option>
          {withCurrent(options.regions, query.region).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Channel" testId="filter-channel" value={query.channel} onChange={setDimension('channel')}>
          <option value="">All channels</option>
          {withCurrent(options.channels, query.channel).map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABELS[c] ?? c}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect
          label="Category"
          testId="filter-category"
          value={query.category}
          onChange={setDimension('category')}
        >
          <option value="">All categories</option>
          {withCurrent(options.categories, query.category).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </FilterSelect>
        {hasDimensionFilter && (
          <button
            type="button"
            onClick={() => onChange({ range: query.range, from: query.from, to: query.to })}
            className="h-8 rounded-lg px-2 text-xs font-medium text-muted-foreground hover:bg-muted hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring"
          >
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}

/** Keep a value from the URL selectable even if the options list does not (yet) have it. */
function withCurrent(values: readonly string[], current: string | undefined): string[] {
  return current && !values.includes(current) ? [...values, current] : [...values];
}

function FilterSelect({
  label,
  testId,
  value,
  onChange,
  children,
}: {
  label: string;
  testId: string;
  value: string | undefined;
  onChange: (event: ChangeEvent<HTMLSelectElement>) => void;
  children: ReactNode;
}) {
  const id = useId();
  const active = Boolean(value);
  return (
    <div className="relative">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <select
        id={id}
        data-testid={testId}
        value={value ?? ''}
        onChange={onChange}
        className={cx(
          'h-8 max-w-44 appearance-none truncate rounded-lg border bg-card py-0 pr-7 pl-2.5 text-[13px] transition-colors',
          'hover:border-border-strong focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
          active ? 'border-accent/40 bg-accent-soft font-medium text-accent' : 'border-border text-foreground',
        )}
      >
        {children}
      </select>
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className={cx(
          'pointer-events-none absolute top-1/2 right-2 size-3.5 -translate-y-1/2',
          active ? 'text-accent' : 'text-muted-foreground',
        )}
      >
        <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
    </div>
  );
}

/** Local times exist only in the browser, so the server renders the UTC instants. */
export function CustomRange({ query }: { query: OverviewQuery }) {
  const isClient = useIsClient();
  const toMs = query.to ? Date.parse(query.to) : null;
  const fromMs = query.from ? Date.parse(query.from) : toMs === null ? null : toMs - 60 * 60_000;
  const show = (ms: number | null) =>
    ms === null ? 'now' : isClient ? formatDateTime(ms) : new Date(ms).toISOString();
  return (
    <span className="tabular-nums">
      {show(fromMs)} – {show(toMs)}
    </span>
  );
}
