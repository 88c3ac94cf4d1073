import { Prisma, type PrismaClient } from '@prisma/client';
import type { OverviewFilters, RecentOrder } from './overview.types';

/** The newest counted sales and refunds matching the dimension filters, newest first. */
export async function getRecentOrders(
  prisma: PrismaClient,
  f: Pick<OverviewFilters, 'store' | 'region' | 'channel' | 'category'>,
  limit = 20,
): Promise<RecentOrder[]> {
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.store) parts.push(Prisma.sql`store_id = ANY(${f.store}::text[])`);
  if (f.region) parts.push(Prisma.sql`region = ANY(${f.region}::text[])`);
  if (f.channel) parts.push(Prisma.sql`channel = ANY(${f.channel}::text[])`);
  // An order with a line in any of the categories (array overlap).
  if (f.category) parts.push(Prisma.sql`categories && ${f.category}::text[]`);
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
    SELECT event_id, kind, order_id, occurred_at, store_id, region, channel, items, units, revenue_cents, top_item, top_sku
    FROM recent_order WHERE ${Prisma.join(parts, ' AND ')}
    ORDER BY occurred_at DESC, event_id
    LIMIT ${limit}`;
  return rows.map((r) => ({
    ...r,
    occurred_at: r.occurred_at.toISOString(),
    units: Number(r.units),
    revenue_cents: Number(r.revenue_cents),
  }));
}

/** Keep the ticker table small: orders older than a day are not "recent". */
export async function pruneRecentOrders(prisma: PrismaClient, olderThanMs = 86_400_000): Promise<number> {
  return prisma.$executeRaw`DELETE FROM recent_order WHERE occurred_at < ${new Date(Date.now() - olderThanMs)}`;
}
