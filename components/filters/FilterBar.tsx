'use client';

import { type ChangeEvent, type FormEvent, type ReactNode, useId, useState } from 'react';
import { formatDateTime, formatInZone } from '../../lib/format';
import {
  DEFAULT_RANGE,
  DIMENSIONS,
  type Dimension,
  dimensionValues,
  MAX_RANGE_MINUTES,
  type OverviewQuery,
  RANGE_PRESETS,
  type RangePreset,
} from '../../lib/overview-params';
import type { FilterOptions } from '../../lib/queries/overview.types';
import { localTime, MAX_BUCKETS, zonedTimeToUtc } from '../../lib/time-buckets';
import { cx } from '../common/cx';
import { useIsClient } from '../hooks/useIsClient';
import { MultiSelect } from './MultiSelect';

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

const NOUNS: Record<Dimension, readonly [string, string]> = {
  store: ['store', 'stores'],
  region: ['region', 'regions'],
  channel: ['channel', 'channels'],
  category: ['category', 'categories'],
};
type Granularity = 'minute' | 'hour' | 'day';
const GRANULARITY_MINUTES: Record<Granularity, number> = { minute: 1, hour: 60, day: 1440 };
const GRANULARITY_LABELS: Record<Granularity, string> = { minute: 'Minute', hour: 'Hour', day: 'Day' };

/** The server refuses a trend of more than MAX_BUCKETS buckets. */
function fits(granularity: Granularity, spanMinutes: number): boolean {
  return spanMinutes / GRANULARITY_MINUTES[granularity] <= MAX_BUCKETS;
}

/** Longest span of a preset in minutes (a calendar day may have 25 hours). */
function presetMinutes(range: RangePreset): number {
  return range === 'today' || range === 'yesterday' ? 1500 : RANGE_PRESETS[range];
}

