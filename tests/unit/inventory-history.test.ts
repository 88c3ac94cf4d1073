// The history sweep against the on-hand rule itself: on-hand at T = onHandOf(events at or before T).
import { describe, expect, it } from 'vitest';
import { type MovementKind, onHandOf, type StockMovement } from '@/lib/domain/inventory-event';
import { onHandAt, sumSeries } from '@/lib/domain/inventory-history';

function move(eventId: string, kind: MovementKind, occurredAt: number, qty: number): StockMovement {
  return { eventId, kind, occurredAt, storeId: 'S1', sku: 'K1', qty };
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('onHandAt', () => {
  it('steps through receipts, sales and snapshots, a snapshot resetting on-hand', () => {
    const ledger = [
      move('r1', 'receipt', 10, 5),
      move('s1', 'snapshot', 20, 40),
      move('x1', 'sale', 30, -3),
      move('a1', 'adjustment', 40, -2),
      move('f1', 'refund', 50, 1),
    ];
    expect(onHandAt(ledger, [0, 10, 25, 30, 45, 60])).toEqual([0, 5, 40, 37, 35, 36]);
  });

  it('keeps a movement at the snapshot’s instant inside the snapshot, and the greater id wins a tie', () => {
    const ledger = [move('x1', 'sale', 20, -3), move('s-a', 'snapshot', 20, 10), move('s-b', 'snapshot', 20, 12)];
    expect(onHandAt(ledger, [19, 20])).toEqual([0, 12]);
  });

  it('gives null before the time the ledger is complete from', () => {
    expect(onHandAt([move('s1', 'snapshot', 20, 7)], [10, 20, 30], 20)).toEqual([null, 7, 7]);
  });

  it('equals the on-hand rule over every prefix, in any arrival order (random ledgers)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = random(seed);
      const kinds: MovementKind[] = ['snapshot', 'receipt', 'adjustment', 'sale', 'refund'];
      const ledger = Array.from({ length: 1 + Math.floor(rnd() * 30) }, (_, i) =>
        move(
          `e${Math.floor(rnd() * 1000)}-${i}`,
          kinds[Math.floor(rnd() * kinds.length)] as MovementKind,
          Math.floor(rnd() * 20),
          Math.floor(rnd() * 21) - 10,
        ),
      );
      const ends = Array.from({ length: 22 }, (_, i) => i - 1);
      const expected = ends.map((end) => onHandOf(ledger.filter((m) => m.occurredAt <= end)).onHand);
      expect(onHandAt([...ledger].reverse(), ends), `seed ${seed}`).toEqual(expected);
    }
  });
});

describe('sumSeries', () => {
  it('adds stores per point, unknown when any store is', () => {
    expect(
      sumSeries(
        [
          [1, 2, null],
          [3, 4, 5],
        ],
        3,
      ),
    ).toEqual([4, 6, null]);
    expect(sumSeries([], 2)).toEqual([0, 0]);
  });
});
