// The one place configuration is read. Every process parses it at start-up; a bad value
// stops the process with a message naming the variable.
import { z } from 'zod';

/** Kafka's compression codecs (KAFKA_COMPRESSION); lib/kafka-codecs.ts registers them. */
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
  // How long a crashed worker keeps its partitions before the group hands them to others.
  WORKER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
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
});

/** Never echoed in configuration errors. */
const SECRETS = new Set(['OPS_TOKEN']);

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
