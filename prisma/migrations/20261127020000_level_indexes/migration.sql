-- Level indexes: a view reads one level of rows (store, region or all regions, see levelWhere in
-- lib/queries/filter-sql.ts). The primary keys lead with (grain, bucket), so a month-long scan of
-- the region-level or all-regions rows walked every store-level entry of the month too.

-- CreateIndex
CREATE INDEX "demographic_rollup_grain_store_id_channel_bucket_category_idx" ON "demographic_rollup"("grain", "store_id", "channel", "bucket", "category");

-- CreateIndex
CREATE INDEX "product_rollup_grain_store_id_region_channel_bucket_idx" ON "product_rollup"("grain", "store_id", "region", "channel", "bucket");
