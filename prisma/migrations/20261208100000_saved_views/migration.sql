-- Named dashboard views per user (issue 11: saved views). The query is the view's canonical
-- query string, checked by the API like the dashboard URL. Names are unique per user whatever
-- their case, so a rename cannot make two entries that read the same in the menu.
CREATE TABLE "saved_view" (
    "id" BIGSERIAL NOT NULL,
    "user_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "saved_view_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "saved_view_user_id_idx" ON "saved_view"("user_id");

CREATE UNIQUE INDEX "saved_view_user_name_key" ON "saved_view"("user_id", lower("name"));

ALTER TABLE "saved_view" ADD CONSTRAINT "saved_view_user_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
