-- CreateTable
CREATE TABLE "product_demographic_rollup" (
    "grain" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL DEFAULT 0,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "store_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "revenue_cents" BIGINT[],
    "orders" BIGINT[],

    CONSTRAINT "product_demographic_rollup_pkey" PRIMARY KEY ("grain","sku","bucket","store_id","region","channel","category","shard")
);
