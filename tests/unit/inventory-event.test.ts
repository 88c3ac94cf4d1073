import { describe, expect, it } from 'vitest';
import {
  decodeInventoryEvent,
  INVENTORY_BOUNDS,
  type MovementKind,
  movementsOfSale,
  onHandOf,
  type StockMovement,
} from '@/lib/domain/inventory-event';
import { bytes } from '@/tests/support/events';
import { timelineOnHand } from '@/tests/support/inventory-model';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const valid = {
  event_id: 'inv-1',
  type: 'receipt',
  occurred_at: '2026-03-01T10:00:00Z',
  store_id: 'NYC-01',
  sku: 'SKU-1',
  quantity: 12,
};
const decode = (value: unknown) => decodeInventoryEvent(bytes(value), NOW);

describe('decodeInventoryEvent', () => {
  it('decodes each type', () => {
    expect(decode(valid)).toEqual({
      ok: true,
      event: {
        eventId: 'inv-1',
        type: 'receipt',
        occurredAt: Date.parse('2026-03-01T10:00:00Z'),
        storeId: 'NYC-01',
        sku: 'SKU-1',
        quantity: 12,
      },
    });
    expect(decode({ ...valid, type: 'snapshot', quantity: 0 }).ok).toBe(true);
    expect(decode({ ...valid, type: 'adjustment', quantity: -3 }).ok).toBe(true);
  });

  it.each([
    [null, 'empty_message'],
    ['not json', 'invalid_json'],
    [[1], 'not_an_object'],
    [{ ...valid, event_id: undefined }, 'missing_field'],
    [{ ...valid, type: 'sale' }, 'unknown_type'],
    [{ ...valid, type: undefined }, 'missing_field'],
    [{ ...valid, occurred_at: '2026-02-30T10:00:00Z' }, 'invalid_field'],
    [{ ...valid, occurred_at: '2026-03-01T12:30:00Z' }, 'future_event'],
    [{ ...valid, store_id: '' }, 'invalid_field'],
    [{ ...valid, sku: 'a\u0000b' }, 'invalid_field'],
    [{ ...valid, quantity: 1.5 }, 'invalid_field'],
    [{ ...valid, quantity: '3' }, 'invalid_field'],
    [{ ...valid, quantity: undefined }, 'missing_field'],
    [{ ...valid, quantity: 0 }, 'invalid_field'],
    [{ ...valid, quantity: -1 }, 'invalid_field'],
    [{ ...valid, quantity: INVENTORY_BOUNDS.movement + 1 }, 'out_of_range'],
    [{ ...valid, type: 'adjustment', quantity: 0 }, 'invalid_field'],
    [{ ...valid, type: 'adjustment', quantity: -INVENTORY_BOUNDS.movement - 1 }, 'out_of_range'],
    [{ ...valid, type: 'snapshot', quantity: -1 }, 'invalid_field'],
    [{ ...valid, type: 'snapshot', quantity: INVENTORY_BOUNDS.snapshot + 1 }, 'out_of_range'],
  ])('rejects %j as %s', (value, reason) => {
    const result = value === null ? decodeInventoryEvent(null, NOW) : decode(value);
    expect(result.ok ? null : result.reason).toBe(reason);
  });

  it('rejects invalid UTF-8', () => {
    const result = decodeInventoryEvent(Buffer.from([0xff, 0xfe]), NOW);
    expect(result.ok ? null : result.reason).toBe('invalid_utf8');
  });
});

describe('movementsOfSale', () => {
  it('takes units off per SKU for a sale and puts them back for a refund', () => {
    const lines = [
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 1 },
      { sku: 'A', quantity: 3 },
    ].map((l) => ({ ...l, name: 'n', category: 'c', unitPriceCents: 1, discountCents: 0 }));
    const base = { eventId: 'e', occurredAt: 5, storeId: 'S', lines };
    expect(movementsOfSale({ ...base, type: 'sale' }).map((m) => [m.sku, m.qty, m.kind])).toEqual([
      ['A', -5, 'sale'],
      ['B', -1, 'sale'],
    ]);
    expect(movementsOfSale({ ...base, type: 'refund' }).map((m) => [m.sku, m.qty])).toEqual([
      ['A', 5],
      ['B', 1],
    ]);
  });
});

// A small deterministic generator: the same cases on every run.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomEvents(next: () => number, n: number, withSnapshots: boolean): StockMovement[] {
  const kinds: MovementKind[] = withSnapshots
    ? ['snapshot', 'receipt', 'adjustment', 'sale', 'refund']
    : ['receipt', 'adjustment', 'sale', 'refund'];
  return Array.from({ length: n }, (_, i) => {
    const kind = kinds[Math.floor(next() * kinds.length)] as MovementKind;
    const size = 1 + Math.floor(next() * 20);
    const qty =
      kind === 'snapshot'
        ? Math.floor(next() * 100)
        : kind === 'sale'
          ? -size
          : kind === 'adjustment'
            ? next() < 0.7
              ? -size
              : size
            : size;
    // Few distinct instants, so ties between snapshots and movements happen often.
    return {
      eventId: `e${Math.floor(next() * 1000)}-${i}`,
      kind,
      occurredAt: Math.floor(next() * 12) * 1000,
      storeId: 'S',
      sku: 'K',
      qty,
    };
  });
}

function shuffled<T>(items: T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('onHandOf — the on-hand rule', () => {
  it('starts from the latest snapshot and adds only what happened after it', () => {
    const m = (eventId: string, kind: MovementKind, occurredAt: number, qty: number): StockMovement => ({
      eventId,
      kind,
      occurredAt,
      storeId: 'S',
      sku: 'K',
      qty,
    });
    expect(onHandOf([]).onHand).toBe(0);
    expect(onHandOf([m('r', 'receipt', 1, 5), m('s', 'sale', 2, -2)]).onHand).toBe(3);
    const events = [
      m('s1', 'snapshot', 10, 50),
      m('r1', 'receipt', 5, 100), // before the snapshot: inside it
      m('x1', 'sale', 10, -4), // at the snapshot's instant: inside it
      m('x2', 'sale', 11, -4),
      m('f1', 'refund', 12, 1),
      m('a1', 'adjustment', 13, -2),
    ];
    expect(onHandOf(events)).toEqual({ onHand: 45, snapshot: { eventId: 's1', occurredAt: 10, qty: 50 } });
    // An older snapshot arriving later changes nothing; a newer one takes over.
    expect(onHandOf([...events, m('s0', 'snapshot', 9, 7)]).onHand).toBe(45);
    expect(onHandOf([...events, m('s2', 'snapshot', 12, 20)]).onHand).toBe(18);
    // Same instant: the greater event id wins.
    expect(onHandOf([...events, m('s0', 'snapshot', 10, 7)]).onHand).toBe(45);
    expect(onHandOf([...events, m('s9', 'snapshot', 10, 7)]).onHand).toBe(2);
  });

  it('matches the timeline reading under any arrival order', () => {
    const next = rng(13);
    for (let round = 0; round < 300; round++) {
      const events = randomEvents(next, 1 + Math.floor(next() * 40), round % 5 !== 0);
      const expected = timelineOnHand(events);
      for (let k = 0; k < 5; k++) expect(onHandOf(shuffled(events, next)).onHand).toBe(expected);
    }
  });
});
