-- Element-wise sums of segment slot arrays (demographic_rollup, product_demographic_rollup):
-- slot_add(a, b) adds two arrays slot by slot, a slot missing on either side (a row older than a
-- newly appended segment) counting as 0, and slot_sum(column) is its aggregate. The workers'
-- upserts add with slot_add, and the compaction of closed cells folds shard rows with slot_sum.
CREATE FUNCTION slot_add(a BIGINT[], b BIGINT[]) RETURNS BIGINT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY(SELECT COALESCE(x, 0) + COALESCE(y, 0) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) ORDER BY i) $$;

CREATE AGGREGATE slot_sum(BIGINT[]) (SFUNC = slot_add, STYPE = BIGINT[], INITCOND = '{}');
