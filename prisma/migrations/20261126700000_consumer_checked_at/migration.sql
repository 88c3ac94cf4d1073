-- When an idle worker last found nothing new to read on the partition: the data is complete as of then.
ALTER TABLE "consumer_offset" ADD COLUMN     "checked_at" TIMESTAMPTZ(3);
