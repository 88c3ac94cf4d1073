import type { PrismaClient } from '@prisma/client';
import type { KafkaPosition } from './dead-letters.types';

/** After Kafka acknowledged a re-driven copy: count it and remember where it went. */
export async function recordRedrive(prisma: PrismaClient, id: bigint, to: KafkaPosition): Promise<void> {
  await prisma.$executeRaw`
    UPDATE dead_letter
    SET redrive_count = redrive_count + 1, redriven_at = now(),
        redriven_topic = ${to.topic}, redriven_partition = ${to.partition}, redriven_offset = ${BigInt(to.offset)}
    WHERE id = ${id}`;
}
