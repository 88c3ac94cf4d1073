-- The ops list orders dead letters by received_at, newest first, id breaking ties.
-- DropIndex
DROP INDEX "dead_letter_received_at_idx";

-- DropIndex
DROP INDEX "dead_letter_reason_id_idx";

-- CreateIndex
CREATE INDEX "dead_letter_received_at_id_idx" ON "dead_letter"("received_at", "id");

-- CreateIndex
CREATE INDEX "dead_letter_reason_received_at_id_idx" ON "dead_letter"("reason", "received_at", "id");
