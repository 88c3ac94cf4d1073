-- Region-level rows of product_rollup and demographic_rollup (store_id = channel = ''):
-- every store and channel of a region together, read by views without a store or channel
-- filter. Backfilled from the store-level rows written so far (same shard, same sums).
INSERT INTO "product_rollup" (grain, bucket, store_id, region, channel, sku, category, shard,
  revenue_cents, units, orders, refund_cents, refund_units)
SELECT grain, bucket, '', region, '', sku, category, shard,
  SUM(revenue_cents), SUM(units), SUM(orders), SUM(refund_cents), SUM(refund_units)
FROM "product_rollup" WHERE store_id <> ''
GROUP BY grain, bucket, region, sku, category, shard;

INSERT INTO "demographic_rollup" (grain, bucket, store_id, region, channel, category, age_band, gender,
  loyalty_tier, customer_type, shard, revenue_cents, orders)
SELECT grain, bucket, '', region, '', category, age_band, gender, loyalty_tier, customer_type, shard,
  SUM(revenue_cents), SUM(orders)
FROM "demographic_rollup" WHERE store_id <> ''
GROUP BY grain, bucket, region, category, age_band, gender, loyalty_tier, customer_type, shard;

-- Progress of the shard compaction of closed cells (lib/queries/compact-rollups.ts).
CREATE TABLE "rollup_compaction" (
    "table_name" TEXT NOT NULL,
    "grain" TEXT NOT NULL,
    "compacted_until" TIMESTAMPTZ(0) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_compaction_pkey" PRIMARY KEY ("table_name","grain")
);
