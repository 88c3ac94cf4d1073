import type { PrismaClient } from '@prisma/client';
import type { Cell } from '../time-buckets';
import { categoryScope, dimensionWhere, fromCells, levelScan, levelWhere } from './filter-sql';
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

/** Revenue and orders by each demographic dimension, in one GROUPING SETS scan. */
export async function getDemographics(prisma: PrismaClient, f: OverviewFilters, cells: Cell[]): Promise<Demographics> {
  const scope = categoryScope(f);
  const rows = await prisma.$queryRaw<{ dimension: Dimension; key: string; revenue: bigint; orders: bigint }[]>`
    SELECT
      CASE
        WHEN GROUPING(age_band) = 0 THEN 'age_band'
        WHEN GROUPING(gender) = 0 THEN 'gender'
        WHEN GROUPING(loyalty_tier) = 0 THEN 'loyalty_tier'
        WHEN GROUPING(customer_type) = 0 THEN 'customer_type'
        ELSE 'region'
      END AS dimension,
      COALESCE(age_band, gender, loyalty_tier, customer_type, region) AS key,
      SUM(r.revenue_cents)::bigint AS revenue, SUM(${scope.orders})::bigint AS orders
    FROM ${fromCells('demographic_rollup', cells, levelScan(f))} ${scope.join}
    WHERE ${scope.where} AND ${dimensionWhere(f)} AND ${levelWhere(f)}
    GROUP BY GROUPING SETS ((age_band), (gender), (loyalty_tier), (customer_type), (region))`;

  const found = new Map<string, DemographicSlice>();
  for (const r of rows) {
    found.set(`${r.dimension}:${r.key}`, { key: r.key, revenue_cents: Number(r.revenue), orders: Number(r.orders) });
  }
  const region = rows
    .filter((r) => r.dimension === 'region')
    .map((r) => found.get(`region:${r.key}`) as DemographicSlice)
    .sort((a, b) => b.revenue_cents - a.revenue_cents || a.key.localeCompare(b.key));
  return { ...fixedDimensions(found), region };
}
