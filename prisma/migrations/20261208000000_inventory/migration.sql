-- Inventory (issue 13). The inventory worker's own positions: it reads the inventory topic AND
-- the sales topic in a consumer group of its own, so its offsets cannot share consumer_offset
-- (keyed by topic and partition, read by the sales pipeline and the dashboard).
-- CreateTable
CREATE TABLE "inventory_offset" (
    "group_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "next_offset" BIGINT NOT NULL,
    "cluster_id" TEXT,
    "high_watermark" BIGINT NOT NULL DEFAULT 0,
    "last_message_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_offset_pkey" PRIMARY KEY ("group_id","topic","partition")
);

-- Event ids the inventory worker has applied, per stream (inventory or sales): its duplicate filter.
-- CreateTable
CREATE TABLE "inventory_processed_event" (
    "stream" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_processed_event_pkey" PRIMARY KEY ("stream","event_id")
);

-- CreateIndex
CREATE INDEX "inventory_processed_event_processed_at_idx" ON "inventory_processed_event"("processed_at");

-- The ledger: every applied event per store and SKU (snapshots with the on-hand they state,
-- movements with their signed change), kept to recompute on-hand when a newer snapshot arrives.
-- CreateTable
CREATE TABLE "stock_movement" (
    "store_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "qty" BIGINT NOT NULL,

    CONSTRAINT "stock_movement_pkey" PRIMARY KEY ("store_id","sku","kind","event_id")
);

-- CreateIndex
CREATE INDEX "stock_movement_store_id_sku_occurred_at_idx" ON "stock_movement"("store_id", "sku", "occurred_at");

-- On-hand per store and SKU = snapshot_qty + delta_after (README "Inventory contract").
-- CreateTable
CREATE TABLE "stock" (
    "store_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "snapshot_event_id" TEXT,
    "snapshot_at" TIMESTAMPTZ(3),
    "snapshot_qty" BIGINT NOT NULL DEFAULT 0,
    "delta_after" BIGINT NOT NULL DEFAULT 0,
    "on_hand" BIGINT NOT NULL DEFAULT 0,
    "last_event_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_pkey" PRIMARY KEY ("store_id","sku")
);

-- CreateIndex
CREATE INDEX "stock_on_hand_idx" ON "stock"("on_hand");
