// The one place configuration is read. Every process parses it at start-up; a bad value
// stops the process with a message naming the variable.
import { z } from 'zod';

/** Kafka's compression codecs (KAFKA_COMPRESSION); lib/ingest/kafka-codecs.ts registers them. */
export const KAFKA_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/pulse';

const brokerList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'expected host:port')).min(1, 'expected at least one host:port'),
  );

const postgresUrl = z
  .string()
  .refine(
    (value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value),
    'expected postgresql://user@host:port/db',
  );

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search && !url.hash && !url.username;
}

/** Comma-separated http(s) origins (scheme://host[:port], nothing after), normalised as browsers send them. */
const originList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .refine(isOrigin, 'expected origins such as https://dashboard.example.com, comma-separated')
        .transform((o) => new URL(o).origin),
    ),
  );

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** An http(s) URL; plain http only on this machine (localhost, 127.0.0.1: tests and development). */
const httpsUrl = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return (url.protocol === 'https:' || (url.protocol === 'http:' && local)) && !url.search && !url.hash;
}, 'expected an https:// URL without ?query (plain http only for localhost or 127.0.0.1)');

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'expected a Kafka topic name');

/** Days (fractions allowed) or `forever`. */
const retentionDays = z
  .string()
  .regex(/^(forever|\d+(\.\d+)?)$/, 'expected a number of days or "forever"')
  .transform((value) => (value === 'forever' ? ('forever' as const) : Number(value)))
  .refine((days) => days === 'forever' || (days > 0 && days <= 36_500), 'expected 0 < days ≤ 36500 or "forever"');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: postgresUrl.default(DEFAULT_DATABASE_URL),
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('pulse'),
  // Codec of the batches Pulse itself produces (dead letters, re-drives, the simulator).
  // Workers and replay read every codec whatever this says.
  KAFKA_COMPRESSION: z.enum(KAFKA_COMPRESSIONS).default('lz4'),
  SALES_TOPIC: topicName.default('retail.sales.v1'),
  SALES_DLQ_TOPIC: topicName.default('retail.sales.v1.dlq'),
  SALES_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  // Retention of the topics when Pulse creates them. `npm run replay` can rebuild only what the
  // sales topic still holds; 30 days covers the dashboard's longest preset view.
  SALES_RETENTION_DAYS: retentionDays.default(30),
  SALES_DLQ_RETENTION_DAYS: retentionDays.default(30),
  WORKER_GROUP_ID: z.string().min(1).default('pulse-sales-aggregator'),
  // Inventory (README "Inventory contract"): the topic, its dead-letter topic, and the consumer
  // group of the inventory worker (`npm run worker -- inventory`), which reads it and the sales
  // topic. Topics Pulse creates keep SALES_RETENTION_DAYS / SALES_DLQ_RETENTION_DAYS.
  INVENTORY_TOPIC: topicName.default('retail.inventory.v1'),
  INVENTORY_DLQ_TOPIC: topicName.default('retail.inventory.v1.dlq'),
  INVENTORY_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  INVENTORY_GROUP_ID: z.string().min(1).default('pulse-inventory'),
  // On-hand at or below this is "low stock" (GET /api/v1/inventory?low=true).
  INVENTORY_LOW_STOCK_UNITS: z.coerce.number().int().min(0).max(1_000_000_000).default(10),
  // Demand side (README "Inventory contract", lib/domain/demand.ts): hours of sales history read
  // per store × SKU, the velocity's half-life, days of history before the forecast uses a
  // day-of-week/hour profile, and the defaults of the per-category/per-SKU rules (inventory_rule).
  INVENTORY_DEMAND_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  INVENTORY_VELOCITY_HALF_LIFE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(24),
  INVENTORY_PROFILE_MIN_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  INVENTORY_REORDER_POINT_UNITS: z.coerce.number().int().min(0).max(1_000_000_000).default(10),
  INVENTORY_TARGET_COVER_DAYS: z.coerce.number().positive().max(3650).default(14),
  INVENTORY_LOW_COVER_DAYS: z.coerce.number().min(0).max(3650).default(3),
  INVENTORY_OVERSTOCK_COVER_DAYS: z.coerce.number().positive().max(36_500).default(60),
  // Days of the stock ledger kept before a pair's current snapshot: how far back the Inventory
  // trend (GET /api/v1/inventory/history) reaches. Movements after the snapshot are always kept.
  INVENTORY_HISTORY_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  // Actions (README "Actions contract"): the topic alerts and suggestions are published to, and
  // the actions worker (`npm run worker -- actions`): how often it evaluates the rules (it is
  // also woken by sales and inventory commits, at most once per ACTIONS_DEBOUNCE_MS), how often a
  // pass re-reads every store × SKU instead of those changed since the last pass, and how many
  // outbox rows one publish sends. Anomalies: the robust z-score's spread is at least
  // ACTIONS_ANOMALY_FLOOR_SHARE × the expected value and at least the MIN_SPREAD of the metric
  // (quiet series do not alarm on noise); a baseline needs ACTIONS_ANOMALY_MIN_BASELINE windows.
  ACTIONS_TOPIC: topicName.default('retail.actions.v1'),
  ACTIONS_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
  ACTIONS_RETENTION_DAYS: retentionDays.default(30),
  ACTIONS_EVALUATE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  ACTIONS_FULL_SWEEP_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(300_000),
  ACTIONS_DEBOUNCE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  ACTIONS_PUBLISH_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  ACTIONS_ANOMALY_FLOOR_SHARE: z.coerce.number().min(0).max(10).default(0.2),
  ACTIONS_ANOMALY_MIN_SPREAD_ORDERS: z.coerce.number().positive().max(1_000_000_000).default(2),
  ACTIONS_ANOMALY_MIN_SPREAD_REVENUE_CENTS: z.coerce.number().positive().max(1e15).default(1000),
  ACTIONS_ANOMALY_MIN_BASELINE: z.coerce.number().int().min(2).max(90).default(3),
  // How long a crashed worker keeps its partitions before the group hands them to others.
  WORKER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
  WORKER_ROLL_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  // How long counted event ids are remembered to drop redeliveries; older ids are pruned.
  DEDUP_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(7),
  // Worker's /healthz, /readyz and /metrics; 0 turns the endpoint off.
  WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9400),
  REPORTING_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD')
    .default('USD'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Bearer token for ops actions (re-driving dead letters). Unset = those actions are off, so a
  // dashboard shown on a wall or embedded elsewhere never exposes them by accident.
  OPS_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  // Largest request body the web server reads (only POST /api/v1/dead-letters/redrive takes one);
  // a larger one gets 413 before anything is parsed.
  WEB_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  // Wrong or missing ops tokens one client address may send per window before it gets 429.
  OPS_AUTH_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(10),
  OPS_AUTH_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  // Live updates (Socket.IO): pages of other origins than these and the dashboard's own may not
  // open a socket. Behind a proxy, WEB_TRUST_PROXY believes its X-Forwarded-Proto/-Host/-For.
  WEB_ALLOWED_ORIGINS: originList.default([]),
  WEB_TRUST_PROXY: flag.default(false),
  // Limits per web process (README "Limits"): sized for a dashboard wall and a few hundred users.
  WEB_MAX_SOCKETS: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  WEB_MAX_SOCKETS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(100),
  WEB_MAX_LIVE_ROOMS: z.coerce.number().int().min(1).max(100_000).default(200),
  WEB_SUBSCRIBE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(20),
  WEB_SUBSCRIBE_RATE: z.coerce.number().positive().max(1_000_000).default(2),
  // Live loads run on a pool of their own of this many connections, never the HTTP API's.
  WEB_LIVE_MAX_LOADS: z.coerce.number().int().min(1).max(50).default(3),
  // Users (README "Users and scopes"). The first admin is created on start when no user has
  // this email; afterwards admins manage users in the UI (Admin → Users).
  PULSE_ADMIN_EMAIL: z.email('expected an email address').optional(),
  PULSE_ADMIN_PASSWORD: z.string().min(12, 'expected at least 12 characters').max(256).optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  // Wrong passwords one client address, or one email, may send per window before sign-in answers 429.
  AUTH_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(10),
  AUTH_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  // Embeds (README "Embedding in your portal"): the `aud` claim tokens must carry, their longest
  // life, and the portals' origins that may frame /embed/ pages (frame-ancestors).
  EMBED_TOKEN_AUDIENCE: z.string().min(1).max(200).default('pulse'),
  EMBED_TOKEN_MAX_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  EMBED_ALLOWED_ORIGINS: originList.default([]),
  // Single sign-on with the company's OpenID Connect provider (README "Single sign-on"): on when
  // OIDC_ISSUER and OIDC_CLIENT_ID are set (then OIDC_CLIENT_SECRET as well). The provider's
  // client must allow the redirect URL OIDC_REDIRECT_URL, by default this site's
  // /api/v1/auth/oidc/callback (as the browser reaches it). The issuer must be https, except
  // on localhost / 127.0.0.1 (tests and development).
  OIDC_ISSUER: httpsUrl.optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  OIDC_REDIRECT_URL: httpsUrl.optional(),
  // Who may sign in: by default only users an admin created (matched by email on their first
  // sign-in, then by the provider's subject). With OIDC_AUTO_CREATE=true anyone the provider
  // signs in with a verified email gets a user with OIDC_DEFAULT_ROLE, and no scope: they see
  // every store until an admin narrows their scope.
  OIDC_AUTO_CREATE: flag.default(false),
  OIDC_DEFAULT_ROLE: z.enum(['viewer', 'merchandiser']).default('viewer'),
  // Webhook deliveries (README "Webhooks"): how long one POST may take, how many tries a delivery
  // gets, the backoff between them (doubling from the base up to the cap, less up to a quarter at
  // random), how many POSTs one actions worker has in flight, and how often it looks for due ones.
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(10).max(86_400_000).default(10_000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(7 * 86_400_000)
    .default(3_600_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(1000),
  // Finished deliveries (and their tries) older than this leave the delivery log.
  WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
});

/** Never echoed in configuration errors. */
const SECRETS = new Set(['OPS_TOKEN', 'PULSE_ADMIN_PASSWORD', 'OIDC_CLIENT_SECRET']);

/** Single sign-on needs these together: one without the others is a mistake, not "off". */
const OIDC_VARIABLES = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "not set", as in most shells' `VAR= cmd`.
  const input = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const got = SECRETS.has(variable) ? 'a value that is not shown' : JSON.stringify(source[variable]);
    throw new ConfigError(variable, `${issue?.message ?? 'is invalid'} (got ${got})`);
  }
  if (result.data.INVENTORY_GROUP_ID === result.data.WORKER_GROUP_ID) {
    throw new ConfigError(
      'INVENTORY_GROUP_ID',
      'must differ from WORKER_GROUP_ID (the inventory worker is a consumer group of its own)',
    );
  }
  const topics = [result.data.SALES_TOPIC, result.data.SALES_DLQ_TOPIC, result.data.INVENTORY_TOPIC];
  if (new Set([...topics, result.data.INVENTORY_DLQ_TOPIC]).size < 4) {
    throw new ConfigError(
      'INVENTORY_TOPIC',
      'and INVENTORY_DLQ_TOPIC must differ from each other and from SALES_TOPIC and SALES_DLQ_TOPIC',
    );
  }
  if (new Set([...topics, result.data.INVENTORY_DLQ_TOPIC, result.data.ACTIONS_TOPIC]).size < 5) {
    throw new ConfigError(
      'ACTIONS_TOPIC',
      'must differ from the sales and inventory topics and their dead-letter topics',
    );
  }
  if (result.data.INVENTORY_PROFILE_MIN_DAYS > result.data.INVENTORY_DEMAND_WINDOW_DAYS) {
    throw new ConfigError(
      'INVENTORY_PROFILE_MIN_DAYS',
      'must be at most INVENTORY_DEMAND_WINDOW_DAYS (the profile is fitted on the window)',
    );
  }
  if (result.data.INVENTORY_LOW_COVER_DAYS >= result.data.INVENTORY_OVERSTOCK_COVER_DAYS) {
    throw new ConfigError('INVENTORY_LOW_COVER_DAYS', 'must be below INVENTORY_OVERSTOCK_COVER_DAYS');
  }
  if (result.data.WEBHOOK_BACKOFF_MAX_MS < result.data.WEBHOOK_BACKOFF_BASE_MS) {
    throw new ConfigError('WEBHOOK_BACKOFF_MAX_MS', 'must be at least WEBHOOK_BACKOFF_BASE_MS');
  }
  const oidcSet = OIDC_VARIABLES.filter((v) => result.data[v] !== undefined);
  const oidcMissing = OIDC_VARIABLES.find((v) => result.data[v] === undefined);
  if (oidcSet.length > 0 && oidcMissing) {
    throw new ConfigError(
      oidcMissing,
      `must be set as well when ${oidcSet.join(' and ')} ${oidcSet.length > 1 ? 'are' : 'is'} set (single sign-on)`,
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** Parsed configuration of this process (parsed once). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For entry points: parse now, or print the problem and exit. */
export function loadEnvOrExit(): Env {
  try {
    return env();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
