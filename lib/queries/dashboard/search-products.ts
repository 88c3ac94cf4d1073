import { Prisma, type PrismaClient } from '@prisma/client';
import { PRODUCT_SEARCH_LIMIT, type ProductMatch } from '@/lib/contract/product-search';
import { db } from '@/lib/db';

/** `text` as a LIKE pattern matching itself: its wildcards and the escape character escaped. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Products whose SKU or name contains `q` (any case), best first: the SKU itself, SKUs then
 * names starting with it, then the others by name. `categories` is the viewer's scope (none:
 * every category): a product outside it is not found, as on its page.
 */
export async function searchProducts(
  q: string,
  categories: readonly string[] = [],
  prisma: PrismaClient = db(),
): Promise<ProductMatch[]> {
  const literal = likeLiteral(q);
  const contains = `%${literal}%`;
  const prefix = `${literal}%`;
  const inScope = categories.length > 0 ? Prisma.sql`AND category = ANY(${[...categories]}::text[])` : Prisma.empty;
  return prisma.$queryRaw<ProductMatch[]>`
    SELECT sku, name, category FROM product
    WHERE (sku ILIKE ${contains} OR name ILIKE ${contains}) ${inScope}
    ORDER BY lower(sku) = lower(${q}) DESC, sku ILIKE ${prefix} DESC, name ILIKE ${prefix} DESC, name, sku
    LIMIT ${PRODUCT_SEARCH_LIMIT}`;
}
