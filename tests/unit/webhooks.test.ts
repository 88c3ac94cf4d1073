// The webhooks' pure parts: the signature (a known vector, computed independently with
// node:crypto here), its check by a receiver (tampering, a stale timestamp, a wrong secret) and
// the backoff schedule (doubling, capped, jittered, always growing below the cap).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BACKOFF_JITTER,
  backoffDelayMs,
  nextStep,
  signWebhook,
  verifyWebhookSignature,
  webhookTimestamp,
} from '@/lib/domain/webhooks';

const SECRET = 'whsec_test-secret';
const BODY = '{"schema":"retail.actions.v1","action_id":"a1","type":"alert.opened"}';
const NOW = Date.parse('2026-12-07T10:00:00Z');
const TS = webhookTimestamp(NOW);

describe('signWebhook', () => {
  it('is sha256= and the hex HMAC-SHA256 of "timestamp.body" under the secret', () => {
    const hex = createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, TS, BODY)).toBe(`sha256=${hex}`);
    expect(signWebhook(SECRET, TS, BODY)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('writes the timestamp as whole Unix seconds', () => {
    expect(TS).toBe(String(NOW / 1000));
    expect(webhookTimestamp(NOW + 999)).toBe(TS);
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook(SECRET, TS, BODY);

  it('accepts the signature of the body and timestamp within the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, TS, BODY, header, 300_000, NOW)).toBe(true);
    expect(verifyWebhookSignature(SECRET, TS, BODY, header, 300_000, NOW + 299_000)).toBe(true);
  });

  it('refuses a changed body, timestamp, secret or header', () => {
    expect(verifyWebhookSignature(SECRET, TS, `${BODY} `, header, 300_000, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(Number(TS) + 1), BODY, header, 300_000, NOW)).toBe(false);
    expect(verifyWebhookSignature('another-secret', TS, BODY, header, 300_000, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, BODY, header.toUpperCase(), 300_000, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, BODY, header.slice(0, -2), 300_000, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, BODY, '', 300_000, NOW)).toBe(false);
  });

  it('refuses a timestamp outside the tolerance (a replayed request) or not a number', () => {
    expect(verifyWebhookSignature(SECRET, TS, BODY, header, 300_000, NOW + 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, BODY, header, 300_000, NOW - 301_000)).toBe(false);
    const odd = '1e9';
    expect(verifyWebhookSignature(SECRET, odd, BODY, signWebhook(SECRET, odd, BODY), 300_000, 1e12)).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  const settings = { baseMs: 1000, maxMs: 60_000 };

  it('doubles from the base per failure, without jitter at random() = 0', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, settings, () => 0))).toEqual([1000, 2000, 4000, 8000, 16_000]);
  });

  it('takes off at most a quarter at random', () => {
    expect(backoffDelayMs(3, settings, () => 1)).toBe(4000 * (1 - BACKOFF_JITTER));
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(3, settings);
      expect(d).toBeGreaterThanOrEqual(3000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('is capped at maxMs, also for huge failure counts', () => {
    expect(backoffDelayMs(7, settings, () => 0)).toBe(60_000);
    expect(backoffDelayMs(1000, settings, () => 0)).toBe(60_000);
  });

  it('grows with every failure below the cap whatever the jitter', () => {
    for (let n = 1; n < 6; n++) {
      expect(backoffDelayMs(n + 1, settings, () => 1)).toBeGreaterThan(backoffDelayMs(n, settings, () => 0));
    }
  });
});

describe('nextStep', () => {
  const settings = { baseMs: 100, maxMs: 10_000 };

  it('retries until the last allowed attempt, then gives up', () => {
    expect(nextStep(1, 3, settings, () => 0)).toEqual({ giveUp: false, delayMs: 100 });
    expect(nextStep(2, 3, settings, () => 0)).toEqual({ giveUp: false, delayMs: 200 });
    expect(nextStep(3, 3, settings, () => 0)).toEqual({ giveUp: true });
    expect(nextStep(1, 1, settings)).toEqual({ giveUp: true });
  });
});
