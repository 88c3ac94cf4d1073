-- How far each partition's facts are rolled up, per rollup table: the roller's connections then
-- take different tables over every partition (each table's rows of a roll in one shard) instead
-- of different partitions (one shard per group of partitions in every table).
ALTER TABLE fact_roll ADD COLUMN rollup TEXT NOT NULL DEFAULT '';

INSERT INTO fact_roll (topic, partition, rollup, next_offset, updated_at)
SELECT w.topic, w.partition, t.rollup, w.next_offset, w.updated_at
FROM fact_roll w
CROSS JOIN unnest(ARRAY['sales_rollup', 'product_rollup', 'demographic_rollup', 'product_demographic_rollup']) AS t(rollup)
WHERE w.rollup = '';

DELETE FROM fact_roll WHERE rollup = '';

ALTER TABLE fact_roll ALTER COLUMN rollup DROP DEFAULT;
ALTER TABLE fact_roll DROP CONSTRAINT fact_roll_pkey;
ALTER TABLE fact_roll ADD CONSTRAINT fact_roll_pkey PRIMARY KEY (topic, partition, rollup);
