// Each dashboard tile as a table, exactly as the API reports it, for CSV export. Instants
// are written in the view's time zone (ISO 8601 with offset), amounts in minor units and
// as decimal currency so spreadsheets can use either.
import type { CsvValue } from './csv';
import type { Overview } from './queries/overview.types';
import { localTime, offsetMinutes } from './time-buckets';

export const EXPORT_TILES = [
  'kpis',
  'trend',
  'top_products',
  'movers',
  'demographics',
  'mix',
  'recent_orders',
] as const;
export type ExportTile = (typeof EXPORT_TILES)[number];

export interface Table {
  header: string[];
  rows: CsvValue[][];
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

export function exportTable(tile: ExportTile, o: Overview): Table {
  const t = (iso: string) => localIso(iso, o.tz);
  switch (tile) {
    case 'kpis': {
      const metrics = ['revenue_cents', 'gross_cents', 'refund_cents', 'orders', 'units', 'aov_cents'] as const;
      return {
        header: ['metric', 'value', 'previous_value', 'change', 'from', 'to', 'previous_from', 'previous_to'],
        rows: metrics.map((m) => [
          m,
          o.totals[m],
          o.previous.totals[m],
          o.totals[m] - o.previous.totals[m],
          t(o.range.from),
          t(o.range.to),
          t(o.previous.range.from),
          t(o.previous.range.to),
        ]),
      };
    }
    case 'trend':
      return {
        header: [
          'bucket',
          'revenue_cents',
          'gross_cents',
          'refund_cents',
          'orders',
          'units',
          'aov_cents',
          'previous_bucket',
          'previous_revenue_cents',
          'previous_orders',
        ],
        rows: o.trend.map((p, i) => {
          const prev = o.previous.trend[i];
          return [
            t(p.bucket),
            p.revenue_cents,
            p.gross_cents,
            p.refund_cents,
            p.orders,
            p.units,
            p.aov_cents,
            prev ? t(prev.bucket) : null,
            prev?.revenue_cents,
            prev?.orders,
          ];
        }),
      };
    case 'top_products':
      return {
        header: ['rank', 'previous_rank', 'sku', 'name', 'category', 'units', 'revenue_cents', 'share'],
        rows: o.top_products.map((p) => [
          p.rank,
          p.previous_rank,
          p.sku,
          p.name,
          p.category,
          p.units,
          p.revenue_cents,
          p.share,
        ]),
      };
    case 'movers':
      return {
        header: ['direction', 'sku', 'name', 'category', 'revenue_cents', 'previous_revenue_cents', 'change_cents'],
        rows: [
          ...o.movers.risers.map((m) => [
            'up',
            m.sku,
            m.name,
            m.category,
            m.revenue_cents,
            m.previous_revenue_cents,
            m.change_cents,
          ]),
          ...o.movers.fallers.map((m) => [
            'down',
            m.sku,
            m.name,
            m.category,
            m.revenue_cents,
            m.previous_revenue_cents,
            m.change_cents,
          ]),
        ],
      };
    case 'demographics':
      return {
        header: ['dimension', 'key', 'revenue_cents', 'orders'],
        rows: (Object.keys(o.demographics) as (keyof Overview['demographics'])[]).flatMap((dimension) =>
          o.demographics[dimension].map((s) => [dimension, s.key, s.revenue_cents, s.orders]),
        ),
      };
    case 'mix':
      return {
        header: ['dimension', 'key', 'revenue_cents', 'orders', 'share'],
        rows: (['category', 'channel'] as const).flatMap((dimension) =>
          o.mix[dimension].map((s) => [dimension, s.key, s.revenue_cents, s.orders, s.share]),
        ),
      };
    case 'recent_orders':
      return {
        header: [
          'occurred_at',
          'order_id',
          'event_id',
          'store_id',
          'region',
          'channel',
          'items',
          'units',
          'revenue_cents',
          'top_item',
          'top_sku',
        ],
        rows: o.recent_orders.map((r) => [
          t(r.occurred_at),
          r.order_id,
          r.event_id,
          r.store_id,
          r.region,
          r.channel,
          r.items,
          r.units,
          r.revenue_cents,
          r.top_item,
          r.top_sku,
        ]),
      };
  }
}
