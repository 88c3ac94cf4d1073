-- Refunds (contract type "refund"): revenue_cents/units become net of refunds (no rewrite needed:
-- data before this migration has no refunds), and refunds are also kept apart. (No semicolons in comments: the migration runner splits on them.)

-- AlterTable
ALTER TABLE "product_rollup" ADD COLUMN     "refund_cents" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "refund_units" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "recent_order" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'sale';

-- AlterTable
ALTER TABLE "sales_rollup" ADD COLUMN     "refund_cents" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "refund_units" BIGINT NOT NULL DEFAULT 0;

