-- AlterTable
ALTER TABLE "recent_order" ADD COLUMN     "top_sku" TEXT;
