-- demographic_rollup: one row per cell holding a slot per customer segment (layout:
-- CUSTOMER_SEGMENTS in lib/sales-rollup.ts) instead of one row per combination of age band,
-- gender, loyalty tier and customer type. Existing rows are folded into the new layout here,
-- shard by shard, so the figures stay as they are and no replay is needed.
CREATE TABLE "demographic_rollup_slots" (
    "grain" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL DEFAULT 0,
    "bucket" TIMESTAMPTZ(0) NOT NULL,
    "store_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "revenue_cents" BIGINT[],
    "orders" BIGINT[],

    CONSTRAINT "demographic_rollup_slots_pkey" PRIMARY KEY ("grain","bucket","store_id","region","channel","category","shard")
);

INSERT INTO "demographic_rollup_slots"
  (grain, shard, bucket, store_id, region, channel, category, revenue_cents, orders)
SELECT grain, shard, bucket, store_id, region, channel, category,
    ARRAY[
      COALESCE(SUM(revenue_cents) FILTER (WHERE age_band = '<18'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE age_band = '18-24'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE age_band = '25-34'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE age_band = '35-44'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE age_band = '45-54'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE age_band = '55-64'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE age_band = '65+'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE age_band = 'unknown'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE gender = 'female'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE gender = 'male'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE gender = 'nonbinary'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE gender = 'undisclosed'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE loyalty_tier = 'none'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE loyalty_tier = 'silver'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE loyalty_tier = 'gold'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE loyalty_tier = 'platinum'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE customer_type = 'new'), 0),
      COALESCE(SUM(revenue_cents) FILTER (WHERE customer_type = 'returning'), 0)
    ]::BIGINT[],
    ARRAY[
      COALESCE(SUM(orders) FILTER (WHERE age_band = '<18'), 0),
      COALESCE(SUM(orders) FILTER (WHERE age_band = '18-24'), 0),
      COALESCE(SUM(orders) FILTER (WHERE age_band = '25-34'), 0),
      COALESCE(SUM(orders) FILTER (WHERE age_band = '35-44'), 0),
      COALESCE(SUM(orders) FILTER (WHERE age_band = '45-54'), 0),
      COALESCE(SUM(orders) FILTER (WHERE age_band = '55-64'), 0),
      COALESCE(SUM(orders) FILTER (WHERE age_band = '65+'), 0),
      COALESCE(SUM(orders) FILTER (WHERE age_band = 'unknown'), 0),
      COALESCE(SUM(orders) FILTER (WHERE gender = 'female'), 0),
      COALESCE(SUM(orders) FILTER (WHERE gender = 'male'), 0),
      COALESCE(SUM(orders) FILTER (WHERE gender = 'nonbinary'), 0),
      COALESCE(SUM(orders) FILTER (WHERE gender = 'undisclosed'), 0),
      COALESCE(SUM(orders) FILTER (WHERE loyalty_tier = 'none'), 0),
      COALESCE(SUM(orders) FILTER (WHERE loyalty_tier = 'silver'), 0),
      COALESCE(SUM(orders) FILTER (WHERE loyalty_tier = 'gold'), 0),
      COALESCE(SUM(orders) FILTER (WHERE loyalty_tier = 'platinum'), 0),
      COALESCE(SUM(orders) FILTER (WHERE customer_type = 'new'), 0),
      COALESCE(SUM(orders) FILTER (WHERE customer_type = 'returning'), 0)
    ]::BIGINT[]
FROM "demographic_rollup"
GROUP BY grain, bucket, store_id, region, channel, category, shard
ORDER BY grain, bucket, store_id, region, channel, category, shard;

DROP TABLE "demographic_rollup";
ALTER TABLE "demographic_rollup_slots" RENAME TO "demographic_rollup";
ALTER TABLE "demographic_rollup" RENAME CONSTRAINT "demographic_rollup_slots_pkey" TO "demographic_rollup_pkey";
CREATE INDEX "demographic_rollup_grain_category_bucket_idx" ON "demographic_rollup"("grain", "category", "bucket");
