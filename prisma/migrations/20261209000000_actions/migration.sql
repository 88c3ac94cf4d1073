-- The action layer (issue 13, README "Actions contract"): alert rules, condition episodes (alerts
-- and suggestions), the transactional outbox feeding retail.actions.v1, and webhook deliveries.

-- Rules an admin edits: which condition, where, how far from normal before an alert is raised.
-- metric: low_stock (the inventory page's low rule: reorder point or low cover, threshold unused),
-- on_hand (on-hand below threshold units), days_of_cover (cover below threshold days),
-- revenue_anomaly and orders_anomaly (robust z-score of the last closed window at or beyond
-- threshold, against the same window on each of the previous history_days days, per level, or
-- against the previous 24 windows of the same length while fewer days have data).
-- scope_kind all, store, region, category or sku narrows the subjects (scope_value null iff all).
-- CreateTable
CREATE TABLE "alert_rule" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "level" TEXT NOT NULL DEFAULT 'store_sku',
    "scope_kind" TEXT NOT NULL DEFAULT 'all',
    "scope_value" TEXT,
    "threshold" DOUBLE PRECISION,
    "window_minutes" INTEGER NOT NULL DEFAULT 60,
    "history_days" INTEGER NOT NULL DEFAULT 14,
    "severity" TEXT NOT NULL DEFAULT 'warning',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" BIGINT,

    CONSTRAINT "alert_rule_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_rule_metric_check" CHECK ("metric" IN ('low_stock', 'on_hand', 'days_of_cover', 'revenue_anomaly', 'orders_anomaly')),
    CONSTRAINT "alert_rule_level_check" CHECK (
        ("metric" IN ('low_stock', 'on_hand', 'days_of_cover') AND "level" = 'store_sku')
        OR ("metric" IN ('revenue_anomaly', 'orders_anomaly') AND "level" IN ('all', 'store', 'region', 'category', 'sku'))
    ),
    CONSTRAINT "alert_rule_scope_check" CHECK (
        ("scope_kind" = 'all' AND "scope_value" IS NULL)
        OR ("scope_kind" IN ('store', 'region', 'category', 'sku') AND "scope_value" IS NOT NULL)
    ),
    CONSTRAINT "alert_rule_threshold_check" CHECK (
        ("metric" = 'low_stock') OR ("threshold" IS NOT NULL AND "threshold" > 0)
    ),
    CONSTRAINT "alert_rule_window_check" CHECK ("window_minutes" BETWEEN 5 AND 1440 AND "history_days" BETWEEN 3 AND 90),
    CONSTRAINT "alert_rule_severity_check" CHECK ("severity" IN ('info', 'warning', 'critical')),
    CONSTRAINT "alert_rule_name_check" CHECK (length("name") BETWEEN 1 AND 80)
);

-- The rules a fresh install starts with (admins edit or disable them). Short windows, so that a
-- new install (and npm run demo) has a baseline of recent windows within minutes.
INSERT INTO "alert_rule" ("name", "metric", "level", "threshold", "window_minutes", "history_days", "severity") VALUES
    ('Low stock', 'low_stock', 'store_sku', NULL, 60, 14, 'warning'),
    ('Store revenue anomaly', 'revenue_anomaly', 'store', 3.5, 5, 14, 'warning'),
    ('Category orders anomaly', 'orders_anomaly', 'category', 3.5, 15, 14, 'warning');

-- One row per condition episode: raised when a subject starts meeting a rule (or a suggestion
-- starts to apply), cleared when it stops. kind: low_stock, sales_anomaly (alerts), restock,
-- markdown, price_raise (suggestions). subject_key identifies the subject within its rule
-- (for example 'S001|SKU-1' or 'store=S001'), so at most one episode per rule and subject is open.
-- CreateTable
CREATE TABLE "alert_episode" (
    "id" BIGSERIAL NOT NULL,
    "rule_id" BIGINT,
    "kind" TEXT NOT NULL,
    "subject_key" TEXT NOT NULL,
    "store_id" TEXT,
    "sku" TEXT,
    "region" TEXT,
    "category" TEXT,
    "severity" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "cleared_at" TIMESTAMPTZ(3),
    "details" JSONB NOT NULL DEFAULT '{}',
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" BIGINT,
    "snoozed_until" TIMESTAMPTZ(3),
    "decision" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" BIGINT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_episode_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_episode_kind_check" CHECK ("kind" IN ('low_stock', 'sales_anomaly', 'restock', 'markdown', 'price_raise')),
    CONSTRAINT "alert_episode_severity_check" CHECK ("severity" IN ('info', 'warning', 'critical')),
    CONSTRAINT "alert_episode_decision_check" CHECK ("decision" IS NULL OR "decision" IN ('accepted', 'dismissed'))
);

-- AddForeignKey
ALTER TABLE "alert_episode" ADD CONSTRAINT "alert_episode_rule_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- At most one open episode per kind, rule and subject: the evaluator's idempotence, held by the database.
CREATE UNIQUE INDEX "alert_episode_open_key" ON "alert_episode"("kind", (COALESCE("rule_id", 0)), "subject_key") WHERE "cleared_at" IS NULL;
-- CreateIndex
CREATE INDEX "alert_episode_opened_at_idx" ON "alert_episode"("opened_at");
CREATE INDEX "alert_episode_store_id_sku_idx" ON "alert_episode"("store_id", "sku");

-- The transactional outbox: every action is written here in the transaction that causes it
-- (an episode raised or cleared, an acknowledgement, a decision), then published to
-- retail.actions.v1 by the actions worker. action_id is the message's idempotence key.
-- CreateTable
CREATE TABLE "action_outbox" (
    "seq" BIGSERIAL NOT NULL,
    "action_id" UUID NOT NULL,
    "episode_id" BIGINT,
    "type" TEXT NOT NULL,
    "message_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "action_outbox_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "action_outbox_action_id_key" ON "action_outbox"("action_id");
CREATE INDEX "action_outbox_unpublished_idx" ON "action_outbox"("seq") WHERE "published_at" IS NULL;
CREATE INDEX "action_outbox_episode_id_idx" ON "action_outbox"("episode_id");

-- Webhooks: each action is also POSTed, signed with HMAC-SHA256 under the hook's secret, to
-- every enabled hook whose types match (an empty list matches all).
-- CreateTable
CREATE TABLE "webhook" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "types" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_name_check" CHECK (length("name") BETWEEN 1 AND 80)
);

-- One delivery per hook and action, written with the outbox row. Status: pending, delivered or
-- failed (attempts exhausted). next_attempt_at is when the next try is due (backoff).
-- CreateTable
CREATE TABLE "webhook_delivery" (
    "id" BIGSERIAL NOT NULL,
    "webhook_id" BIGINT NOT NULL,
    "action_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_delivery_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed'))
);

-- AddForeignKey
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_webhook_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- CreateIndex
CREATE UNIQUE INDEX "webhook_delivery_webhook_id_action_id_key" ON "webhook_delivery"("webhook_id", "action_id");
CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery"("next_attempt_at") WHERE "status" = 'pending';

-- The delivery log: every attempt with its outcome.
-- CreateTable
CREATE TABLE "webhook_attempt" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "webhook_attempt_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "webhook_attempt" ADD CONSTRAINT "webhook_attempt_delivery_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- CreateIndex
CREATE INDEX "webhook_attempt_delivery_id_idx" ON "webhook_attempt"("delivery_id");