/** A keeps-the-granularity-if-it-still-fits copy of the query for a new span. */
function withSpan(query: OverviewQuery, spanMinutes: number): OverviewQuery {
  const g = query.granularity as Granularity | undefined;
  return g && g in GRANULARITY_MINUTES && !fits(g, spanMinutes) ? { ...query, granularity: undefined } : query;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as the value of a `datetime-local` input, in the view's time zone. */
export function toLocalInput(ms: number, tz: string): string {
  const t = localTime(ms, tz);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}`;
}

/** A `datetime-local` value read as wall-clock time in `tz` → RFC 3339 UTC (`…T09:00:00Z`). */
export function fromLocalInput(value: string, tz: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const ms = zonedTimeToUtc({ year, month, day, hour, minute }, tz);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace('.000Z', 'Z');
}

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
  range,
  tz,
}: {
  query: OverviewQuery;
  options: FilterOptions;
  /** Called with the complete next view; the caller writes it to the URL. */
  onChange: (next: OverviewQuery) => void;
  busy?: boolean;
  /** The resolved range on screen (RFC 3339), to start the custom-range inputs from. */
  range: { from: string; to: string };
  /** The view's time zone. */
  tz: string;
}) {
  const preset = activePreset(query);
  const [customOpen, setCustomOpen] = useState(false);
  const zone = query.tz || tz;
  const spanMinutes = (Date.parse(range.to) - Date.parse(range.from)) / 60_000;

  const setRange = (r: RangePreset) => {
    const { from: _from, to: _to, ...rest } = query;
    setCustomOpen(false);
    onChange({ ...withSpan(rest, presetMinutes(r)), range: r });
  };

  const setCustom = (from: string, to: string) => {
    const { range: _range, ...rest } = query;
    setCustomOpen(false);
    onChange({ ...withSpan(rest, (Date.parse(to) - Date.parse(from)) / 60_000), from, to });
  };

  const setGranularity = (event: ChangeEvent<HTMLSelectElement>) =>
    onChange({ ...query, granularity: event.target.value || undefined });

  const selected = (dimension: Dimension) => dimensionValues(query, dimension);
  const setDimension = (dimension: Dimension) => (values: string[]) => {
    const next: OverviewQuery = { ...query, [dimension]: values.length > 0 ? values : undefined };
    // A store belongs to one region: drop the chosen stores that the new regions do not contain.
    if (dimension === 'region' && values.length > 0) {
      const regionOf = new Map(options.stores.map((s) => [s.id, s.region]));
      const kept = selected('store').filter((id) => {
        const region = regionOf.get(id);
        return region === undefined || values.includes(region);
      });
      next.store = kept.length > 0 ? kept : undefined;
    }
    onChange(next);
  };

  const hasDimensionFilter = DIMENSIONS.some((d) => selected(d).length > 0);

  // Stores of the selected regions (all stores otherwise), grouped by region.
  const regions = selected('region');
  const stores = options.stores
    .filter((s) => regions.length === 0 || regions.includes(s.region))
    .sort((a, b) => (a.region === b.region ? (a.id < b.id ? -1 : 1) : a.region < b.region ? -1 : 1))
    .map((s) => ({ value: s.id, group: s.region }));

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
        <button
          type="button"
          data-range="custom"
          aria-pressed={preset === null}
          aria-expanded={customOpen}
          title="Choose start and end"
          onClick={() => setCustomOpen(!customOpen)}
          className={cx(
            'inline-flex h-7 items-center gap-1.5 rounded-md px-2.5 text-[13px] font-medium whitespace-nowrap transition-colors',
            'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
            preset === null
              ? 'bg-card text-foreground shadow-sm ring-1 ring-border'
              : 'text-muted-foreground hover:text-foreground',
          )}
        >
          Custom…
        </button>
      </fieldset>

      {preset === null && !customOpen && (
        <span className="inline-flex h-7 items-center gap-2 rounded-md bg-accent-soft px-2.5 text-xs text-accent">
          <span className="font-medium">Custom</span>
          <CustomRange query={query} />
        </span>
      )}
      {customOpen && (
        <CustomRangeForm range={range} tz={zone} onApply={setCustom} onCancel={() => setCustomOpen(false)} />
      )}

      <div className="ml-auto flex flex-wrap items-center gap-2">
        <MultiSelect
          label="Store"
          noun={NOUNS.store}
          testId="filter-store"
          options={stores}
          selected={selected('store')}
          onChange={setDimension('store')}
        />
        <MultiSelect
          label="Region"
          noun={NOUNS.region}
          testId="filter-region"
          options={options.regions.map((value) => ({ value }))}
          selected={selected('region')}
          onChange={setDimension('region')}
        />
        <MultiSelect
          label="Channel"
          noun={NOUNS.channel}
          testId="filter-channel"
          options={options.channels.map((value) => ({ value, label: CHANNEL_LABELS[value] ?? value }))}
          selected={selected('channel')}
          onChange={setDimension('channel')}
        />
        <MultiSelect
          label="Category"
          noun={NOUNS.category}
          testId="filter-category"
          options={options.categories.map((value) => ({ value }))}
          selected={selected('category')}
          onChange={setDimension('category')}
        />
        <FilterSelect
          label="Trend granularity"
          testId="filter-granularity"
          value={query.granularity}
          onChange={setGranularity}
        >
          <option value="">Auto</option>
          {(Object.keys(GRANULARITY_LABELS) as Granularity[]).map((g) => (
            <option key={g} value={g} disabled={!fits(g, spanMinutes)}>
              {GRANULARITY_LABELS[g]}
            </option>
          ))}
        </FilterSelect>
        {hasDimensionFilter && (
          <button
            type="button"
            onClick={() =>
              onChange({
                range: query.range,
                from: query.from,
                to: query.to,
                tz: query.tz,
                granularity: query.granularity,
                top: query.top,
                top_by: query.top_by,
              })
            }
            className="h-8 rounded-lg px-2 text-xs font-medium text-muted-foreground hover:bg-muted hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring"
          >
            Clear filters
          </button>
        )}
        <span data-testid="filter-tz" className="text-[11px] text-subtle-foreground" title="Time zone of the view">
          {zone}
        </span>
      </div>
    </div>
  );
}

/** Start and end as local date-times of the view's zone; applied as minute-aligned UTC instants. */
function CustomRangeForm({
  range,
  tz,
  onApply,
  onCancel,
}: {
  range: { from: string; to: string };
  tz: string;
  onApply: (from: string, to: string) => void;
  onCancel: () => void;
}) {
  const [from, setFrom] = useState(() => toLocalInput(Date.parse(range.from), tz));
  const [to, setTo] = useState(() => toLocalInput(Date.parse(range.to), tz));
  const [error, setError] = useState<string | null>(null);
  const fromId = useId();
  const toId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fromIso = fromLocalInput(from, tz);
    const toIso = fromLocalInput(to, tz);
    if (fromIso === null || toIso === null) return setError('Enter both start and end.');
    const span = Date.parse(toIso) - Date.parse(fromIso);
    if (span <= 0) return setError('The end must be after the start.');
    if (span > MAX_RANGE_MINUTES * 60_000) return setError(`At most ${MAX_RANGE_MINUTES / 1440} days.`);
    setError(null);
    onApply(fromIso, toIso);
  };

  const input =
    'h-7 rounded-md border border-border bg-card px-1.5 text-xs text-foreground tabular-nums focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring';
  return (
    <form
      data-testid="custom-range"
      onSubmit={submit}
      className="flex flex-wrap items-center gap-2 rounded-lg bg-muted px-2 py-1 text-xs text-muted-foreground"
    >
      <label htmlFor={fromId}>From</label>
      <input
        id={fromId}
        type="datetime-local"
        data-testid="custom-from"
        value={from}
        onChange={(e) => setFrom(e.target.value)}
        className={input}
      />
      <label htmlFor={toId}>to</label>
      <input
        id={toId}
        type="datetime-local"
        data-testid="custom-to"
        value={to}
        onChange={(e) => setTo(e.target.value)}
        className={input}
      />
      <button
        type="submit"
        data-testid="custom-apply"
        className="h-7 rounded-md bg-foreground px-2.5 font-medium text-background hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
      >
        Apply
      </button>
      <button
        type="button"
        onClick={onCancel}
        className="h-7 rounded-md px-1.5 hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring"
      >
        Cancel
      </button>
      {error && (
        <span role="alert" className="text-danger-foreground">
          {error}
        </span>
      )}
    </form>
  );
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
  // With the view's zone in the URL the text is the same on the server and in the browser.
  const show = (ms: number | null) =>
    ms === null
      ? 'now'
      : query.tz
        ? formatInZone(ms, query.tz, 'dateTime')
        : isClient
          ? formatDateTime(ms)
          : new Date(ms).toISOString();
  return (
    <span className="tabular-nums">
      {show(fromMs)} – {show(toMs)}
    </span>
  );
}
