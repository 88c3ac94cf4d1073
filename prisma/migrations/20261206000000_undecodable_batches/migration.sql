-- Undecodable record batches (corrupt bytes, CRC mismatch, a codec no client knows). A worker
-- that meets one stops that partition there and records it in blocked_partition, and the operator command
-- `npm run worker -- skip` moves the partition past it and keeps the batch as a dead letter
-- (reason undecodable_batch) whose skipped_to says where the partition went on, so that a
-- replay skips exactly the same offsets.

-- AlterTable
ALTER TABLE "dead_letter" ADD COLUMN "skipped_to" BIGINT;

-- CreateTable
CREATE TABLE "blocked_partition" (
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "next_offset" BIGINT NOT NULL,
    "first_offset" BIGINT NOT NULL,
    "last_offset" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "payload" BYTEA NOT NULL,
    "worker" TEXT NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blocked_partition_pkey" PRIMARY KEY ("topic","partition")
);
