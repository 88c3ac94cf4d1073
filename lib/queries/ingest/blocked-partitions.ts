import type { PrismaClient } from '@prisma/client';
import type { UndecodableBatch } from '@/lib/ingest/undecodable-batch';

export interface BlockedPartition {
  topic: string;
  partition: number;
  /** First offset not counted: the partition's stored position. */
  nextOffset: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
  reason: string;
  payload: Buffer;
  worker: string;
  detectedAt: Date;
}

/** A worker stopped `partition` at `nextOffset` in front of an undecodable batch. */
export async function recordBlockedPartition(
  prisma: PrismaClient,
  topic: string,
  partition: number,
  nextOffset: bigint,
  batch: UndecodableBatch,
  worker: string,
): Promise<void> {
  const fields = {
    nextOffset,
    firstOffset: batch.firstOffset,
    lastOffset: batch.lastOffset,
    reason: batch.reason,
    payload: Uint8Array.from(batch.bytes),
    worker,
    detectedAt: new Date(),
  };
  await prisma.blockedPartition.upsert({
    where: { topic_partition: { topic, partition } },
    create: { topic, partition, ...fields },
    update: fields,
  });
}

/** The partition moved on (skipped, or its data is readable again). */
export async function clearBlockedPartition(prisma: PrismaClient, topic: string, partition: number): Promise<void> {
  await prisma.blockedPartition.deleteMany({ where: { topic, partition } });
}

/** Where and why a worker stopped `partition`, or null when it is not stopped. */
export async function getBlockedPartition(
  prisma: PrismaClient,
  topic: string,
  partition: number,
): Promise<BlockedPartition | null> {
  const row = await prisma.blockedPartition.findUnique({ where: { topic_partition: { topic, partition } } });
  return row && { ...row, payload: Buffer.from(row.payload) };
}
