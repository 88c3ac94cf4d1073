-- AlterTable
ALTER TABLE "dead_letter" ADD COLUMN     "redrive_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "redrive_of" TEXT,
ADD COLUMN     "redriven_at" TIMESTAMPTZ(3),
ADD COLUMN     "redriven_offset" BIGINT,
ADD COLUMN     "redriven_partition" INTEGER,
ADD COLUMN     "redriven_topic" TEXT;

-- CreateIndex
CREATE INDEX "dead_letter_reason_id_idx" ON "dead_letter"("reason", "id");

-- CreateIndex
CREATE INDEX "dead_letter_redrive_of_idx" ON "dead_letter"("redrive_of");
