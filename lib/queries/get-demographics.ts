import { Prisma, type PrismaClient } from '@prisma/client';
import { CUSTOMER_SEGMENTS } from '../sales-rollup';
import type { Cell } from '../time-buckets';
import { categoryScope, customerCategoryScan, dimensionWhere, fromCells, levelScan, levelWhere } from './filter-sql';
import {
  AGE_BANDS,
  CUSTOMER_TYPES,
  type DemographicSlice,
  type Demographics,
  GENDERS,
  LOYALTY_TIERS,
  type OverviewFilters,
} from './overview.types';

type Dimension = keyof Demographics;
type FixedDimension = Exclude<Dimension, 'region'>;
const FIXED_KEYS: Record<FixedDimension, readonly string[]> = {
  age_band: AGE_BANDS,
  gender: GENDERS,
  loyalty_tier: LOYALTY_TIERS,
  customer_type: CUSTOMER_TYPES,
};

/** The dimensions with a fixed set of keys, in that order and zero-filled; `found` is keyed `dimension:key`. */
export function fixedDimensions(found: ReadonlyMap<string, DemographicSlice>): Omit<Demographics, 'region'> {
  const fixed = (dimension: FixedDimension) =>
    FIXED_KEYS[dimension].map((key) => found.get(`${dimension}:${key}`) ?? { key, revenue_cents: 0, orders: 0 });
  return {
    age_band: fixed('age_band'),
    gender: fixed('gender'),
    loyalty_tier: fixed('loyalty_tier'),
    customer_type: fixed('customer_type'),
  };
}

/** Rows of `slot` (1-based, as WITH ORDINALITY numbers them) into the fixed dimensions' slices. */
export function segmentSlices(
  rows: readonly { slot: number; revenue: bigint | null; orders: bigint | null }[],
): Omit<Demographics, 'region'> {
  const found = new Map<string, DemographicSlice>();
  for (const r of rows) {
    const segment = CUSTOMER_SEGMENTS[r.slot - 1];
    if (!segment) continue;
    const id = `${segment.dimension}:${segment.key}`;
    const slice = found.get(id) ?? { key: segment.key, revenue_cents: 0, orders: 0 };
    slice.revenue_cents += Number(r.revenue ?? 0);
    slice.orders += Number(r.orders ?? 0);
    found.set(id, slice);
  }
  return fixedDimensions(found);
}

/**
 * Revenue and orders by each demographic dimension: demographic_rollup's segment slots summed
 * per region and slot. A region's figures are the sum of any one dimension's slots (each event
 * fills exactly one slot per dimension); customer type is used.
 */
export async function getDemographics(prisma: PrismaClient, f: OverviewFilters, cells: Cell[]): Promise<Demographics> {
  const scope = categoryScope(f);
  const rows = await prisma.$queryRaw<
    { region: string; slot: number; revenue: bigint | null; orders: bigint | null }[]
  >`
    SELECT r.region, u.slot::int AS slot, SUM(u.revenue)::bigint AS revenue, SUM(u.orders * ${scope.weight})::bigint AS orders
    FROM ${fromCells('demographic_rollup', cells, Prisma.sql`${levelScan(f)} AND ${customerCategoryScan(f)}`)} ${scope.join}
    CROSS JOIN LATERAL unnest(r.revenue_cents, r.orders) WITH ORDINALITY AS u(revenue, orders, slot)
    WHERE ${scope.where} AND ${dimensionWhere(f)} AND ${levelWhere(f)}
    GROUP BY r.region, u.slot`;

  const byRegion = new Map<string, DemographicSlice>();
  for (const r of rows) {
    if (CUSTOMER_SEGMENTS[r.slot - 1]?.dimension !== 'customer_type') continue;
    const slice = byRegion.get(r.region) ?? { key: r.region, revenue_cents: 0, orders: 0 };
    slice.revenue_cents += Number(r.revenue ?? 0);
    slice.orders += Number(r.orders ?? 0);
    byRegion.set(r.region, slice);
  }
  const region = [...byRegion.values()].sort((a, b) => b.revenue_cents - a.revenue_cents || a.key.localeCompare(b.key));
  return { ...segmentSlices(rows), region };
}
