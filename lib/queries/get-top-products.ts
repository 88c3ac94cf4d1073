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

export interface ProductChange extends ProductTotal {
  previous_revenue_cents: number;
  change_cents: number;
}

export interface ProductStandings {
  /** Top products of the current range, by revenue (or units); ties broken by SKU. */
  top: ProductTotal[];
  /** Rank (1 = best) of each top product among all products of the previous range; absent = unsold. */
  previousRanks: Map<string, number>;
  /** Biggest risers and fallers by revenue between the two ranges. */
  movers: { risers: ProductChange[]; fallers: ProductChange[] };
}

/**
 * Top products, their previous ranks and the movers, from one read of each range's
 * product rows (each range is summed once per SKU, then ranked and compared in SQL).
 */
export async function getProductStandings(
  prisma: PrismaClient,
  f: OverviewFilters,
  current: Cell[],
  previous: Cell[],
  opts: { limit?: number; sort?: TopSort; movers?: number } = {},
): Promise<ProductStandings> {
  const { limit = 10, sort = 'revenue', movers = 5 } = opts;
  const bySkuIn = (cells: Cell[]) => Prisma.sql`
    SELECT r.sku, SUM(r.revenue_cents)::bigint AS revenue, SUM(r.units)::bigint AS units
    FROM ${fromCells('product_rollup', cells, levelScan(f, true))}
    WHERE ${dimensionWhere(f)} AND ${levelWhere(f, 'r', true)} ${categoryFilter(f)}
    GROUP BY r.sku`;
  const rows = await prisma.$queryRaw<
    {
      kind: 'top' | 'up' | 'down';
      sku: string;
      name: string;
      category: string;
      revenue: bigint;
      units: bigint;
      before: bigint | null;
      rank: bigint | null;
      pos: bigint | null;
    }[]
  >`
    WITH cur AS MATERIALIZED (${bySkuIn(current)}),
    prev AS MATERIALIZED (${bySkuIn(previous)}),
    delta AS (
      SELECT COALESCE(cur.sku, prev.sku) AS sku, COALESCE(cur.revenue, 0) AS now,
             COALESCE(prev.revenue, 0) AS before, COALESCE(cur.units, 0) AS units
      FROM cur FULL JOIN prev ON cur.sku = prev.sku
    )
    SELECT m.kind, m.sku, p.name, p.category, m.revenue, m.units, m.before, m.rank, m.pos FROM (
      (SELECT 'top' AS kind, t.sku, t.revenue, t.units, NULL::bigint AS before, ranked.rank, t.pos
       FROM (SELECT *, row_number() OVER (ORDER BY ${orderBy(sort)}) AS pos FROM cur ORDER BY pos LIMIT ${limit}) t
       LEFT JOIN (SELECT sku, row_number() OVER (ORDER BY ${orderBy(sort)}) AS rank FROM prev) ranked USING (sku))
      UNION ALL
      (SELECT 'up', d.sku, d.now, d.units, d.before, NULL, NULL FROM delta d
       WHERE now > before ORDER BY now - before DESC, sku LIMIT ${movers})
      UNION ALL
      (SELECT 'down', d.sku, d.now, d.units, d.before, NULL, NULL FROM delta d
       WHERE now < before ORDER BY now - before ASC, sku LIMIT ${movers})
    ) m JOIN product p USING (sku)`;

  const total = (r: (typeof rows)[number]): ProductTotal => ({
    sku: r.sku,
    name: r.name,
    category: r.category,
    revenue_cents: Number(r.revenue),
    units: Number(r.units),
  });
  // In the order SQL ranked them (the JOIN with product does not keep it).
  const top = rows
    .filter((r) => r.kind === 'top')
    .sort((a, b) => Number(a.pos) - Number(b.pos))
    .map(total);
  const previousRanks = new Map(
    rows.filter((r) => r.kind === 'top' && r.rank !== null).map((r) => [r.sku, Number(r.rank)]),
  );
  const toChange = (r: (typeof rows)[number]): ProductChange => ({
    ...total(r),
    previous_revenue_cents: Number(r.before),
    change_cents: Number(r.revenue) - Number(r.before),
  });
  const byChange = (a: ProductChange, b: ProductChange) =>
    Math.abs(b.change_cents) - Math.abs(a.change_cents) || (a.sku < b.sku ? -1 : 1);
  return {
    top,
    previousRanks,
    movers: {
      risers: rows
        .filter((r) => r.kind === 'up')
        .map(toChange)
        .sort(byChange),
      fallers: rows
        .filter((r) => r.kind === 'down')
        .map(toChange)
        .sort(byChange),
    },
  };
}
