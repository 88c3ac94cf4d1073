// Each dashboard tile as a table of the figures the page shows, for CSV export: amounts in
// major units of the reporting currency with its decimals (exact, as formatMoney shows them),
// shares and changes as percentages rounded as on screen, instants in the view's time zone
// (ISO 8601 with offset). Lines above the table name the view: range, time zone, as of, unit.

import type { Freshness, MixSlice, Overview, Totals } from '@/lib/contract/overview';
import { EXPORT_TILES, type ExportTile } from '@/lib/contract/view-query';
import { approxNumber, type ExactNumber, subtractExact } from '@/lib/domain/exact-number';
import { COMPARISON_NAMES, moneyFigure, percentFigure, reportingCurrency } from '@/lib/domain/format';
import { localTime, offsetMinutes } from '@/lib/domain/time-buckets';
import { type CsvValue, decimal } from './csv';

export { EXPORT_TILES, type ExportTile };

export interface Table {
  header: string[];
  rows: CsvValue[][];
}

/** What a view's figures are about, for the lines above its table. */
export interface ViewAbout {
  range: { from: string; to: string };
  tz: string;
  /** The period its "previous" figures are of. */
  previous: Pick<Overview['previous'], 'compare' | 'range'>;
  freshness: Pick<Freshness, 'as_of'>;
}

/**
 * Label, value lines above a tile's table: which tile, for which range (and which period its
 * "previous" columns are of), zone and time, in what unit.
 */
export function aboutRows(title: string, view: ViewAbout): CsvValue[][] {
  const t = (iso: string) => localIso(iso, view.tz);
  const { compare, range: compared } = view.previous;
  return [
    ['Pulse export', title],
    ['From', t(view.range.from)],
    ['To (exclusive)', t(view.range.to)],
    ['Compared with', `${COMPARISON_NAMES[compare].name}: ${t(compared.from)} to ${t(compared.to)} (exclusive)`],
    ['Time zone', view.tz],
    ['As of', view.freshness.as_of === null ? 'no data yet' : t(view.freshness.as_of)],
    ['Amounts', `${reportingCurrency()}, major units`],
    ['Shares and changes', 'percent, rounded as shown'],
  ];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-03-01T05:15:00-05:00` for an instant shown in `timeZone`. */
export function localIso(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const t = localTime(ms, timeZone);
  const offset = offsetMinutes(ms, timeZone);
  const seconds = Math.floor(ms / 1000) % 60; // offsets are whole minutes
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(seconds)}${zone}`;
}

/** Minor units as the page shows them: major units with the currency's decimals, exact. */
const money = (minor: ExactNumber | undefined): CsvValue => (minor === undefined ? null : decimal(moneyFigure(minor)));
/** A count as a CSV number: beyond 2^53 a bigint (digits as text could read as a formula). */
const count = (value: ExactNumber | undefined): CsvValue => (typeof value === 'string' ? BigInt(value) : value);
/** A share in [0, 1] as the percentage shown (one decimal). */
const share = (ratio: number): CsvValue => decimal(percentFigure(ratio));
/** Relative change as the KPI cards show it; empty where they show "—" (nothing to compare with). */
function changePercent(current: ExactNumber, previous: ExactNumber): CsvValue {
  const before = approxNumber(previous);
  return before === 0 ? null : share((approxNumber(current) - before) / Math.abs(before));
}

/** Column names with their unit: `Revenue (USD)`. */
const inCurrency = (label: string) => `${label} (${reportingCurrency()})`;

export const TILE_TITLES: Record<ExportTile, string> = {
  kpis: 'Key figures',
  trend: 'Trend',
  top_products: 'Top products',
  movers: 'Movers',
  demographics: 'Customers',
  mix: 'Category and channel mix',
  recent_orders: 'Live orders',
};

const KPI_ROWS = [
  ['Revenue', 'revenue_cents', true],
  ['Gross sales', 'gross_cents', true],
  ['Refunds', 'refund_cents', true],
  ['Orders', 'orders', false],
  ['Units', 'units', false],
  ['Average order value', 'aov_cents', true],
] as const;

