-- AlterTable
ALTER TABLE "demographic_rollup" DROP CONSTRAINT "demographic_rollup_pkey",
ADD COLUMN     "shard" SMALLINT NOT NULL DEFAULT 0,
ADD CONSTRAINT "demographic_rollup_pkey" PRIMARY KEY ("grain", "bucket", "store_id", "region", "channel", "category", "age_band", "gender", "loyalty_tier", "customer_type", "shard");

-- AlterTable
ALTER TABLE "product_rollup" DROP CONSTRAINT "product_rollup_pkey",
ADD COLUMN     "shard" SMALLINT NOT NULL DEFAULT 0,
ADD CONSTRAINT "product_rollup_pkey" PRIMARY KEY ("grain", "bucket", "store_id", "region", "channel", "sku", "category", "shard");

-- AlterTable
ALTER TABLE "sales_rollup" DROP CONSTRAINT "sales_rollup_pkey",
ADD COLUMN     "shard" SMALLINT NOT NULL DEFAULT 0,
ADD CONSTRAINT "sales_rollup_pkey" PRIMARY KEY ("grain", "bucket", "store_id", "region", "channel", "category", "shard");

