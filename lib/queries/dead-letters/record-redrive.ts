import type { PrismaClient } from '@prisma/client';
import type { KafkaPosition } from '@/lib/contract/dead-letters';

/** After Kafka acknowledged re-driven copies: count them and remember where each went. */
export async function recordRedrives(prisma: PrismaClient, copies: { id: bigint; to: KafkaPosition }[]): Promise<void> {
  if (copies.length === 0) return;
  await prisma.$executeRaw`
    UPDATE dead_letter AS d
    SET redrive_count = d.redrive_count + 1, redriven_at = now(),
        redriven_topic = x.t, redriven_partition = x.p, redriven_offset = x.o
    FROM unnest(${copies.map((c) => c.id.toString())}::bigint[], ${copies.map((c) => c.to.topic)}::text[],
      ${copies.map((c) => c.to.partition)}::int[], ${copies.map((c) => c.to.offset.toString())}::bigint[]) AS x(id, t, p, o)
    WHERE d.id = x.id`;
}
