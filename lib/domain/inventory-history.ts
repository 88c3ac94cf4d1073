// On-hand over time (the Inventory trend chart, GET /api/v1/inventory/history): the on-hand rule
// of lib/domain/inventory-event.ts applied to every prefix of a store×SKU's ledger. On-hand at
// time T is onHandOf(the events that occurred at or before T), so the history agrees with the
// live figure at its last point and does not depend on the order events arrived in.
import { type StockMovement, snapshotAfter } from './inventory-event';

/**
 * Ledger order for a sweep: by event time; at one instant movements before snapshots (a
 * snapshot at T already includes what happened at T), snapshots by event id (the greatest
 * wins a tie, as in the rule).
 */
export function compareLedger(a: StockMovement, b: StockMovement): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt - b.occurredAt;
  const aSnap = a.kind === 'snapshot' ? 1 : 0;
  const bSnap = b.kind === 'snapshot' ? 1 : 0;
  if (aSnap !== bSnap) return aSnap - bSnap;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * On-hand at each of `ends` (epoch ms, ascending): onHandOf(movements with occurredAt ≤ end).
 * `knownFrom`: the earliest time the ledger is complete from (older rows may have been
 * compacted away); an end before it gives null. `movements` may come in any order.
 */
export function onHandAt(
  movements: readonly StockMovement[],
  ends: readonly number[],
  knownFrom: number = Number.NEGATIVE_INFINITY,
): (number | null)[] {
  const sorted = [...movements].sort(compareLedger);
  const out: (number | null)[] = [];
  let snapshot: StockMovement | null = null;
  let onHand = 0;
  let i = 0;
  for (const end of ends) {
    for (; i < sorted.length && (sorted[i] as StockMovement).occurredAt <= end; i++) {
      const m = sorted[i] as StockMovement;
      if (m.kind === 'snapshot') {
        // The sweep meets snapshots in rule order, so a later one always wins; the check keeps
        // the function equal to the rule even for a caller's duplicate rows.
        if (snapshotAfter(m, snapshot)) {
          snapshot = m;
          onHand = m.qty;
        }
      } else if (snapshot === null || m.occurredAt > snapshot.occurredAt) {
        onHand += m.qty;
      }
    }
    out.push(end < knownFrom ? null : onHand);
  }
  return out;
}

/** Sums per position of several stores' series; null where any store's value is unknown. */
export function sumSeries(series: readonly (readonly (number | null)[])[], length: number): (number | null)[] {
  const total: (number | null)[] = Array.from({ length }, () => 0);
  for (const values of series) {
    for (let k = 0; k < length; k++) {
      const v = values[k];
      const t = total[k];
      total[k] = v === null || v === undefined || t === null || t === undefined ? null : t + v;
    }
  }
  return total;
}
