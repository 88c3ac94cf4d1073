-- AlterTable
ALTER TABLE "consumer_offset" ADD COLUMN     "high_watermark" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "recent_order" (
    "event_id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "store_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "categories" TEXT[],
    "items" INTEGER NOT NULL,
    "units" INTEGER NOT NULL,
    "revenue_cents" BIGINT NOT NULL,
    "top_item" TEXT NOT NULL,

    CONSTRAINT "recent_order_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE INDEX "recent_order_occurred_at_idx" ON "recent_order"("occurred_at" DESC);

