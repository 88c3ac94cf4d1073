import { describe, expect, it } from 'vitest';
import {
  chunkBySize,
  copyBytes,
  type DeadLetterCopy,
  deadLetterBatches,
  fitCopy,
  MAX_COPY_BYTES,
  SEND_BYTES,
} from '@/lib/ingest/dead-letter-batches';

const headers = { 'x-dlq-reason': 'invalid_json', 'x-source-partition': '2', 'x-source-offset': '17' };
const copy = (valueBytes: number, i = 0, extra: DeadLetterCopy['headers'] = {}): DeadLetterCopy => ({
  key: Buffer.from(`order-${i}`),
  value: Buffer.alloc(valueBytes, 0x61 + (i % 26)),
  headers: { ...headers, 'x-source-offset': String(i), ...extra },
});

describe('dead-letter copies sized for the broker', () => {
  it('sends small copies unchanged, in one request', () => {
    const copies = [copy(300, 1), copy(2000, 2), copy(0, 3)];
    expect(deadLetterBatches(copies)).toEqual([copies]);
  });

  it('splits large batches into requests under the budget, keeping every copy in order', () => {
    const copies = Array.from({ length: 40 }, (_, i) => copy(100_000 + i, i));
    const batches = deadLetterBatches(copies);
    expect(batches.length).toBeGreaterThanOrEqual(5);
    for (const batch of batches) {
      expect(batch.reduce((n, c) => n + copyBytes(c), 0)).toBeLessThanOrEqual(SEND_BYTES);
    }
    expect(batches.flat()).toEqual(copies);
  });

  it('cuts the value of a copy that alone would exceed the limit, and says so in its headers', () => {
    const big = copy(1_048_000, 5);
    const fitted = fitCopy(big);
    expect(copyBytes(fitted)).toBeLessThanOrEqual(MAX_COPY_BYTES);
    expect(fitted.headers['x-dlq-value-bytes']).toBe('1048000');
    expect(Number(fitted.headers['x-dlq-value-truncated'])).toBe(fitted.value?.length);
    expect(fitted.value?.equals((big.value as Buffer).subarray(0, fitted.value.length))).toBe(true);
    expect(fitted.headers['x-source-offset']).toBe('5');
    // Alone in its request, between the others.
    const batches = deadLetterBatches([copy(10, 1), big, copy(10, 2)]);
    expect(batches.flat().map((c) => c.headers['x-source-offset'])).toEqual(['1', '5', '2']);
  });

  it('drops oversized source headers, never the dead-letter headers', () => {
    const fitted = fitCopy(copy(10, 9, { trace: 'x'.repeat(MAX_COPY_BYTES) }));
    expect(fitted.headers.trace).toBeUndefined();
    expect(fitted.headers).toMatchObject({ ...headers, 'x-source-offset': '9', 'x-dlq-value-truncated': '10' });
    expect(copyBytes(fitted)).toBeLessThanOrEqual(MAX_COPY_BYTES);
  });

  it('chunks by size: an item larger than the budget goes alone', () => {
    expect(chunkBySize([1, 2, 3, 10, 4], (n) => n, 5)).toEqual([[1, 2], [3], [10], [4]]);
  });
});
