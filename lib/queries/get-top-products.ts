import { Prisma, type PrismaClient } from '@prisma/client';
import type { Cell } from '../time-buckets';
import { dimensionWhere, fromCells, levelScan, levelWhere } from './filter-sql';
import type { OverviewFilters } from './overview.types';

export const TOP_SORTS = ['revenue', 'units'] as const;
export type TopSort = (typeof TOP_SORTS)[number];

export interface ProductTotal {
  sku: string;
  name: string;
  category: string;
  revenue_cents: number;
  units: number;
}

function categoryFilter(f: Pick<OverviewFilters, 'category'>): Prisma.Sql {
  return f.category ? Prisma.sql`AND r.category = ANY(${f.category}::text[])` : Prisma.empty;
}

function orderBy(sort: TopSort): Prisma.Sql {
  return sort === 'units' ? Prisma.sql`units DESC, revenue DESC, sku` : Prisma.sql`revenue DESC, sku`;
}

/** Top products in the cells' range, by revenue (or units); ties broken by SKU. */
export async function getTopProducts(
  prisma: PrismaClient,
  f: OverviewFilters,
  cells: Cell[],
  limit = 10,
  sort: TopSort = 'revenue',
): Promise<ProductTotal[]> {
  const rows = await prisma.$queryRaw<
    { sku: string; name: string; category: string; revenue: bigint; units: bigint }[]
  >`
    SELECT t.sku, p.name, p.category, t.revenue, t.units
    FROM (
      SELECT r.sku, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.units)::bigint AS units
      FROM ${fromCells('product_rollup', cells, levelScan(f))}
      WHERE ${dimensionWhere(f)} AND ${levelWhere(f)} ${categoryFilter(f)}
      GROUP BY r.sku
      ORDER BY ${orderBy(sort)}
      LIMIT ${limit}
    ) t
    JOIN product p USING (sku)
    ORDER BY ${sort === 'units' ? Prisma.sql`t.units DESC, t.revenue DESC, t.sku` : Prisma.sql`t.revenue DESC, t.sku`}`;
  return rows.map((r) => ({
    sku: r.sku,
    name: r.name,
    category: r.category,
    revenue_cents: Number(r.revenue),
    units: Number(r.units),
  }));
}

/** Rank (1 = best) of the given SKUs among all products of the cells' range; absent = unsold. */
export async function getProductRanks(
  prisma: PrismaClient,
  f: OverviewFilters,
  cells: Cell[],
  skus: string[],
  sort: TopSort = 'revenue',
): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const rows = await prisma.$queryRaw<{ sku: string; rank: bigint }[]>`
    SELECT sku, rank FROM (
      SELECT r.sku, row_number() OVER (ORDER BY ${orderBy(sort)}) AS rank
      FROM (
        SELECT r.sku, SUM(r.revenue_cents) AS revenue, SUM(r.units) AS units
        FROM ${fromCells('product_rollup', cells, levelScan(f))}
        WHERE ${dimensionWhere(f)} AND ${levelWhere(f)} ${categoryFilter(f)}
        GROUP BY r.sku
      ) r
    ) ranked
    WHERE sku = ANY(${skus}::text[])`;
  return new Map(rows.map((r) => [r.sku, Number(r.rank)]));
}

export interface ProductChange extends ProductTotal {
  previous_revenue_cents: number;
  change_cents: number;
}

/** Biggest risers and fallers by revenue between two ranges. */
export async function getMovers(
  prisma: PrismaClient,
  f: OverviewFilters,
  current: Cell[],
  previous: Cell[],
  limit = 5,
): Promise<{ risers: ProductChange[]; fallers: ProductChange[] }> {
  const rows = await prisma.$queryRaw<
    { sku: string; name: string; category: string; now: bigint; before: bigint; units: bigint; dir: string }[]
  >`
    WITH cur AS (
      SELECT r.sku, SUM(r.revenue_cents) AS revenue, SUM(r.units) AS units
      FROM ${fromCells('product_rollup', current, levelScan(f))}
      WHERE ${dimensionWhere(f)} AND ${levelWhere(f)} ${categoryFilter(f)} GROUP BY r.sku
    ), prev AS (
      SELECT r.sku, SUM(r.revenue_cents) AS revenue
      FROM ${fromCells('product_rollup', previous, levelScan(f))}
      WHERE ${dimensionWhere(f)} AND ${levelWhere(f)} ${categoryFilter(f)} GROUP BY r.sku
    ), delta AS (
      SELECT COALESCE(cur.sku, prev.sku) AS sku, COALESCE(cur.revenue, 0)::bigint AS now,
             COALESCE(prev.revenue, 0)::bigint AS before, COALESCE(cur.units, 0)::bigint AS units
      FROM cur FULL JOIN prev ON cur.sku = prev.sku
    )
    SELECT * FROM (
      (SELECT d.*, 'up' AS dir FROM delta d WHERE now > before ORDER BY now - before DESC, sku LIMIT ${limit})
      UNION ALL
      (SELECT d.*, 'down' AS dir FROM delta d WHERE now < before ORDER BY now - before ASC, sku LIMIT ${limit})
    ) m JOIN product p USING (sku)`;
  const toChange = (r: (typeof rows)[number]): ProductChange => ({
    sku: r.sku,
    name: r.name,
    category: r.category,
    revenue_cents: Number(r.now),
    units: Number(r.units),
    previous_revenue_cents: Number(r.before),
    change_cents: Number(r.now) - Number(r.before),
  });
  const byChange = (a: ProductChange, b: ProductChange) =>
    Math.abs(b.change_cents) - Math.abs(a.change_cents) || (a.sku < b.sku ? -1 : 1);
  return {
    risers: rows
      .filter((r) => r.dir === 'up')
      .map(toChange)
      .sort(byChange),
    fallers: rows
      .filter((r) => r.dir === 'down')
      .map(toChange)
      .sort(byChange),
  };
}
