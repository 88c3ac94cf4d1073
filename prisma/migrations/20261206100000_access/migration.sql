-- Access: users with a role and a scope, their sign-in sessions, embeds for portals and the keys
-- that portals sign embed tokens with (lib/auth). Emails are unique whatever their case.

-- CreateTable
CREATE TABLE "app_user" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "role" TEXT NOT NULL,
    "password_hash" TEXT,
    "oidc_issuer" TEXT,
    "oidc_subject" TEXT,
    "scope_stores" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "scope_regions" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "scope_categories" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "app_user_role_check" CHECK ("role" IN ('admin', 'merchandiser', 'viewer'))
);

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user" (lower("email"));

-- CreateIndex
CREATE UNIQUE INDEX "app_user_oidc_key" ON "app_user" ("oidc_issuer", "oidc_subject");

-- CreateTable
CREATE TABLE "user_session" (
    "token_hash" BYTEA NOT NULL,
    "user_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "client" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "user_session_pkey" PRIMARY KEY ("token_hash"),
    CONSTRAINT "user_session_user_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user" ("id") ON DELETE CASCADE
);

-- CreateIndex
CREATE INDEX "user_session_user_id_idx" ON "user_session" ("user_id");

-- CreateIndex
CREATE INDEX "user_session_expires_at_idx" ON "user_session" ("expires_at");

-- CreateTable
CREATE TABLE "embed" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "view" TEXT NOT NULL,
    "target" TEXT,
    "locked" JSONB NOT NULL DEFAULT '{}',
    "defaults" JSONB NOT NULL DEFAULT '{}',
    "theme" TEXT NOT NULL DEFAULT 'light',
    "accent" TEXT,
    "links" TEXT NOT NULL DEFAULT 'embed',
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_by" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "embed_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "embed_view_check" CHECK ("view" IN ('dashboard', 'product', 'store')),
    CONSTRAINT "embed_theme_check" CHECK ("theme" IN ('light', 'dark')),
    CONSTRAINT "embed_links_check" CHECK ("links" IN ('embed', 'new_tab'))
);

-- CreateTable
CREATE TABLE "embed_key" (
    "kid" TEXT NOT NULL,
    "secret" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "embed_key_pkey" PRIMARY KEY ("kid")
);
