-- AlterTable
-- Units of one order are a sum of quantities, each up to 2^53 - 1 by the contract: more than int4 holds.
ALTER TABLE "recent_order" ALTER COLUMN "units" SET DATA TYPE BIGINT;
