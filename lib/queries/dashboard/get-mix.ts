import { Prisma, type PrismaClient } from '@prisma/client';
import type { MixSlice, OverviewFilters } from '@/lib/contract/overview';
import { exactNumber, toBigInt } from '@/lib/domain/exact-number';
import { segmentPositions } from '@/lib/domain/sales-rollup';
import type { Cell } from '@/lib/domain/time-buckets';
import {
  categoryScope,
  customerCategoryScan,
  dimensionWhere,
  fromCells,
  isRealCategory,
  levelScan,
  levelWhere,
  readsStoreLevel,
} from './filter-sql';

type Row = { key: string; revenue: bigint; orders: bigint };

/** Rows of a breakdown with their share of revenue, largest first. */
export function toSlices(rows: Row[]): MixSlice[] {
  const exact = rows.map((r) => ({ ...r, revenue: toBigInt(r.revenue) }));
  const total = Number(exact.reduce((sum, r) => sum + r.revenue, 0n));
  return exact
    .sort((a, b) => (b.revenue > a.revenue ? 1 : b.revenue < a.revenue ? -1 : a.key.localeCompare(b.key)))
    .map((r) => ({
      key: r.key,
      revenue_cents: exactNumber(r.revenue),
      orders: Number(r.orders),
      share: total === 0 ? 0 : Number(r.revenue) / total,
    }));
}

/** The customer-type slots (new, returning) as an SQL array slice; they are adjacent. */
const CUSTOMER_TYPE_SLICE = (() => {
  const positions = segmentPositions('customer_type');
  const [lo, hi] = [positions[0] as number, positions.at(-1) as number];
  if (hi - lo + 1 !== positions.length) throw new Error('customer-type slots must be adjacent');
  return Prisma.raw(`${lo}:${hi}`);
})();

/**
 * Revenue and orders per category. Without a store or channel filter, from the region-level
 * rows of demographic_rollup (a cell's customer-type slots add up to the cell; ~30× fewer rows
 * than sales_rollup's store × channel rows); else from sales_rollup.
 */
function categoryRows(
  prisma: PrismaClient,
  f: OverviewFilters,
  cells: Cell[],
  category: (column: Prisma.Sql) => Prisma.Sql,
) {
  if (f.store || f.channel) {
    return prisma.$queryRaw<Row[]>`
      SELECT r.category AS key, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.orders)::bigint AS orders
      FROM ${fromCells('sales_rollup', cells)}
      WHERE ${category(Prisma.sql`r.category`)} AND ${dimensionWhere(f)}
      GROUP BY r.category`;
  }
  return prisma.$queryRaw<Row[]>`
    SELECT r.category AS key, SUM(u.revenue)::bigint AS revenue, SUM(u.orders)::bigint AS orders
    FROM ${fromCells('demographic_rollup', cells, Prisma.sql`${levelScan(f)} AND ${customerCategoryScan(f, true)}`, {
      storeLevel: readsStoreLevel(f),
    })}
    CROSS JOIN LATERAL unnest(r.revenue_cents[${CUSTOMER_TYPE_SLICE}], r.orders[${CUSTOMER_TYPE_SLICE}]) AS u(revenue, orders)
    WHERE ${category(Prisma.sql`r.category`)} AND ${dimensionWhere(f)} AND ${levelWhere(f)}
    GROUP BY r.category`;
}

/** Share of revenue by category and by channel. */
export async function getMix(
  prisma: PrismaClient,
  f: OverviewFilters,
  cells: Cell[],
): Promise<{ category: MixSlice[]; channel: MixSlice[] }> {
  // One slice per category: its own rows are exact ("orders with a line in it") for any filter.
  const category = (column: Prisma.Sql) =>
    f.category ? Prisma.sql`${column} = ANY(${f.category}::text[])` : isRealCategory(column);
  const scope = categoryScope(f);
  const [byCategory, byChannel] = await Promise.all([
    categoryRows(prisma, f, cells, category),
    prisma.$queryRaw<Row[]>`
      SELECT r.channel AS key, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.orders * ${scope.weight})::bigint AS orders
      FROM ${fromCells('sales_rollup', cells, scope.scan)} ${scope.join}
      WHERE ${scope.where} AND ${dimensionWhere(f)}
      GROUP BY r.channel`,
  ]);
  return { category: toSlices(byCategory), channel: toSlices(byChannel) };
}
