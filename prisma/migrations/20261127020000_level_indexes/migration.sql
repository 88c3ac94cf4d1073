-- Level indexes: a view reads one level of rows (store, region or all regions, see levelWhere in
-- lib/queries/filter-sql.ts). The primary keys lead with (grain, bucket), so a month-long scan of
-- the region-level or all-regions rows walked every store-level entry of the month too.

-- The customer rollup's level index compares categories in byte order (COLLATE "C"), so that
-- "not a category-set row" (category >= U+0002, set rows start with U+0001) and "category = x"
-- are checked in the index, whatever the database collation: a month of region-level rows holds
-- ~30 set rows per real category row. Not declared in schema.prisma (Prisma cannot declare a
-- column collation in an index): a generated migration that drops it must be edited.
CREATE INDEX "demographic_rollup_level_idx" ON "demographic_rollup"("grain", "store_id", "channel", "bucket", "category" COLLATE "C");

-- CreateIndex
CREATE INDEX "product_rollup_grain_store_id_region_channel_bucket_idx" ON "product_rollup"("grain", "store_id", "region", "channel", "bucket");
