import { Prisma, type PrismaClient } from '@prisma/client';
import type { Cell } from '../time-buckets';
import { categoryScope, dimensionWhere, fromCells, isRealCategory } from './filter-sql';
import type { MixSlice, OverviewFilters } from './overview.types';

type Row = { key: string; revenue: bigint; orders: bigint };

/** Rows of a breakdown with their share of revenue, largest first. */
export function toSlices(rows: Row[]): MixSlice[] {
  const total = rows.reduce((sum, r) => sum + Number(r.revenue), 0);
  return rows
    .map((r) => ({
      key: r.key,
      revenue_cents: Number(r.revenue),
      orders: Number(r.orders),
      share: total === 0 ? 0 : Number(r.revenue) / total,
    }))
    .sort((a, b) => b.revenue_cents - a.revenue_cents || a.key.localeCompare(b.key));
}

/** Share of revenue by category and by channel. */
export async function getMix(
  prisma: PrismaClient,
  f: OverviewFilters,
  cells: Cell[],
): Promise<{ category: MixSlice[]; channel: MixSlice[] }> {
  // One slice per category: its own rows are exact ("orders with a line in it") for any filter.
  const category = f.category
    ? Prisma.sql`r.category = ANY(${f.category}::text[])`
    : isRealCategory(Prisma.sql`r.category`);
  const scope = categoryScope(f);
  const [byCategory, byChannel] = await Promise.all([
    prisma.$queryRaw<Row[]>`
      SELECT r.category AS key, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.orders)::bigint AS orders
      FROM ${fromCells('sales_rollup', cells)}
      WHERE ${category} AND ${dimensionWhere(f)}
      GROUP BY r.category`,
    prisma.$queryRaw<Row[]>`
      SELECT r.channel AS key, SUM(r.revenue_cents)::bigint AS revenue, SUM(${scope.orders})::bigint AS orders
      FROM ${fromCells('sales_rollup', cells)} ${scope.join}
      WHERE ${scope.where} AND ${dimensionWhere(f)}
      GROUP BY r.channel`,
  ]);
  return { category: toSlices(byCategory), channel: toSlices(byChannel) };
}
