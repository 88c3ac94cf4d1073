import type { PrismaClient } from '@prisma/client';

/** Next offset to consume for a partition according to Postgres (the source of truth). */
export async function getStoredOffset(prisma: PrismaClient, topic: string, partition: number): Promise<bigint | null> {
  const rows = await prisma.$queryRaw<{ next_offset: bigint }[]>`
    SELECT next_offset FROM consumer_offset WHERE topic = ${topic} AND partition = ${partition}`;
  return rows[0]?.next_offset ?? null;
}
