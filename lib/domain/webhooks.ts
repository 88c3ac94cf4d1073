// Webhooks' pure parts (README "Webhooks"): the signature of a delivery, its check on the
// receiving side, and the backoff schedule of retries. The deliverer (workers/actions/webhooks.ts)
// and the admin's "send test" (lib/web/admin-webhooks.ts) sign with the same code; receivers
// copy verifyWebhookSignature. Only node:crypto: no I/O.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature header's scheme prefix: `sha256=<hex>`. */
export const SIGNATURE_PREFIX = 'sha256=';

/** What is signed: the timestamp header's value, a dot, and the raw body, as sent. */
export const signedContent = (timestamp: string, body: string) => `${timestamp}.${body}`;

/** `sha256=` + hex HMAC-SHA256 under the hook's secret (its UTF-8 bytes, as shown to the admin). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return SIGNATURE_PREFIX + createHmac('sha256', secret).update(signedContent(timestamp, body)).digest('hex');
}

/** The timestamp header of a delivery sent at `nowMs`: whole seconds since the Unix epoch. */
export const webhookTimestamp = (nowMs: number) => String(Math.floor(nowMs / 1000));

/**
 * A receiver's check of a delivery: the signature header matches the body and timestamp under
 * the secret (compared in constant time), and the timestamp lies within `toleranceMs` of now
 * (a captured request replayed later is refused). `body` must be the raw bytes received, not
 * a re-serialized parse. Copy this function into the receiving service (README "Webhooks").
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  header: string,
  toleranceMs = 5 * 60_000,
  nowMs = Date.now(),
): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs - Number(timestamp) * 1000) > toleranceMs) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface BackoffSettings {
  /** Delay after the first failure. */
  baseMs: number;
  /** No delay is longer. */
  maxMs: number;
}

/** Up to this share of a delay is taken off at random, so hooks failing together retry apart. */
export const BACKOFF_JITTER = 0.25;

/**
 * The delay before the next try after `failures` failed attempts (1 = the first failed):
 * base × 2^(failures − 1), capped at maxMs, less up to a quarter at random. Below the cap every
 * delay is longer than the one before whatever the jitter (the smallest of one, 0.75 × 2d,
 * exceeds the largest of the previous, d).
 */
export function backoffDelayMs(
  failures: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(failures - 1, 40));
  const full = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  return Math.round(full * (1 - BACKOFF_JITTER * random()));
}

/** What became of one attempt: delivered (2xx), or a failure with its status (if any answer came) and error. */
export type AttemptOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** After a failed attempt: try again after a delay, or give up (status failed) at `maxAttempts`. */
export function nextStep(
  attempt: number,
  maxAttempts: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): { giveUp: true } | { giveUp: false; delayMs: number } {
  if (attempt >= maxAttempts) return { giveUp: true };
  return { giveUp: false, delayMs: backoffDelayMs(attempt, settings, random) };
}
