-- product_rollup gets all-regions rows (store_id = region = channel = '') beside its region-level
-- rows, for views without a store, region or channel filter (lib/sales-rollup.ts ALL). The
-- workers write them from now on, and this adds them for the rows already there: each
-- all-regions row is the sum of the region-level rows of its cell, shard by shard. Run it with
-- the workers stopped (as npm run demo and npm run db:migrate do before starting them).
INSERT INTO "product_rollup"
  (grain, shard, bucket, store_id, region, channel, sku, category, revenue_cents, units, orders, refund_cents, refund_units)
SELECT grain, shard, bucket, '', '', '', sku, category,
  SUM(revenue_cents), SUM(units), SUM(orders), SUM(refund_cents), SUM(refund_units)
FROM "product_rollup"
WHERE store_id = '' AND channel = '' AND region <> ''
GROUP BY grain, bucket, sku, category, shard
ORDER BY grain, bucket, sku, category, shard;
