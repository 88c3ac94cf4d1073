import { Prisma, type PrismaClient } from '@prisma/client';
import type { OverviewFilters, RecentOrder } from '@/lib/contract/overview';
import { exactNumber } from '@/lib/domain/exact-number';

/**
 * Orders one push may carry. A live push is a snapshot of the newest orders, so every order
 * counted between two pushes (at most one a second, longer while the database is busy) must
 * fit in it, or the ticker never learns of it: 20 were fewer than a second of a busy day.
 */
export const RECENT_ORDERS_LIMIT = 60;

/**
 * The newest counted sales and refunds of the view's range matching its dimension filters,
 * newest first, from the facts (amounts positive for refunds too; part 1 of a fact is the
 * whole order). A closed range (yesterday) gives its last orders, not today's.
 */
export async function getRecentOrders(
  prisma: PrismaClient,
  f: Pick<OverviewFilters, 'from' | 'to' | 'store' | 'region' | 'channel' | 'category'>,
  limit = RECENT_ORDERS_LIMIT,
): Promise<RecentOrder[]> {
  const parts: Prisma.Sql[] = [Prisma.sql`occurred_at >= ${f.from} AND occurred_at < ${f.to}`];
  if (f.store) parts.push(Prisma.sql`store_id = ANY(${f.store}::text[])`);
  if (f.region) parts.push(Prisma.sql`region = ANY(${f.region}::text[])`);
  if (f.channel) parts.push(Prisma.sql`channel = ANY(${f.channel}::text[])`);
  // An order with a line in any of the categories (array overlap with its category parts).
  if (f.category) parts.push(Prisma.sql`parts && ${f.category}::text[]`);
  const rows = await prisma.$queryRaw<
    {
      event_id: string;
      kind: RecentOrder['kind'];
      order_id: string;
      occurred_at: Date;
      store_id: string;
      region: string;
      channel: RecentOrder['channel'];
      items: number;
      units: bigint;
      revenue_cents: bigint;
      top_item: string;
      top_sku: string | null;
    }[]
  >`
    SELECT event_id, CASE WHEN refund THEN 'refund' ELSE 'sale' END AS kind, order_id, occurred_at, store_id, region,
      channel, items, CASE WHEN refund THEN -part_units[1] ELSE part_units[1] END AS units,
      CASE WHEN refund THEN -part_revenue[1] ELSE part_revenue[1] END AS revenue_cents, top_item, top_sku
    FROM sale_fact WHERE ${Prisma.join(parts, ' AND ')}
    ORDER BY occurred_at DESC, event_id
    LIMIT ${limit}`;
  return rows.map((r) => ({
    ...r,
    occurred_at: r.occurred_at.toISOString(),
    units: exactNumber(r.units),
    revenue_cents: exactNumber(r.revenue_cents),
  }));
}
