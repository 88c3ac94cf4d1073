import type { PrismaClient } from '@prisma/client';

/**
 * Move a partition's stored position over offsets that carry nothing to count: transaction
 * markers (every commit or abort writes one) and records of aborted transactions, which the
 * consumer filters out. Only from exactly `from`: a position elsewhere means something before
 * is still to be applied, or a batch already went further. Without this, a partition whose
 * log ends in a marker stays "one behind" for good and the dashboard never looks current.
 */
export async function advancePastUnreadableOffsets(
  prisma: PrismaClient,
  topic: string,
  partition: number,
  from: bigint,
  lastOffset: bigint,
  highWatermark: bigint,
): Promise<boolean> {
  const updated = await prisma.$executeRaw`
    UPDATE consumer_offset
    SET next_offset = ${lastOffset + 1n}, high_watermark = GREATEST(high_watermark, ${highWatermark}), updated_at = now()
    WHERE topic = ${topic} AND partition = ${partition} AND next_offset = ${from} AND ${lastOffset} >= ${from}`;
  return updated > 0;
}
