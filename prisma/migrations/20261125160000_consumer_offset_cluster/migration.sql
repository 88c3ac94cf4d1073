-- AlterTable
ALTER TABLE "consumer_offset" ADD COLUMN     "cluster_id" TEXT;

