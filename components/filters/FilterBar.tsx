'use client';

import { type ChangeEvent, type FormEvent, type ReactNode, useId, useState } from 'react';
import { cx } from '@/components/common/cx';
import { SEGMENT_LOOK, ToggleButton } from '@/components/common/ToggleButton';
import { useIsClient } from '@/components/hooks/useIsClient';
import type { FilterOptions } from '@/lib/contract/overview';
import { DEFAULT_COMPARISON } from '@/lib/domain/time-buckets';
import {
  DIMENSIONS,
  type Dimension,
  dimensionValues,
  type OverviewQuery,
  type RangePreset,
} from '@/lib/web/overview-params';
import { CopyLink } from './CopyLink';
import { withDimension } from './filter-values';
import { MultiSelect, type MultiSelectOption } from './MultiSelect';
import {
  activeComparison,
  activePreset,
  COMPARISON_OPTIONS,
  customRangeEnds,
  fits,
  formatRangeEnd,
  GRANULARITIES,
  GRANULARITY_LABELS,
  PRESETS,
  parseCustomRange,
  RANGE_LABELS,
  RANGE_TITLES,
  spanMinutes,
  toLocalInput,
  viewZone,
  withCustomRange,
  withPreset,
} from './range-presets';
import { SavedViews } from './SavedViews';

export const CHANNEL_LABELS: Record<string, string> = {
  web: 'Web',
  app: 'App',
  store: 'In store',
  marketplace: 'Marketplace',
};

/** The filter menu of each dimension: its label, and its noun in the button's summary. */
const SELECTS: Record<Dimension, { label: string; noun: readonly [string, string] }> = {
  store: { label: 'Store', noun: ['store', 'stores'] },
  region: { label: 'Region', noun: ['region', 'regions'] },
  channel: { label: 'Channel', noun: ['channel', 'channels'] },
  category: { label: 'Category', noun: ['category', 'categories'] },
};

