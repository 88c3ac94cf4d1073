import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '@/lib/env';

describe('parseEnv', () => {
  it('has working defaults', () => {
    const env = parseEnv({});
    expect(env.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(env.SALES_TOPIC).toBe('retail.sales.v1');
    expect(env.SALES_DLQ_TOPIC).toBe('retail.sales.v1.dlq');
    expect(env.REPORTING_CURRENCY).toBe('USD');
    expect(env.PORT).toBe(3000);
    expect(env.DEDUP_RETENTION_DAYS).toBe(7);
  });

  it('splits broker lists', () => {
    expect(parseEnv({ KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost'],
    ['PORT', 'eighty'],
    ['DATABASE_URL', 'mysql://x'],
    ['REPORTING_CURRENCY', 'dollars'],
    ['SALES_TOPIC', 'bad topic'],
    ['LOG_LEVEL', 'loud'],
    ['DEDUP_RETENTION_DAYS', '0'],
    ['OPS_TOKEN', 'short'],
    ['INVENTORY_TOPIC', 'bad topic'],
    ['INVENTORY_TOPIC_PARTITIONS', '0'],
    ['INVENTORY_LOW_STOCK_UNITS', '-1'],
    ['INVENTORY_DEMAND_WINDOW_DAYS', '0'],
    ['INVENTORY_VELOCITY_HALF_LIFE_HOURS', '-3'],
    ['INVENTORY_PROFILE_MIN_DAYS', '1.5'],
    ['INVENTORY_REORDER_POINT_UNITS', 'ten'],
    ['INVENTORY_TARGET_COVER_DAYS', '0'],
    ['INVENTORY_LOW_COVER_DAYS', '-1'],
    ['INVENTORY_OVERSTOCK_COVER_DAYS', '0'],
    ['WEBHOOK_TIMEOUT_MS', '5'],
    ['WEBHOOK_MAX_ATTEMPTS', '0'],
    ['WEBHOOK_BACKOFF_BASE_MS', 'soon'],
    ['WEBHOOK_BACKOFF_MAX_MS', '-1'],
    ['WEBHOOK_CONCURRENCY', '0'],
    ['WEBHOOK_POLL_MS', '1.5'],
    ['WEBHOOK_LOG_RETENTION_DAYS', '0'],
  ])('a bad %s stops start-up with a message naming it', (variable, value) => {
    expect(() => parseEnv({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseEnv({ [variable]: value })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('never echoes the ops token in the error', () => {
    expect(() => parseEnv({ OPS_TOKEN: 'hunter2' })).toThrow(/OPS_TOKEN expected at least 16 characters/);
    expect(() => parseEnv({ OPS_TOKEN: 'hunter2' })).not.toThrow(/hunter2/);
    expect(parseEnv({}).OPS_TOKEN).toBeUndefined();
  });

  it('single sign-on needs its issuer, client id and secret together, and https issuers', () => {
    const oidc = { OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'pulse', OIDC_CLIENT_SECRET: 's3cret-value' };
    expect(parseEnv(oidc)).toMatchObject({ ...oidc, OIDC_AUTO_CREATE: false, OIDC_DEFAULT_ROLE: 'viewer' });
    expect(() => parseEnv({ OIDC_ISSUER: oidc.OIDC_ISSUER })).toThrow(
      /^Invalid configuration: OIDC_CLIENT_ID must be set as well when OIDC_ISSUER is set/,
    );
    expect(() => parseEnv({ OIDC_CLIENT_ID: 'pulse' })).toThrow(/^Invalid configuration: OIDC_ISSUER /);
    expect(() => parseEnv({ ...oidc, OIDC_CLIENT_SECRET: '' })).toThrow(/^Invalid configuration: OIDC_CLIENT_SECRET /);
    expect(() => parseEnv({ ...oidc, OIDC_ISSUER: 'http://id.example.com' })).toThrow(
      /^Invalid configuration: OIDC_ISSUER expected an https:/,
    );
    expect(() => parseEnv({ ...oidc, OIDC_ISSUER: 'id.example.com' })).toThrow(/^Invalid configuration: OIDC_ISSUER /);
    expect(() => parseEnv({ ...oidc, OIDC_REDIRECT_URL: 'https://pulse.example.com/cb?x=1' })).toThrow(
      /^Invalid configuration: OIDC_REDIRECT_URL /,
    );
    expect(parseEnv({ ...oidc, OIDC_ISSUER: 'http://localhost:4000' }).OIDC_ISSUER).toBe('http://localhost:4000');
    expect(() => parseEnv({ ...oidc, OIDC_DEFAULT_ROLE: 'admin' })).toThrow(/OIDC_DEFAULT_ROLE/);
    expect(() => parseEnv({ ...oidc, OIDC_CLIENT_SECRET: 'x'.repeat(3000) })).not.toThrow(/xxx/);
  });

  it('keeps the inventory worker apart from the sales workers: its own group and topics', () => {
    const env = parseEnv({});
    expect([env.INVENTORY_TOPIC, env.INVENTORY_DLQ_TOPIC, env.INVENTORY_GROUP_ID]).toEqual([
      'retail.inventory.v1',
      'retail.inventory.v1.dlq',
      'pulse-inventory',
    ]);
    expect(() => parseEnv({ INVENTORY_GROUP_ID: 'pulse-sales-aggregator' })).toThrow(
      /^Invalid configuration: INVENTORY_GROUP_ID must differ from WORKER_GROUP_ID/,
    );
    expect(() => parseEnv({ INVENTORY_TOPIC: 'retail.sales.v1' })).toThrow(/^Invalid configuration: INVENTORY_TOPIC /);
    expect(() => parseEnv({ INVENTORY_DLQ_TOPIC: 'retail.inventory.v1' })).toThrow(
      /^Invalid configuration: INVENTORY_TOPIC /,
    );
  });

  it('gives the actions worker its topic and evaluation settings, validated', () => {
    const env = parseEnv({});
    expect(env.ACTIONS_TOPIC).toBe('retail.actions.v1');
    expect([env.ACTIONS_EVALUATE_MS, env.ACTIONS_FULL_SWEEP_MS, env.ACTIONS_ANOMALY_FLOOR_SHARE]).toEqual([
      30_000, 300_000, 0.2,
    ]);
    expect(() => parseEnv({ ACTIONS_TOPIC: 'retail.sales.v1' })).toThrow(/^Invalid configuration: ACTIONS_TOPIC /);
    expect(() => parseEnv({ ACTIONS_TOPIC: 'retail.inventory.v1.dlq' })).toThrow(
      /^Invalid configuration: ACTIONS_TOPIC /,
    );
    expect(() => parseEnv({ ACTIONS_EVALUATE_MS: '10' })).toThrow(/^Invalid configuration: ACTIONS_EVALUATE_MS /);
    expect(() => parseEnv({ ACTIONS_ANOMALY_MIN_BASELINE: '1' })).toThrow(
      /^Invalid configuration: ACTIONS_ANOMALY_MIN_BASELINE /,
    );
  });

  it('has demand defaults and keeps the thresholds consistent', () => {
    const env = parseEnv({});
    expect([
      env.INVENTORY_DEMAND_WINDOW_DAYS,
      env.INVENTORY_VELOCITY_HALF_LIFE_HOURS,
      env.INVENTORY_PROFILE_MIN_DAYS,
      env.INVENTORY_REORDER_POINT_UNITS,
      env.INVENTORY_TARGET_COVER_DAYS,
      env.INVENTORY_LOW_COVER_DAYS,
      env.INVENTORY_OVERSTOCK_COVER_DAYS,
    ]).toEqual([14, 24, 7, 10, 14, 3, 60]);
    expect(() => parseEnv({ INVENTORY_DEMAND_WINDOW_DAYS: '5' })).toThrow(
      /^Invalid configuration: INVENTORY_PROFILE_MIN_DAYS must be at most INVENTORY_DEMAND_WINDOW_DAYS/,
    );
    expect(() => parseEnv({ INVENTORY_LOW_COVER_DAYS: '60' })).toThrow(
      /^Invalid configuration: INVENTORY_LOW_COVER_DAYS must be below INVENTORY_OVERSTOCK_COVER_DAYS/,
    );
  });

  it('has the webhook defaults and keeps the backoff cap at or above its base', () => {
    const env = parseEnv({});
    expect([
      env.WEBHOOK_TIMEOUT_MS,
      env.WEBHOOK_MAX_ATTEMPTS,
      env.WEBHOOK_BACKOFF_BASE_MS,
      env.WEBHOOK_BACKOFF_MAX_MS,
      env.WEBHOOK_CONCURRENCY,
      env.WEBHOOK_POLL_MS,
    ]).toEqual([10_000, 10, 10_000, 3_600_000, 8, 1000]);
    expect(() => parseEnv({ WEBHOOK_BACKOFF_BASE_MS: '5000', WEBHOOK_BACKOFF_MAX_MS: '1000' })).toThrow(
      /^Invalid configuration: WEBHOOK_BACKOFF_MAX_MS must be at least WEBHOOK_BACKOFF_BASE_MS/,
    );
  });
});
