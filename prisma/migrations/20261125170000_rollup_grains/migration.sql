-- Per-minute rollups become multi-grain rollups: `m` (minute), `h` (hour), `d` (day), all UTC.
-- Existing minute rows are kept (grain 'm') and the hour and day rows are derived from them.

-- sales
ALTER TABLE "sales_minute" RENAME TO "sales_rollup";
ALTER TABLE "sales_rollup" ADD COLUMN "grain" TEXT NOT NULL DEFAULT 'm';
ALTER TABLE "sales_rollup" ALTER COLUMN "grain" DROP DEFAULT;
ALTER TABLE "sales_rollup" DROP CONSTRAINT "sales_minute_pkey";
ALTER TABLE "sales_rollup" ADD CONSTRAINT "sales_rollup_pkey" PRIMARY KEY ("grain", "bucket", "store_id", "region", "channel", "category");
DROP INDEX "sales_minute_category_bucket_idx";
CREATE INDEX "sales_rollup_grain_category_bucket_idx" ON "sales_rollup"("grain", "category", "bucket");

-- products
ALTER TABLE "product_minute" RENAME TO "product_rollup";
ALTER TABLE "product_rollup" ADD COLUMN "grain" TEXT NOT NULL DEFAULT 'm';
ALTER TABLE "product_rollup" ALTER COLUMN "grain" DROP DEFAULT;
ALTER TABLE "product_rollup" DROP CONSTRAINT "product_minute_pkey";
ALTER TABLE "product_rollup" ADD CONSTRAINT "product_rollup_pkey" PRIMARY KEY ("grain", "bucket", "store_id", "region", "channel", "sku", "category");

-- demographics
ALTER TABLE "demographic_minute" RENAME TO "demographic_rollup";
ALTER TABLE "demographic_rollup" ADD COLUMN "grain" TEXT NOT NULL DEFAULT 'm';
ALTER TABLE "demographic_rollup" ALTER COLUMN "grain" DROP DEFAULT;
ALTER TABLE "demographic_rollup" DROP CONSTRAINT "demographic_minute_pkey";
ALTER TABLE "demographic_rollup" ADD CONSTRAINT "demographic_rollup_pkey" PRIMARY KEY ("grain", "bucket", "store_id", "region", "channel", "category", "age_band", "gender", "loyalty_tier", "customer_type");
CREATE INDEX "demographic_rollup_grain_category_bucket_idx" ON "demographic_rollup"("grain", "category", "bucket");

-- Backfill the coarser grains from the minute rows.
INSERT INTO "sales_rollup" (grain, bucket, store_id, region, channel, category, revenue_cents, orders, units)
SELECT g.grain, date_trunc(g.unit, bucket, 'UTC'), store_id, region, channel, category,
       SUM(revenue_cents), SUM(orders), SUM(units)
FROM "sales_rollup", (VALUES ('h', 'hour'), ('d', 'day')) AS g(grain, unit)
WHERE "sales_rollup".grain = 'm'
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO "product_rollup" (grain, bucket, store_id, region, channel, sku, category, revenue_cents, units, orders)
SELECT g.grain, date_trunc(g.unit, bucket, 'UTC'), store_id, region, channel, sku, category,
       SUM(revenue_cents), SUM(units), SUM(orders)
FROM "product_rollup", (VALUES ('h', 'hour'), ('d', 'day')) AS g(grain, unit)
WHERE "product_rollup".grain = 'm'
GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO "demographic_rollup" (grain, bucket, store_id, region, channel, category, age_band, gender, loyalty_tier, customer_type, revenue_cents, orders)
SELECT g.grain, date_trunc(g.unit, bucket, 'UTC'), store_id, region, channel, category, age_band, gender, loyalty_tier, customer_type,
       SUM(revenue_cents), SUM(orders)
FROM "demographic_rollup", (VALUES ('h', 'hour'), ('d', 'day')) AS g(grain, unit)
WHERE "demographic_rollup".grain = 'm'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
