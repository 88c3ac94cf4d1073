-- Multi-select category filters: the categories of each category set (see
-- lib/sales-rollup.ts CATEGORY_SET_PREFIX). Set rows written before this migration do not
-- exist, so orders of multi-category filters over older data count an order once per
-- selected category it spans (older data has no set rows to correct with).

-- CreateTable
CREATE TABLE "category_set" (
    "id" TEXT NOT NULL,
    "categories" TEXT[],

    CONSTRAINT "category_set_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "category_set_categories_idx" ON "category_set" USING GIN ("categories");
