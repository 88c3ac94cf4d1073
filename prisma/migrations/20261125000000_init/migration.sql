-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "sales_minute" (
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "store_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "revenue_cents" BIGINT NOT NULL,
    "orders" BIGINT NOT NULL,
    "units" BIGINT NOT NULL,

    CONSTRAINT "sales_minute_pkey" PRIMARY KEY ("bucket","store_id","region","channel","category")
);

-- CreateTable
CREATE TABLE "product_minute" (
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "store_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "revenue_cents" BIGINT NOT NULL,
    "units" BIGINT NOT NULL,
    "orders" BIGINT NOT NULL,

    CONSTRAINT "product_minute_pkey" PRIMARY KEY ("bucket","store_id","region","channel","sku","category")
);

-- CreateTable
CREATE TABLE "demographic_minute" (
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "store_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "age_band" TEXT NOT NULL,
    "gender" TEXT NOT NULL,
    "loyalty_tier" TEXT NOT NULL,
    "customer_type" TEXT NOT NULL,
    "revenue_cents" BIGINT NOT NULL,
    "orders" BIGINT NOT NULL,

    CONSTRAINT "demographic_minute_pkey" PRIMARY KEY ("bucket","store_id","region","channel","category","age_band","gender","loyalty_tier","customer_type")
);

-- CreateTable
CREATE TABLE "product" (
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_pkey" PRIMARY KEY ("sku")
);

-- CreateTable
CREATE TABLE "store" (
    "store_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "store_pkey" PRIMARY KEY ("store_id")
);

-- CreateTable
CREATE TABLE "processed_event" (
    "event_id" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "consumer_offset" (
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "next_offset" BIGINT NOT NULL,
    "last_event_at" TIMESTAMPTZ(3),
    "last_message_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_offset_pkey" PRIMARY KEY ("topic","partition")
);

-- CreateTable
CREATE TABLE "dead_letter" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "key" TEXT,
    "payload" BYTEA NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sales_minute_category_bucket_idx" ON "sales_minute"("category", "bucket");

-- CreateIndex
CREATE INDEX "processed_event_processed_at_idx" ON "processed_event"("processed_at");

-- CreateIndex
CREATE INDEX "dead_letter_received_at_idx" ON "dead_letter"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letter_topic_partition_offset_key" ON "dead_letter"("topic", "partition", "offset");

