import { Prisma, type PrismaClient } from '@prisma/client';
import type { Demographics, OverviewFilters } from '@/lib/contract/overview';
import type { Cell } from '@/lib/domain/time-buckets';
import { dimensionWhere, fromCells } from './filter-sql';
import { segmentSlices } from './get-demographics';

/**
 * Who buys one product: its revenue and orders (orders containing it) by age band, gender,
 * loyalty tier and new vs returning, summed slot by slot over its product_demographic_rollup
 * cells. Every dimension adds up to the product's totals. Region is not a segment slot (the
 * rows carry it as a dimension), so the caller adds it from the product's own breakdown.
 */
export async function getProductDemographics(
  prisma: PrismaClient,
  sku: string,
  f: OverviewFilters,
  cells: Cell[],
): Promise<Omit<Demographics, 'region'>> {
  const category = f.category ? Prisma.sql`AND r.category = ANY(${f.category}::text[])` : Prisma.empty;
  const rows = await prisma.$queryRaw<{ slot: number; revenue: bigint; orders: bigint }[]>`
    SELECT u.slot::int AS slot, SUM(u.revenue)::bigint AS revenue, SUM(u.orders)::bigint AS orders
    FROM ${fromCells('product_demographic_rollup', cells, Prisma.sql`x.sku = ${sku}`, { storeLevel: true })}
    CROSS JOIN LATERAL unnest(r.revenue_cents, r.orders) WITH ORDINALITY AS u(revenue, orders, slot)
    WHERE ${dimensionWhere(f)} ${category}
    GROUP BY u.slot`;

  return segmentSlices(rows);
}
