import type { PrismaClient } from '@prisma/client';

/**
 * Forget event ids counted more than `retentionMs` ago (the duplicate filter's memory), in
 * small batches. Why batches with SKIP LOCKED: one big DELETE would hold row locks on
 * millions of ids and bloat a single transaction; short deletes interleave with the
 * workers' batch transactions, and several workers pruning at once skip each other's rows
 * instead of queueing. Returns the number of ids removed.
 */
export async function pruneProcessedEvents(
  prisma: PrismaClient,
  retentionMs: number,
  {
    batchSize = 5_000,
    nowMs = Date.now(),
    shouldStop = (): boolean => false,
  }: { batchSize?: number; nowMs?: number; shouldStop?: () => boolean } = {},
): Promise<number> {
  const cutoff = new Date(nowMs - retentionMs);
  let total = 0;
  for (;;) {
    const deleted = await prisma.$executeRaw`
      DELETE FROM processed_event WHERE event_id IN (
        SELECT event_id FROM processed_event WHERE processed_at < ${cutoff}
        ORDER BY processed_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`;
    total += deleted;
    if (deleted < batchSize || shouldStop()) return total;
    // Let ingestion breathe between batches.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
