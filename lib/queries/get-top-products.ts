import { Prisma, type PrismaClient } from '@prisma/client';
import { rollupWhere } from './filter-sql';
import type { OverviewFilters, TopProduct } from './overview.types';

/** Top products by revenue in the range (ties broken by SKU). */
export async function getTopProducts(prisma: PrismaClient, f: OverviewFilters, limit = 10): Promise<TopProduct[]> {
  const category = f.category ? Prisma.sql`AND pm.category = ${f.category}` : Prisma.empty;
  const rows = await prisma.$queryRaw<
    { sku: string; name: string; category: string; revenue: bigint; units: bigint }[]
  >`
    SELECT pm.sku, p.name, p.category, pm.revenue, pm.units
    FROM (
      SELECT sku, SUM(revenue_cents)::bigint AS revenue, SUM(units)::bigint AS units
      FROM product_minute pm
      WHERE ${rollupWhere(f, 'pm')} ${category}
      GROUP BY sku
      ORDER BY revenue DESC, sku
      LIMIT ${limit}
    ) pm
    JOIN product p USING (sku)
    ORDER BY pm.revenue DESC, pm.sku`;
  return rows.map((r) => ({
    sku: r.sku,
    name: r.name,
    category: r.category,
    revenue_cents: Number(r.revenue),
    units: Number(r.units),
  }));
}
