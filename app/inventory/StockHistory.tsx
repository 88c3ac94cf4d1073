'use client';

// The Inventory trend: one SKU's on-hand over the last day, week or month, summed over the
// stores of the breakdown (GET /api/v1/inventory/history). Fetched when opened, when the range
// changes and whenever the table's live data does.
import { useEffect, useState } from 'react';
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { Segmented } from '@/components/common/Segmented';
import { fetchJson } from '@/components/hooks/fetch-json';
import { HISTORY_RANGES, type HistoryRange, type InventoryHistory } from '@/lib/contract/inventory';
import { formatInZone, formatNumber, formatNumberCompact } from '@/lib/domain/format';

const RANGE_LABELS: Record<HistoryRange, string> = { '24h': '24 h', '7d': '7 d', '30d': '30 d' };
const RANGE_OPTIONS = HISTORY_RANGES.map((value) => ({ value, label: RANGE_LABELS[value] }));

interface Point {
  i: number;
  t: string;
  onHand: number | null;
}

function zone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function timeLabel(t: string, range: HistoryRange, tz: string): string {
  return formatInZone(t, tz, range === '24h' ? 'time' : range === '7d' ? 'dayTime' : 'date');
}

/** The chart's text alternative: first known and last value, lowest point. */
export function historySummary(sku: string, points: readonly Point[], range: HistoryRange, tz: string): string {
  const known = points.filter((p): p is Point & { onHand: number } => p.onHand !== null);
  const first = known[0];
  const last = known.at(-1);
  if (first === undefined || last === undefined)
    return `${sku} on hand over the last ${RANGE_LABELS[range]}: no history`;
  const low = known.reduce((min, p) => (p.onHand < min.onHand ? p : min), first);
  return `${sku} on hand over the last ${RANGE_LABELS[range]}: ${formatNumber(first.onHand)} at ${timeLabel(first.t, range, tz)}, now ${formatNumber(last.onHand)}, lowest ${formatNumber(low.onHand)} at ${timeLabel(low.t, range, tz)}`;
}

export function StockHistory({ sku, stores, version }: { sku: string; stores: number; version: string }) {
  const [range, setRange] = useState<HistoryRange>('24h');
  const [state, setState] = useState<{ history: InventoryHistory | null; error: string | null }>({
    history: null,
    error: null,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` only says when to fetch again
  useEffect(() => {
    const controller = new AbortController();
    const params = new URLSearchParams({ sku, range });
    fetchJson<InventoryHistory>(`/api/v1/inventory/history?${params}`, controller.signal).then(
      (history) => setState({ history, error: null }),
      (err: unknown) => {
        if (!controller.signal.aborted)
          setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
      },
    );
    return () => controller.abort();
  }, [sku, range, version]);

  const tz = zone();
  const history = state.history?.range === range ? state.history : null;
  const points: Point[] = (history?.at ?? []).map((t, i) => {
    const v = history?.total[i];
    return { i, t, onHand: v === null || v === undefined ? null : Number(v) };
  });
  return (
    <section data-testid="stock-history" data-sku={sku} data-range={range} className="mt-3" aria-label={`${sku} trend`}>
      <div className="mb-1 flex flex-wrap items-center justify-between gap-2">
        <h4 className="text-xs font-medium text-muted-foreground">
          On hand over time{stores > 1 ? `, ${formatNumber(stores)} stores together` : ''}
        </h4>
        <Segmented
          label={`${sku} trend range`}
          value={range}
          options={RANGE_OPTIONS}
          onChange={setRange}
          testId="stock-history-range"
        />
      </div>
      {state.error !== null && history === null ? (
        <p role="alert" className="text-xs text-danger-foreground">
          Could not load the trend of {sku}: {state.error}
        </p>
      ) : history === null ? (
        <p className="h-32 text-xs text-muted-foreground" aria-busy="true">
          Loading the trend of {sku}…
        </p>
      ) : (
        <div
          role="img"
          aria-label={historySummary(sku, points, range, tz)}
          data-testid="stock-history-chart"
          data-last={points.at(-1)?.onHand ?? ''}
          className="h-32"
        >
          <AreaChart
            data={points}
            responsive
            accessibilityLayer={false}
            aria-hidden
            style={{ width: '100%', height: '100%' }}
            margin={{ top: 6, right: 4, bottom: 0, left: 0 }}
          >
            <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
            <XAxis
              dataKey="i"
              type="number"
              domain={[0, Math.max(0, points.length - 1)]}
              tickFormatter={(i: number) => {
                const p = points[i];
                return p ? timeLabel(p.t, range, tz) : '';
              }}
              tickLine={false}
              axisLine={{ stroke: 'var(--chart-grid)' }}
              tick={{ fill: 'var(--chart-axis)', fontSize: 11 }}
              tickMargin={6}
              minTickGap={24}
            />
            <YAxis
              tickFormatter={(v: number) => formatNumberCompact(v)}
              tickLine={false}
              axisLine={false}
              tick={{ fill: 'var(--chart-axis)', fontSize: 11 }}
              width={44}
              allowDecimals={false}
            />
            <Tooltip
              isAnimationActive={false}
              cursor={{ stroke: 'var(--border-strong)', strokeWidth: 1 }}
              labelFormatter={(i) => {
                const p = points[Number(i)];
                return p ? formatInZone(p.t, tz, 'dateTime') : '';
              }}
              formatter={(v) => [v === null || v === undefined ? 'unknown' : formatNumber(Number(v)), 'On hand']}
            />
            <Area
              type="linear"
              dataKey="onHand"
              name="On hand"
              stroke="var(--chart-1)"
              strokeWidth={1.5}
              fill="var(--chart-1)"
              fillOpacity={0.12}
              connectNulls={false}
              isAnimationActive={false}
            />
          </AreaChart>
        </div>
      )}
    </section>
  );
}
