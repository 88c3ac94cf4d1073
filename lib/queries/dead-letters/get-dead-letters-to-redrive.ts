import type { PrismaClient } from '@prisma/client';

export interface DeadLetterToRedrive {
  id: bigint;
  topic: string;
  partition: number;
  offset: bigint;
  key: string | null;
  payload: Uint8Array;
}

/**
 * The original key and bytes of the given dead letters (those that exist), in id order. A
 * skipped undecodable batch is not a message (its bytes are a damaged record batch): it is
 * kept for inspection and never re-driven.
 */
export async function getDeadLettersToRedrive(prisma: PrismaClient, ids: bigint[]): Promise<DeadLetterToRedrive[]> {
  if (ids.length === 0) return [];
  return prisma.$queryRaw<DeadLetterToRedrive[]>`
    SELECT id, topic, partition, "offset", key, payload
    FROM dead_letter WHERE id = ANY(${ids.map(String)}::bigint[]) AND reason <> 'undecodable_batch' ORDER BY id`;
}
