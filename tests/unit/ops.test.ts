// The operational endpoints over a real HTTP server, the retry schedule, log redaction and
// the WORKER_HTTP_PORT setting.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { redactUrlPasswords } from '@/lib/logger';
import { workerMetrics } from '@/lib/metrics';
import { type Checks, probeCheck, startOpsServer } from '@/lib/ops-http';
import { parseMetrics, sum } from '@/tests/support/metrics';
import { brokerUnavailable, retryDelayMs } from '@/workers/sales/consumer';

describe('ops endpoints', () => {
  let server: Server;
  let base: string;
  let checks: Checks = {};

  beforeAll(async () => {
    server = await startOpsServer(0, '127.0.0.1', { readiness: async () => checks });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers liveness whatever the checks say', async () => {
    checks = { database: { ok: false, error: 'down' } };
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready only when every check passes, and lists each check', async () => {
    checks = { kafka: { ok: true, partitions: [0, 1] }, database: { ok: true, ms: 3 } };
    let res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks });

    checks = { kafka: { ok: true }, database: { ok: false, error: 'connection refused' } };
    res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', checks });
  });

  it('serves metrics in the Prometheus text format', async () => {
    workerMetrics().rejected.inc({ topic: 'unit.sales', reason: 'invalid_json' }, 2);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseMetrics(await res.text());
    expect(sum(samples, 'pulse_worker_events_rejected_total', { topic: 'unit.sales', reason: 'invalid_json' })).toBe(2);
    expect(sum(samples, 'pulse_process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('answers 404 elsewhere and refuses a port already in use, naming the problem', async () => {
    expect((await fetch(`${base}/`)).status).toBe(404);
    const port = (server.address() as AddressInfo).port;
    await expect(startOpsServer(port, '127.0.0.1', { readiness: async () => ({}) })).rejects.toThrow(
      `port ${port} is already in use`,
    );
  });
});

describe('probeCheck', () => {
  it('shares one run between overlapping probes and reports the failure', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const check = probeCheck(async () => {
      runs += 1;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      throw new Error('Invalid `prisma.$queryRaw()` invocation:\n\nconnection refused');
    });
    const a = check();
    const b = check();
    release();
    expect(await a).toEqual({ ok: false, error: 'connection refused' });
    expect(await b).toBe(await a);
    expect(runs).toBe(1);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 0.5 s up to 30 s, with jitter', () => {
    for (let i = 0; i < 50; i++) {
      expect(retryDelayMs(1)).toBeGreaterThanOrEqual(400);
      expect(retryDelayMs(1)).toBeLessThanOrEqual(600);
      expect(retryDelayMs(3)).toBeGreaterThanOrEqual(1600);
      expect(retryDelayMs(3)).toBeLessThanOrEqual(2400);
      expect(retryDelayMs(40)).toBeLessThanOrEqual(36_000);
      expect(retryDelayMs(40)).toBeGreaterThanOrEqual(24_000);
    }
  });
});

describe('brokerUnavailable', () => {
  it('recognises a crash caused by brokers being away anywhere in the chain of causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError' });
    const coordinator = Object.assign(new Error('Failed to find group coordinator'), {
      name: 'KafkaJSNonRetriableError',
    });
    expect(brokerUnavailable(refused)).toBe(true);
    expect(brokerUnavailable(coordinator)).toBe(true);
    expect(brokerUnavailable(Object.assign(new Error('gave up'), { cause: refused }))).toBe(true);
  });

  it('leaves other crashes fatal', () => {
    expect(brokerUnavailable(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(
      brokerUnavailable(Object.assign(new Error('Topic authorization failed'), { type: 'TOPIC_AUTHORIZATION_FAILED' })),
    ).toBe(false);
    expect(brokerUnavailable(undefined)).toBe(false);
  });
});

describe('log redaction', () => {
  it('removes passwords from connection strings anywhere in a message', () => {
    expect(redactUrlPasswords('connect to postgresql://pulse:s3cr%40t@db:5432/pulse failed')).toBe(
      'connect to postgresql://pulse:[redacted]@db:5432/pulse failed',
    );
    expect(redactUrlPasswords('postgresql://postgres@127.0.0.1:5432/pulse')).toBe(
      'postgresql://postgres@127.0.0.1:5432/pulse',
    );
  });
});

describe('WORKER_HTTP_PORT', () => {
  it('defaults to 9400, accepts 0 (off), and names itself when invalid', () => {
    expect(parseEnv({}).WORKER_HTTP_PORT).toBe(9400);
    expect(parseEnv({ WORKER_HTTP_PORT: '0' }).WORKER_HTTP_PORT).toBe(0);
    expect(() => parseEnv({ WORKER_HTTP_PORT: '70000' })).toThrow(/^Invalid configuration: WORKER_HTTP_PORT /);
  });
});
