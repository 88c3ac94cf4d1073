// The store × SKU pairs the stock rules and suggestions look at (README "Actions contract"): every
// pair, or those whose stock row changed since a time (an inventory event or a sale applied by
// the inventory worker sets stock.updated_at), with the store's region and the SKU's category
// from the sales pipeline's rows (null when the pair has no sales yet).
import type { Prisma, PrismaClient } from '@prisma/client';

type Db = PrismaClient | Prisma.TransactionClient;

export interface StockPair {
  storeId: string;
  sku: string;
  onHand: number;
  region: string | null;
  category: string | null;
}

export async function getStockPairs(prisma: Db, changedSince: Date | null): Promise<StockPair[]> {
  const rows = await prisma.$queryRaw<
    { store_id: string; sku: string; on_hand: bigint; region: string | null; category: string | null }[]
  >`
    SELECT st.store_id, st.sku, st.on_hand, s.region, p.category
    FROM stock st
    LEFT JOIN store s ON s.store_id = st.store_id
    LEFT JOIN product p ON p.sku = st.sku
    WHERE ${changedSince}::timestamptz IS NULL OR st.updated_at >= ${changedSince}::timestamptz
    ORDER BY st.store_id, st.sku`;
  return rows.map((r) => ({
    storeId: r.store_id,
    sku: r.sku,
    onHand: Number(r.on_hand),
    region: r.region,
    category: r.category,
  }));
}
