// Sales written straight into a test database with the worker's own applySalesBatch, as if a
// worker had read them from partition 0 of `topic`: for web tests that need real rollups but
// no Kafka round trip. Every event must be valid (decoded as USD); an invalid one throws.
import type { PrismaClient } from '@prisma/client';
import { decodeSaleEvent } from '@/lib/domain/sales-event';
import { applySalesBatch } from '@/lib/queries/ingest/apply-sales-batch';
import { bytes, type SaleJson } from './events';

/** A writer of batches to `topic`; each batch takes the offsets after the previous one's. */
export function salesApplier(prisma: PrismaClient, topic: string): (events: SaleJson[]) => Promise<void> {
  let next = 0n;
  return async (events) => {
    const accepted = events.map((e) => {
      const decoded = decodeSaleEvent(bytes(e), 'USD');
      if (!decoded.ok) throw new Error(decoded.detail);
      next += 1n;
      return { offset: next - 1n, event: decoded.event };
    });
    await applySalesBatch(prisma, {
      clusterId: 'test-cluster',
      topic,
      partition: 0,
      lastOffset: next - 1n,
      lastMessageAt: new Date(),
      highWatermark: next,
      accepted,
      rejected: [],
    });
  };
}
