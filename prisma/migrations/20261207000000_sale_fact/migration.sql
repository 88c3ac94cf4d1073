-- One row per counted sale or refund, split the way the rollups need it (lib/domain/sale-fact.ts).
-- The worker's transaction inserts the facts of a batch: the hour and day rollups are built from
-- them set-based afterwards (lib/queries/facts/roll-facts.ts), and the dashboard's minute cells
-- read them directly.
CREATE TABLE sale_fact (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  "offset" BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  refund BOOLEAN NOT NULL,
  order_id TEXT NOT NULL,
  occurred_at TIMESTAMPTZ(3) NOT NULL,
  store_id TEXT NOT NULL,
  region TEXT NOT NULL,
  channel TEXT NOT NULL,
  slots SMALLINT[] NOT NULL,
  parts TEXT[] NOT NULL,
  part_revenue BIGINT[] NOT NULL,
  part_units BIGINT[] NOT NULL,
  skus TEXT[] NOT NULL,
  sku_categories TEXT[] NOT NULL,
  sku_revenue BIGINT[] NOT NULL,
  sku_units BIGINT[] NOT NULL,
  items INTEGER NOT NULL,
  top_sku TEXT NOT NULL,
  top_item TEXT NOT NULL,
  CONSTRAINT sale_fact_pkey PRIMARY KEY (topic, partition, "offset")
);

-- Minute cells of the dashboard and the order ticker read the facts by event time.
CREATE INDEX sale_fact_occurred_at_idx ON sale_fact (occurred_at);

-- How far each partition's facts are rolled up into the hour and day rollups: facts at or past
-- next_offset are not yet, and queries add them from sale_fact (lib/queries/facts/).
CREATE TABLE fact_roll (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset BIGINT NOT NULL DEFAULT 0,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT fact_roll_pkey PRIMARY KEY (topic, partition)
);

-- The order ticker reads the newest facts (order_id, items, top_sku, top_item): its own table goes.
DROP TABLE recent_order;
