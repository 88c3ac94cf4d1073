// The inventory worker's reading of a chunk (workers/inventory/decode.ts), which the inventory
// replay shares: what is applied, skipped and dead-lettered, and the recorded future-event verdict
// that replaces the clock's.
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { bytes, sale } from '@/tests/support/events';
import { decodeInventoryChunk } from '@/workers/inventory/decode';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const LATER = new Date(NOW + 3_600_000).toISOString();

function message(offset: number, value: unknown, headers: KafkaMessage['headers'] = {}): KafkaMessage {
  return {
    offset: String(offset),
    key: Buffer.from(`k${offset}`),
    value: Buffer.isBuffer(value) ? value : bytes(value),
    timestamp: String(NOW - 60_000 + offset),
    attributes: 0,
    headers,
  } as KafkaMessage;
}

const receipt = (id: string, occurredAt = '2026-03-01T10:00:00Z') => ({
  event_id: id,
  type: 'receipt',
  occurred_at: occurredAt,
  store_id: 'NYC-01',
  sku: 'SKU-1',
  quantity: 4,
});

describe('decodeInventoryChunk', () => {
  it('turns inventory events into movements and dead-letters invalid ones with their reason and re-drive', () => {
    const chunk = [
      message(10, receipt('inv-1')),
      message(11, Buffer.from('{"event_id": '), { 'x-redrive-of': Buffer.from('77') }),
      message(12, receipt('inv-2', LATER)),
    ];
    const decoded = decodeInventoryChunk('inventory', chunk, { reportingCurrency: 'USD', nowMs: NOW });
    expect(decoded.accepted).toEqual([
      {
        offset: 10n,
        eventId: 'inv-1',
        movements: [
          {
            eventId: 'inv-1',
            kind: 'receipt',
            occurredAt: Date.parse('2026-03-01T10:00:00Z'),
            storeId: 'NYC-01',
            sku: 'SKU-1',
            qty: 4,
          },
        ],
      },
    ]);
    expect(decoded.skipped).toEqual([11n, 12n]);
    expect(decoded.rejected.map((r) => [r.rejection.offset, r.rejection.reason, r.rejection.redriveOf])).toEqual([
      [11n, 'invalid_json', '77'],
      [12n, 'future_event', null],
    ]);
    expect(decoded.rejected[0]?.message).toBe(chunk[1]);
    expect(decoded.lastMessageAt).toBe(NOW - 60_000 + 12);
  });

  it('takes the sales off the stock per SKU and skips invalid sales without a dead letter', () => {
    const lines = [
      { sku: 'A', name: 'A', category: 'Home', quantity: 2, unit_price_cents: 100 },
      { sku: 'A', name: 'A', category: 'Home', quantity: 1, unit_price_cents: 100 },
      { sku: 'B', name: 'B', category: 'Home', quantity: 5, unit_price_cents: 100 },
    ];
    const chunk = [
      message(0, sale({ event_id: 's-1', occurred_at: '2026-03-01T11:00:00Z', lines })),
      message(1, sale({ event_id: 's-2', currency: 'EUR' })),
    ];
    const decoded = decodeInventoryChunk('sales', chunk, { reportingCurrency: 'USD', nowMs: NOW });
    expect(decoded.accepted.map((a) => a.movements.map((m) => [m.sku, m.kind, m.qty]))).toEqual([
      [
        ['A', 'sale', -3],
        ['B', 'sale', -5],
      ],
    ]);
    expect(decoded.skipped).toEqual([1n]);
    expect(decoded.rejected).toEqual([]);
  });

  it('replaces the clock by the recorded future-event verdicts (a replay, long after)', () => {
    const chunk = [message(5, receipt('inv-5', LATER)), message(6, receipt('inv-6', LATER))];
    const future = new Map([[5n, 'occurred_at is 60 min ahead of the worker’s clock (limit 5 min)']]);
    const replayed = decodeInventoryChunk('inventory', chunk, {
      reportingCurrency: 'USD',
      nowMs: Number.POSITIVE_INFINITY,
      future,
    });
    expect(replayed.accepted.map((a) => a.eventId)).toEqual(['inv-6']);
    expect(replayed.rejected.map((r) => [r.rejection.reason, r.rejection.detail])).toEqual([
      ['future_event', future.get(5n)],
    ]);
    const sales = decodeInventoryChunk('sales', [message(5, sale({ event_id: 's-5', occurred_at: LATER }))], {
      reportingCurrency: 'USD',
      nowMs: Number.POSITIVE_INFINITY,
      future,
    });
    expect(sales.accepted).toEqual([]);
    expect(sales.skipped).toEqual([5n]);
    expect(sales.rejected).toEqual([]);
  });
});
