import { Prisma, type PrismaClient } from '@prisma/client';
import type { Inventory, InventoryQuery, InventorySort } from '@/lib/contract/inventory';
import { db } from '@/lib/db';
import {
  DAY_HOURS,
  type DemandSettings,
  demandFigures,
  HOUR_MS,
  resolveRule,
  roundFigure,
  type StockRule,
} from '@/lib/domain/demand';
import { exactNumber } from '@/lib/domain/exact-number';
import type { Env } from '@/lib/env';
import type { Scope } from '@/lib/web/auth/scope';
import { getHourlyDemand, getRuleOverrides, seriesOf } from './get-demand';

/** `text` as a LIKE pattern matching itself. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const SORT_SQL: Record<InventorySort, Prisma.Sql> = {
  on_hand: Prisma.sql`st.on_hand`,
  store: Prisma.sql`st.store_id`,
  sku: Prisma.sql`st.sku`,
  updated_at: Prisma.sql`st.updated_at`,
};

interface Row {
  store_id: string;
  sku: string;
  name: string | null;
  category: string | null;
  on_hand: bigint;
  snapshot_at: Date | null;
  snapshot_qty: bigint;
  last_event_at: Date | null;
  updated_at: Date;
  total: bigint;
}

/** What the inventory answer is computed with (from the INVENTORY_* configuration). */
export interface InventorySettings {
  lowStockUnits: number;
  windowHours: number;
  demand: DemandSettings;
  defaults: StockRule;
}

export function inventorySettings(config: Env): InventorySettings {
  return {
    lowStockUnits: config.INVENTORY_LOW_STOCK_UNITS,
    windowHours: config.INVENTORY_DEMAND_WINDOW_DAYS * DAY_HOURS,
    demand: {
      halfLifeHours: config.INVENTORY_VELOCITY_HALF_LIFE_HOURS,
      profileMinDays: config.INVENTORY_PROFILE_MIN_DAYS,
    },
    defaults: {
      reorderPoint: config.INVENTORY_REORDER_POINT_UNITS,
      targetCoverDays: config.INVENTORY_TARGET_COVER_DAYS,
      lowCoverDays: config.INVENTORY_LOW_COVER_DAYS,
      overstockCoverDays: config.INVENTORY_OVERSTOCK_COVER_DAYS,
    },
  };
}

/**
 * Stock rows matching `query`, inside `scope`. `query.stores` is already narrowed to the scope's
 * stores (the route applies it); regions and categories of the scope are applied here, through
 * the sales pipeline's store and product rows: a store whose region is unknown, or a SKU whose
 * category is unknown, lies outside a scope that names regions or categories.
 */
export async function getInventory(
  query: InventoryQuery,
  scope: Scope,
  settings: InventorySettings,
  prisma: PrismaClient = db(),
  nowMs = Date.now(),
): Promise<Inventory> {
  const { lowStockUnits } = settings;
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (query.stores.length > 0) where.push(Prisma.sql`st.store_id = ANY(${query.stores}::text[])`);
  if (scope.region && scope.region.length > 0) {
    where.push(
      Prisma.sql`EXISTS (SELECT 1 FROM store s WHERE s.store_id = st.store_id AND s.region = ANY(${[...scope.region]}::text[]))`,
    );
  }
  if (scope.category && scope.category.length > 0) {
    where.push(Prisma.sql`p.category = ANY(${[...scope.category]}::text[])`);
  }
  if (query.q) {
    const contains = `%${likeLiteral(query.q)}%`;
    where.push(Prisma.sql`(st.sku ILIKE ${contains} OR p.name ILIKE ${contains})`);
  }
  if (query.low) where.push(Prisma.sql`st.on_hand <= ${lowStockUnits}`);
  const direction = query.order === 'desc' ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT st.store_id, st.sku, p.name, p.category, st.on_hand, st.snapshot_at, st.snapshot_qty,
      st.last_event_at, st.updated_at, count(*) OVER () AS total
    FROM stock st LEFT JOIN product p ON p.sku = st.sku
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${SORT_SQL[query.sort]} ${direction}, st.store_id, st.sku
    LIMIT ${query.limit} OFFSET ${query.offset}`;
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && query.offset > 0) {
    // A page past the end still says how many rows there are.
    const counted = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM stock st LEFT JOIN product p ON p.sku = st.sku WHERE ${Prisma.join(where, ' AND ')}`;
    total = Number(counted[0]?.n ?? 0);
  }
  // Demand figures of the page's rows: their hourly units set-based in SQL, the rest in
  // lib/domain/demand.ts. Complete hours only, so the figures move once an hour.
  const asOf = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const pairs = rows.map((r) => ({ storeId: r.store_id, sku: r.sku }));
  const [hourly, overrides] = await Promise.all([
    getHourlyDemand(prisma, pairs, asOf, settings.windowHours),
    getRuleOverrides(
      prisma,
      [...new Set(rows.map((r) => r.sku))],
      [...new Set(rows.flatMap((r) => (r.category === null ? [] : [r.category])))],
    ),
  ]);
  return {
    rows: rows.map((r) => ({
      store_id: r.store_id,
      sku: r.sku,
      name: r.name,
      category: r.category,
      on_hand: exactNumber(r.on_hand),
      low: r.on_hand <= BigInt(lowStockUnits),
      snapshot_at: r.snapshot_at?.toISOString() ?? null,
      snapshot_qty: r.snapshot_at ? exactNumber(r.snapshot_qty) : null,
      last_event_at: r.last_event_at?.toISOString() ?? null,
      updated_at: r.updated_at.toISOString(),
      ...demandFields(
        Number(r.on_hand),
        seriesOf(hourly, r.store_id, r.sku) ?? { units: [], endMs: asOf, historyHours: 0 },
        settings.demand,
        resolveRule(
          settings.defaults,
          r.category === null ? null : overrides.category.get(r.category),
          overrides.sku.get(r.sku),
        ),
      ),
    })),
    total,
    limit: query.limit,
    offset: query.offset,
    low_stock_units: lowStockUnits,
    demand_as_of: new Date(asOf).toISOString(),
    demand_window_hours: settings.windowHours,
  };
}

/** A stock row's demand fields (the API's shape of lib/domain/demand.ts demandFigures). */
export function demandFields(
  onHand: number,
  series: Parameters<typeof demandFigures>[1],
  demand: DemandSettings,
  rule: StockRule,
) {
  const f = demandFigures(onHand, series, demand, rule);
  return {
    velocity_units_per_hour: roundFigure(f.velocity),
    forecast_daily_units: roundFigure(f.forecast.daily),
    forecast_model: f.forecast.model,
    days_of_cover: f.cover === null ? null : roundFigure(f.cover),
    reorder_point: f.rule.reorderPoint,
    target_cover_days: f.rule.targetCoverDays,
    low_reason: f.lowReason,
    restock_units: f.restock,
    pricing: f.pricing,
  };
}