/** The dashboard's filters: time range (presets or custom), dimensions, trend granularity; range logic in range-presets.ts. */
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
  const compare = activeComparison(query);
  const [customOpen, setCustomOpen] = useState(false);
  const zone = viewZone(query, tz);
  const span = spanMinutes(range.from, range.to);

  const setRange = (r: RangePreset) => {
    setCustomOpen(false);
    onChange(withPreset(query, r));
  };

  const setCustom = (from: string, to: string) => {
    setCustomOpen(false);
    onChange(withCustomRange(query, from, to));
  };

  const setGranularity = (event: ChangeEvent<HTMLSelectElement>) =>
    onChange({ ...query, granularity: event.target.value || undefined });

  const setCompare = (event: ChangeEvent<HTMLSelectElement>) =>
    onChange({ ...query, compare: event.target.value || undefined });

  const selected = (dimension: Dimension) => dimensionValues(query, dimension);
  const setDimension = (dimension: Dimension) => (values: string[]) =>
    onChange(withDimension(query, dimension, values, options.stores));

  const hasDimensionFilter = DIMENSIONS.some((d) => selected(d).length > 0);

  // Stores of the selected regions (all stores otherwise), grouped by region.
  const regions = selected('region');
  const stores = options.stores
    .filter((s) => regions.length === 0 || regions.includes(s.region))
    .sort((a, b) => (a.region === b.region ? (a.id < b.id ? -1 : 1) : a.region < b.region ? -1 : 1))
    .map((s) => ({ value: s.id, group: s.region }));
  const choices: Record<Dimension, readonly MultiSelectOption[]> = {
    store: stores,
    region: options.regions.map((value) => ({ value })),
    channel: options.channels.map((value) => ({ value, label: CHANNEL_LABELS[value] ?? value })),
    category: options.categories.map((value) => ({ value })),
  };

  return (
    <div
      className="flex flex-wrap items-center gap-x-4 gap-y-3 rounded-xl border border-border bg-card px-3 py-2.5 shadow-xs"
      aria-busy={busy || undefined}
    >
      {/* Wraps onto a second line on a phone instead of pushing the page wider than the screen. */}
      <fieldset
        data-testid="filter-range"
        className="m-0 inline-flex max-w-full min-w-0 flex-wrap rounded-lg border-0 bg-muted p-0.5"
      >
        <legend className="sr-only">Time range</legend>
        {PRESETS.map((r) => (
          <RangeButton key={r} range={r} pressed={preset === r} title={RANGE_TITLES[r]} onClick={() => setRange(r)}>
            {r === '15m' && (
              <span
                aria-hidden="true"
                className={cx('size-1.5 rounded-full', preset === r ? 'bg-success' : 'bg-subtle-foreground')}
              />
            )}
            {RANGE_LABELS[r]}
            {r === '15m' && <span className="sr-only">(live)</span>}
          </RangeButton>
        ))}
        <RangeButton
          range="custom"
          pressed={preset === null}
          expanded={customOpen}
          title="Choose start and end"
          onClick={() => setCustomOpen(!customOpen)}
        >
          Custom…
        </RangeButton>
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

      <FilterSelect
        label="Compare with"
        showLabel
        testId="filter-compare"
        value={compare === DEFAULT_COMPARISON ? undefined : compare}
        onChange={setCompare}
      >
        {COMPARISON_OPTIONS.map((c) => (
          // The default (the previous period) stays out of the URL, like every other default.
          <option key={c.value} value={c.value === DEFAULT_COMPARISON ? '' : c.value}>
            {c.label}
          </option>
        ))}
      </FilterSelect>

      <div className="ml-auto flex flex-wrap items-center gap-2">
        {DIMENSIONS.map((d) => (
          <MultiSelect
            key={d}
            label={SELECTS[d].label}
            noun={SELECTS[d].noun}
            testId={`filter-${d}`}
            options={choices[d]}
            selected={selected(d)}
            onChange={setDimension(d)}
          />
        ))}
        <FilterSelect
          label="Trend granularity"
          testId="filter-granularity"
          value={query.granularity}
          onChange={setGranularity}
        >
          <option value="">Auto</option>
          {GRANULARITIES.map((g) => (
            <option key={g} value={g} disabled={!fits(g, span)}>
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
                compare: query.compare,
                top: query.top,
                top_by: query.top_by,
              })
            }
            className="h-8 rounded-lg px-2 text-xs font-medium text-muted-foreground hover:bg-muted hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring"
          >
            Clear filters
          </button>
        )}
        <SavedViews query={query} tz={zone} />
        <CopyLink query={query} tz={zone} />
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
    const parsed = parseCustomRange(from, to, tz);
    if ('error' in parsed) return setError(parsed.error);
    setError(null);
    onApply(parsed.from, parsed.to);
  };

  const input =
    'h-7 rounded-md border border-border bg-card px-1.5 text-xs text-foreground tabular-nums focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring';
  return (
    <form
      data-testid="custom-range"
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        // The page's own Escape (leaving TV mode) must not also fire.
        event.preventDefault();
        event.stopPropagation();
        onCancel();
      }}
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
  showLabel = false,
  testId,
  value,
  onChange,
  children,
}: {
  label: string;
  /** The label beside the menu rather than for screen readers only. */
  showLabel?: boolean;
  testId: string;
  /** The chosen value; undefined (the default) shows the first option, not highlighted. */
  value: string | undefined;
  onChange: (event: ChangeEvent<HTMLSelectElement>) => void;
  children: ReactNode;
}) {
  const id = useId();
  const active = Boolean(value);
  return (
    <div className="relative flex min-w-0 items-center gap-1.5">
      <label htmlFor={id} className={showLabel ? 'shrink-0 text-xs text-muted-foreground' : 'sr-only'}>
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

/** An explicit range as text, in the view's zone (see formatRangeEnd). */
export function CustomRange({ query }: { query: OverviewQuery }) {
  const isClient = useIsClient();
  const { from, to } = customRangeEnds(query);
  return (
    <span className="tabular-nums">
      {formatRangeEnd(from, query.tz, isClient)} – {formatRangeEnd(to, query.tz, isClient)}
    </span>
  );
}

/** One button of the range group: a preset, or "Custom…" (which also opens the range form). */
function RangeButton({
  range,
  pressed,
  expanded,
  title,
  onClick,
  children,
}: {
  range: RangePreset | 'custom';
  pressed: boolean;
  expanded?: boolean;
  title: string;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <ToggleButton
      data-range={range}
      pressed={pressed}
      look={SEGMENT_LOOK}
      aria-expanded={expanded}
      title={title}
      onClick={onClick}
      className="inline-flex h-7 items-center gap-1.5 rounded-md px-2.5 text-[13px] font-medium whitespace-nowrap transition-colors"
    >
      {children}
    </ToggleButton>
  );
}
