import { CHANNELS, type FilterOptions } from '@/lib/contract/overview';
import { db } from '@/lib/db';

/** Values for the filter bar, from the store and product dimension tables the workers keep. */
export async function getFilterOptions(prisma = db()): Promise<FilterOptions> {
  const [stores, categories] = await Promise.all([
    prisma.$queryRaw<{ store_id: string; region: string }[]>`SELECT store_id, region FROM store ORDER BY store_id`,
    prisma.$queryRaw<{ category: string }[]>`SELECT DISTINCT category FROM product ORDER BY category`,
  ]);
  return {
    stores: stores.map((s) => ({ id: s.store_id, region: s.region })),
    regions: [...new Set(stores.map((s) => s.region))].sort(),
    channels: [...CHANNELS],
    categories: categories.map((c) => c.category),
  };
}
