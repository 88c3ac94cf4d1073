// How the page shows times, reasons, sizes and payloads.
import type { DeadLetter } from '@/lib/contract/dead-letters';
import { formatNumber } from '@/lib/domain/format';

export const RECEIVED = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
export const RECEIVED_FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
export const TIME = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `currency_mismatch` → `Currency mismatch`. */
export function reasonLabel(reason: string): string {
  const words = reason
    .split('_')
    .map((w) => ({ json: 'JSON', utf8: 'UTF-8' })[w] ?? w)
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatBytes(n: number): string {
  return n < 1024 ? `${formatNumber(n)} B` : `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} KiB`;
}

/** A whole UTF-8 JSON payload is indented; anything else is shown as it is. */
export function prettyPayload(row: DeadLetter): string {
  const { preview } = row;
  if (preview.encoding === 'utf8' && !preview.truncated) {
    try {
      return JSON.stringify(JSON.parse(preview.text), null, 2);
    } catch {
      // not JSON: shown as it is
    }
  }
  return preview.text;
}
