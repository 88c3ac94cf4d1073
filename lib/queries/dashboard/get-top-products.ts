import { Prisma, type PrismaClient } from '@prisma/client';
import type { OverviewFilters } from '@/lib/contract/overview';
import { compareExact, type ExactNumber, exactNumber, toBigInt } from '@/lib/domain/exact-number';
import type { Cell } from '@/lib/domain/time-buckets';
import { dimensionWhere, fromCells, levelScan, levelWhere } from './filter-sql';

const abs = (n: bigint) => (n < 0n ? -n : n);

export const TOP_SORTS = ['revenue', 'units'] as const;
export type TopSort = (typeof TOP_SORTS)[number];

export interface ProductTotal {
  sku: string;
  name: string;
  category: string;
  revenue_cents: ExactNumber;
  units: ExactNumber;
}

function categoryFilter(f: Pick<OverviewFilters, 'category'>): Prisma.Sql {
  return f.category ? Prisma.sql`AND r.category = ANY(${f.category}::text[])` : Prisma.empty;
}

function orderBy(sort: TopSort): Prisma.Sql {
  return sort === 'units' ? Prisma.sql`units DESC, revenue DESC, sku` : Prisma.sql`revenue DESC, sku`;
}

export interface ProductChange extends ProductTotal {
  previous_revenue_cents: ExactNumber;
  change_cents: ExactNumber;
}

export interface ProductStandings {
  /** Top products of the current range, by revenue (or units); ties broken by SKU. */
  top: ProductTotal[];
  /** Rank (1 = best) of each top product among all products of the previous range; absent = unsold. */
  previousRanks: Map<string, number>;
  /** Revenue and units of each top product in the previous range, from the same rows (0 = unsold). */
  previousFigures: Map<string, { revenue_cents: ExactNumber; units: ExactNumber }>;
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
      before_units: bigint | null;
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
    SELECT m.kind, m.sku, p.name, p.category, m.revenue, m.units, m.before, m.before_units, m.rank, m.pos FROM (
      (SELECT 'top' AS kind, t.sku, t.revenue, t.units, ranked.revenue AS before, ranked.units AS before_units,
              ranked.rank, t.pos
       FROM (SELECT *, row_number() OVER (ORDER BY ${orderBy(sort)}) AS pos FROM cur ORDER BY pos LIMIT ${limit}) t
       LEFT JOIN (SELECT *, row_number() OVER (ORDER BY ${orderBy(sort)}) AS rank FROM prev) ranked USING (sku))
      UNION ALL
      (SELECT 'up', d.sku, d.now, d.units, d.before, NULL, NULL, NULL FROM delta d
       WHERE now > before ORDER BY now - before DESC, sku LIMIT ${movers})
      UNION ALL
      (SELECT 'down', d.sku, d.now, d.units, d.before, NULL, NULL, NULL FROM delta d
       WHERE now < before ORDER BY now - before ASC, sku LIMIT ${movers})
    ) m JOIN product p USING (sku)`;

  const total = (r: (typeof rows)[number]): ProductTotal => ({
    sku: r.sku,
    name: r.name,
    category: r.category,
    revenue_cents: exactNumber(r.revenue),
    units: exactNumber(r.units),
  });
  // In the order SQL ranked them (the JOIN with product does not keep it).
  const top = rows
    .filter((r) => r.kind === 'top')
    .sort((a, b) => Number(a.pos) - Number(b.pos))
    .map(total);
  const previousRanks = new Map(
    rows.filter((r) => r.kind === 'top' && r.rank !== null).map((r) => [r.sku, Number(r.rank)]),
  );
  const previousFigures = new Map(
    rows
      .filter((r) => r.kind === 'top')
      .map((r) => [r.sku, { revenue_cents: exactNumber(r.before ?? 0n), units: exactNumber(r.before_units ?? 0n) }]),
  );
  const toChange = (r: (typeof rows)[number]): ProductChange => ({
    ...total(r),
    previous_revenue_cents: exactNumber(r.before),
    change_cents: exactNumber(toBigInt(r.revenue) - toBigInt(r.before)),
  });
  const size = (change: ExactNumber) => exactNumber(abs(toBigInt(change)));
  const byChange = (a: ProductChange, b: ProductChange) =>
    compareExact(size(b.change_cents), size(a.change_cents)) || (a.sku < b.sku ? -1 : 1);
  return {
    top,
    previousRanks,
    previousFigures,
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
