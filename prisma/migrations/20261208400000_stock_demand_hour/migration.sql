-- Net units per store x SKU x UTC hour, kept by the inventory worker for the demand figures
CREATE TABLE "stock_demand_hour" (
    "store_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "units" BIGINT NOT NULL,

    CONSTRAINT "stock_demand_hour_pkey" PRIMARY KEY ("store_id","sku","hour")
);

-- The demand read as index-only scans: a pair's hours lie on as many heap pages (rows arrive hour by hour)
CREATE INDEX "stock_demand_hour_store_id_sku_hour_units_idx" ON "stock_demand_hour"("store_id", "sku", "hour", "units");

-- The pruning of old hours and the first-hour lookup (history length) read by hour
CREATE INDEX "stock_demand_hour_hour_idx" ON "stock_demand_hour"("hour");

-- The sale ids counted in stock_demand_hour (its own duplicate filter), pruned with the hours
CREATE TABLE "stock_demand_event" (
    "event_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "stock_demand_event_pkey" PRIMARY KEY ("event_id")
);

CREATE INDEX "stock_demand_event_occurred_at_idx" ON "stock_demand_event"("occurred_at");
