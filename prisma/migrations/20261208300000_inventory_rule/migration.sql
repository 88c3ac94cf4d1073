-- Inventory rules (issue 13): per-category and per-SKU overrides of the demand thresholds
-- (README "Inventory contract"). A null field falls through to the category rule, then to the
-- INVENTORY_* defaults. scope_kind is 'category' or 'sku'.
-- CreateTable
CREATE TABLE "inventory_rule" (
    "scope_kind" TEXT NOT NULL,
    "scope_value" TEXT NOT NULL,
    "reorder_point" BIGINT,
    "target_cover_days" DOUBLE PRECISION,
    "low_cover_days" DOUBLE PRECISION,
    "overstock_cover_days" DOUBLE PRECISION,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_rule_pkey" PRIMARY KEY ("scope_kind","scope_value"),
    CONSTRAINT "inventory_rule_scope_kind_check" CHECK ("scope_kind" IN ('category', 'sku')),
    CONSTRAINT "inventory_rule_values_check" CHECK (
        ("reorder_point" IS NULL OR "reorder_point" >= 0)
        AND ("target_cover_days" IS NULL OR "target_cover_days" > 0)
        AND ("low_cover_days" IS NULL OR "low_cover_days" >= 0)
        AND ("overstock_cover_days" IS NULL OR "overstock_cover_days" > 0)
    )
);
