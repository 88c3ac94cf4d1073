// Dead-letter copies sized for the broker. Kafka refuses a produce request whose record batch
// for a partition exceeds the topic's max.message.bytes (1,048,588 by default), and the
// dead-letter topic has one partition: a batch of large rejected messages sent in one call was
// refused on every retry and stalled its source partition for good. So copies go out in
// requests of at most SEND_BYTES, and a copy that alone would not fit (a source message close
// to the limit plus the dead-letter headers) carries the first bytes of its value only, with
// headers saying so. The full payload is always kept in the `dead_letter` table.
import type { IHeaders } from 'kafkajs';

export interface DeadLetterCopy {
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Largest dead-letter copy sent (key + value + headers), below the broker's default limit. */
export const MAX_COPY_BYTES = 1_000_000;
/** Most copy bytes per produce request (record overhead of many small copies included). */
export const SEND_BYTES = 900_000;
/** Per-record overhead allowance (lengths, offsets, timestamps, attributes). */
const RECORD_OVERHEAD = 64;

function headerBytes(headers: IHeaders): number {
  let n = 0;
  for (const [name, value] of Object.entries(headers)) {
    n += Buffer.byteLength(name) + RECORD_OVERHEAD / 4;
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value])
      n += typeof v === 'string' ? Buffer.byteLength(v) : v.length;
  }
  return n;
}

/** Bytes a copy takes in a record batch (approximately, never less). */
export function copyBytes(copy: DeadLetterCopy): number {
  return RECORD_OVERHEAD + (copy.key?.length ?? 0) + (copy.value?.length ?? 0) + headerBytes(copy.headers);
}

/**
 * The copy as sent: unchanged when it fits MAX_COPY_BYTES, else with its value cut to fit and
 * `x-dlq-value-truncated` (the bytes kept) and `x-dlq-value-bytes` (the original length) set;
 * if the source headers alone are too large, only the dead-letter (`x-…`) headers are kept.
 */
export function fitCopy(copy: DeadLetterCopy): DeadLetterCopy {
  if (copyBytes(copy) <= MAX_COPY_BYTES) return copy;
  const original = copy.value?.length ?? 0;
  let headers: IHeaders = { ...copy.headers, 'x-dlq-value-bytes': String(original), 'x-dlq-value-truncated': '0' };
  const without = (h: IHeaders) => copyBytes({ key: copy.key, value: null, headers: h });
  if (without(headers) > MAX_COPY_BYTES) {
    headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('x-')));
  }
  const room = Math.max(0, MAX_COPY_BYTES - without(headers) - 16);
  const kept = Math.min(original, room);
  headers['x-dlq-value-truncated'] = String(kept);
  return { key: copy.key, value: copy.value ? copy.value.subarray(0, kept) : null, headers };
}

/** Items in order, split into groups of at most `max` bytes (an item larger than that alone). */
export function chunkBySize<T>(items: readonly T[], size: (item: T) => number, max = SEND_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && bytes + n > max) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The copies, fitted, in order, split into produce requests of at most SEND_BYTES (one copy at least). */
export function deadLetterBatches(copies: readonly DeadLetterCopy[]): DeadLetterCopy[][] {
  return chunkBySize(copies.map(fitCopy), copyBytes);
}
