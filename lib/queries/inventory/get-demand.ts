import type { Prisma, PrismaClient } from '@prisma/client';
import { HOUR_MS, type HourlySeries, type RuleOverride } from '@/lib/domain/demand';

export interface StorePair {
  storeId: string;
  sku: string;
}

const pairKey = (storeId: string, sku: string) => `${storeId}\u0000${sku}`;

/**
 * Net units per UTC hour of each store × SKU of `pairs` over the `windowHours` complete hours
 * before `endMs` (an hour start), from stock_demand_hour: one primary-key range scan per pair,
 * whatever the size of the sales history. The inventory worker writes that table in the batch
 * that applies the sales to stock, so it holds the sales the inventory group has consumed (a new
 * group starts at the beginning of the sales topic). `historyHours` is how many of those hours
 * lie after the first hour the table holds (hours before it are unknown, not zero).
 */
export async function getHourlyDemand(
  prisma: PrismaClient | Prisma.TransactionClient,
  pairs: readonly StorePair[],
  endMs: number,
  windowHours: number,
): Promise<Map<string, HourlySeries>> {
  const out = new Map<string, HourlySeries>();
  if (pairs.length === 0) return out;
  const from = new Date(endMs - windowHours * HOUR_MS);
  const to = new Date(endMs);
  const [rows, start] = await Promise.all([
    // LATERAL keeps the plan a nested loop of index-only range scans, one per pair; one row per
    // pair with its hours and units as arrays keeps the decoding small (a 500-row page has up to
    // 168,000 hour values). float8 is exact for any unit count below 2^53.
    prisma.$queryRaw<{ store_id: string; sku: string; hours: number[]; units: number[] }[]>`
      SELECT p.store_id, p.sku, d.hours, d.units
      FROM unnest(${pairs.map((p) => p.storeId)}::text[], ${pairs.map((p) => p.sku)}::text[]) AS p(store_id, sku)
      CROSS JOIN LATERAL (
        SELECT array_agg((extract(epoch FROM h.hour) / 3600)::int) AS hours, array_agg(h.units::float8) AS units
        FROM stock_demand_hour h
        WHERE h.store_id = p.store_id AND h.sku = p.sku AND h.hour >= ${from} AND h.hour < ${to}
      ) d
      WHERE d.hours IS NOT NULL`,
    prisma.$queryRaw<{ start: Date | null }[]>`SELECT min(hour) AS start FROM stock_demand_hour`,
  ]);
  const startMs = start[0]?.start ? Math.floor(start[0].start.getTime() / HOUR_MS) * HOUR_MS : endMs;
  const historyHours = Math.max(0, Math.min(windowHours, Math.round((endMs - startMs) / HOUR_MS)));
  const firstHour = endMs / HOUR_MS - windowHours;
  for (const p of pairs) {
    out.set(pairKey(p.storeId, p.sku), { units: new Array<number>(windowHours).fill(0), endMs, historyHours });
  }
  for (const r of rows) {
    const series = out.get(pairKey(r.store_id, r.sku));
    if (!series) continue;
    r.hours.forEach((hour, j) => {
      const i = hour - firstHour;
      if (i >= 0 && i < windowHours) (series.units as number[])[i] = Number(r.units[j]);
    });
  }
  return out;
}

export function seriesOf(map: Map<string, HourlySeries>, storeId: string, sku: string): HourlySeries | undefined {
  return map.get(pairKey(storeId, sku));
}

export interface Overrides {
  sku: Map<string, RuleOverride>;
  category: Map<string, RuleOverride>;
}

/** The inventory_rule rows for these SKUs and categories. */
export async function getRuleOverrides(
  prisma: PrismaClient | Prisma.TransactionClient,
  skus: readonly string[],
  categories: readonly string[],
): Promise<Overrides> {
  const out: Overrides = { sku: new Map(), category: new Map() };
  if (skus.length === 0) return out;
  const rows = await prisma.$queryRaw<
    {
      scope_kind: string;
      scope_value: string;
      reorder_point: bigint | null;
      target_cover_days: number | null;
      low_cover_days: number | null;
      overstock_cover_days: number | null;
    }[]
  >`
    SELECT scope_kind, scope_value, reorder_point, target_cover_days, low_cover_days, overstock_cover_days
    FROM inventory_rule
    WHERE (scope_kind = 'sku' AND scope_value = ANY(${[...skus]}::text[]))
       OR (scope_kind = 'category' AND scope_value = ANY(${[...categories]}::text[]))`;
  for (const r of rows) {
    const override: RuleOverride = {
      reorderPoint: r.reorder_point === null ? null : Number(r.reorder_point),
      targetCoverDays: r.target_cover_days,
      lowCoverDays: r.low_cover_days,
      overstockCoverDays: r.overstock_cover_days,
    };
    (r.scope_kind === 'sku' ? out.sku : out.category).set(r.scope_value, override);
  }
  return out;
}
