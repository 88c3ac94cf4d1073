import { Prisma, type PrismaClient } from '@prisma/client';
import {
  AGE_BANDS,
  CUSTOMER_TYPES,
  type DemographicSlice,
  type Demographics,
  GENDERS,
  LOYALTY_TIERS,
  type OverviewFilters,
} from '@/lib/contract/overview';
import { compareExact, exactNumber, toBigInt } from '@/lib/domain/exact-number';
import { CUSTOMER_SEGMENTS, segmentPositions } from '@/lib/domain/sales-rollup';
import type { Cell } from '@/lib/domain/time-buckets';
import {
  categoryScope,
  customerCategoryScan,
  dimensionWhere,
  fromCells,
  levelScan,
  levelWhere,
  readsStoreLevel,
} from './filter-sql';

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

type SlotSums = { slot: number; revenue: bigint | null; orders: bigint | null };

/** Adds a row's sums to the slice `id` of `slices` (keyed `key`), created at zero; exact. */
function addTo(slices: Map<string, DemographicSlice>, id: string, key: string, r: SlotSums): void {
  const slice = slices.get(id) ?? { key, revenue_cents: 0, orders: 0 };
  slice.revenue_cents = exactNumber(toBigInt(slice.revenue_cents) + toBigInt(r.revenue));
  slice.orders += Number(r.orders ?? 0);
  slices.set(id, slice);
}

/** Rows of `slot` (1-based, as WITH ORDINALITY numbers them) into the fixed dimensions' slices. */
export function segmentSlices(rows: readonly SlotSums[]): Omit<Demographics, 'region'> {
  const found = new Map<string, DemographicSlice>();
  for (const r of rows) {
    const segment = CUSTOMER_SEGMENTS[r.slot - 1];
    if (segment) addTo(found, `${segment.dimension}:${segment.key}`, segment.key, r);
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
  const rows = await prisma.$queryRaw<(SlotSums & { region: string })[]>`
    SELECT r.region, u.slot::int AS slot, SUM(u.revenue)::bigint AS revenue, SUM(u.orders * ${scope.weight})::bigint AS orders
    FROM ${fromCells('demographic_rollup', cells, Prisma.sql`${levelScan(f)} AND ${customerCategoryScan(f)}`, {
      storeLevel: readsStoreLevel(f),
    })} ${scope.join}
    CROSS JOIN LATERAL unnest(r.revenue_cents, r.orders) WITH ORDINALITY AS u(revenue, orders, slot)
    WHERE ${scope.where} AND ${dimensionWhere(f)} AND ${levelWhere(f)}
    GROUP BY r.region, u.slot`;

  const customerType = new Set(segmentPositions('customer_type'));
  const byRegion = new Map<string, DemographicSlice>();
  for (const r of rows) if (customerType.has(r.slot)) addTo(byRegion, r.region, r.region, r);
  const region = [...byRegion.values()].sort(
    (a, b) => compareExact(b.revenue_cents, a.revenue_cents) || a.key.localeCompare(b.key),
  );
  return { ...segmentSlices(rows), region };
}