/** The key figures against the period compared with, as the KPI cards show them. */
export function kpiTable(
  totals: Totals,
  previous: Totals,
  rows: readonly (readonly [string, keyof Totals, boolean])[] = KPI_ROWS,
): Table {
  return {
    header: ['Metric', 'Unit', 'Value', 'Previous period', 'Change', 'Change (%)'],
    rows: rows.map(([label, key, isMoney]) => {
      const figure = isMoney ? money : count;
      return [
        label,
        isMoney ? reportingCurrency() : 'count',
        figure(totals[key]),
        figure(previous[key]),
        figure(subtractExact(totals[key], previous[key])),
        changePercent(totals[key], previous[key]),
      ];
    }),
  };
}

/** One row per bucket (start in the view's zone), with the compared period's bucket beside it. */
export function trendTable(trend: Overview['trend'], previousTrend: Overview['trend'], tz: string): Table {
  return {
    header: [
      'Bucket start',
      inCurrency('Revenue'),
      inCurrency('Gross sales'),
      inCurrency('Refunds'),
      'Orders',
      'Units',
      inCurrency('Average order value'),
      'Previous bucket start',
      inCurrency('Previous revenue'),
      'Previous orders',
    ],
    rows: trend.map((p, i) => {
      const prev = previousTrend[i];
      return [
        localIso(p.bucket, tz),
        money(p.revenue_cents),
        money(p.gross_cents),
        money(p.refund_cents),
        p.orders,
        count(p.units),
        money(p.aov_cents),
        prev ? localIso(prev.bucket, tz) : null,
        money(prev?.revenue_cents),
        prev?.orders,
      ];
    }),
  };
}

/** Who buys: revenue and orders per customer attribute. */
export function demographicsTable(demographics: Overview['demographics']): Table {
  return {
    header: ['Dimension', 'Segment', inCurrency('Revenue'), 'Orders'],
    rows: Object.entries(demographics).flatMap(([dimension, segments]) =>
      segments.map((s) => [dimension, s.key, money(s.revenue_cents), s.orders]),
    ),
  };
}

/** Slices with their share of revenue (mix, a product's stores and channels). */
export function sliceTable(dimensions: Record<string, readonly MixSlice[]>): Table {
  return {
    header: ['Dimension', 'Key', inCurrency('Revenue'), 'Orders', 'Share (%)'],
    rows: Object.entries(dimensions).flatMap(([dimension, slices]) =>
      slices.map((s) => [dimension, s.key, money(s.revenue_cents), s.orders, share(s.share)]),
    ),
  };
}

export function exportTable(tile: ExportTile, o: Overview): Table {
  const t = (iso: string) => localIso(iso, o.tz);
  switch (tile) {
    case 'kpis':
      return kpiTable(o.totals, o.previous.totals);
    case 'trend':
      return trendTable(o.trend, o.previous.trend, o.tz);
    case 'top_products':
      return {
        header: [
          'Rank',
          'Previous rank',
          'SKU',
          'Product',
          'Category',
          'Units',
          inCurrency('Revenue'),
          'Previous units',
          inCurrency('Previous revenue'),
          'Share (%)',
        ],
        rows: o.top_products.map((p) => [
          p.rank,
          p.previous_rank,
          p.sku,
          p.name,
          p.category,
          count(p.units),
          money(p.revenue_cents),
          count(p.previous_units),
          money(p.previous_revenue_cents),
          share(p.share),
        ]),
      };
    case 'movers':
      return {
        header: [
          'Direction',
          'SKU',
          'Product',
          'Category',
          inCurrency('Revenue'),
          inCurrency('Previous revenue'),
          inCurrency('Change'),
        ],
        rows: (['risers', 'fallers'] as const).flatMap((side) =>
          o.movers[side].map((m) => [
            side === 'risers' ? 'up' : 'down',
            m.sku,
            m.name,
            m.category,
            money(m.revenue_cents),
            money(m.previous_revenue_cents),
            money(m.change_cents),
          ]),
        ),
      };
    case 'demographics':
      return demographicsTable(o.demographics);
    case 'mix':
      return sliceTable({ category: o.mix.category, channel: o.mix.channel });
    case 'recent_orders':
      return {
        header: [
          'Time',
          'Order',
          'Event',
          'Store',
          'Region',
          'Channel',
          'Lines',
          'Units',
          inCurrency('Revenue'),
          'Top item',
          'Top SKU',
        ],
        rows: o.recent_orders.map((r) => [
          t(r.occurred_at),
          r.order_id,
          r.event_id,
          r.store_id,
          r.region,
          r.channel,
          r.items,
          count(r.units),
          money(r.revenue_cents),
          r.top_item,
          r.top_sku,
        ]),
      };
  }
}
