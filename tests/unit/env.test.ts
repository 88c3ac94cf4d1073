import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../lib/env';

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
  ])('a bad %s stops start-up with a message naming it', (variable, value) => {
    expect(() => parseEnv({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseEnv({ [variable]: value })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('never echoes the ops token in the error', () => {
    expect(() => parseEnv({ OPS_TOKEN: 'hunter2' })).toThrow(/OPS_TOKEN expected at least 16 characters/);
    expect(() => parseEnv({ OPS_TOKEN: 'hunter2' })).not.toThrow(/hunter2/);
    expect(parseEnv({}).OPS_TOKEN).toBeUndefined();
  });
});
