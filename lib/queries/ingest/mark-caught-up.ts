import type { PrismaClient } from '@prisma/client';

/**
 * A fetch found nothing new on these partitions: the counted data is complete as of now.
 * Only partitions whose stored offset has reached the end seen with their last batch are
 * marked, so a partition that Postgres is behind on never looks current.
 */
export async function markCaughtUp(prisma: PrismaClient, topic: string, partitions: number[]): Promise<number> {
  return prisma.$executeRaw`
    UPDATE consumer_offset SET checked_at = now()
    WHERE topic = ${topic} AND partition = ANY(${partitions}::int[]) AND next_offset >= high_watermark`;
}
