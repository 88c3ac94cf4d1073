// GET /api/v1/inventory/history: one SKU's on-hand over time per store, from the stock ledger
// (stock_movement) with the on-hand rule applied to every prefix (lib/domain/inventory-history.ts).
// Each store's rows are read from its latest snapshot at or before the first point: older rows
// cannot change any point.
import { Prisma, type PrismaClient } from '@prisma/client';
import { HISTORY_STEPS, type InventoryHistory, type InventoryHistoryQuery } from '@/lib/contract/inventory';
import { db } from '@/lib/db';
import { exactNumber } from '@/lib/domain/exact-number';
import type { MovementKind } from '@/lib/domain/inventory-event';
import { onHandAt, sumSeries } from '@/lib/domain/inventory-history';
import type { Scope } from '@/lib/web/auth/scope';

/** The points of a range: step boundaries (UTC), the last point being now. */
export function historyPoints(range: InventoryHistoryQuery['range'], nowMs: number): number[] {
  const { points, stepMs } = HISTORY_STEPS[range];
  const aligned = Math.floor(nowMs / stepMs) * stepMs;
  return Array.from({ length: points }, (_, i) => (i === points - 1 ? nowMs : aligned - (points - 1 - i) * stepMs));
}

interface PairRow {
  store_id: string;
  has_snapshot: boolean;
  first_snapshot_at: Date | null;
  base_at: Date | null;
}

interface LedgerRow {
  store_id: string;
  kind: string;
  event_id: string;
  occurred_at: Date;
  qty: bigint;
}

export async function getInventoryHistory(
  query: InventoryHistoryQuery,
  scope: Scope,
  prisma: PrismaClient = db(),
  nowMs = Date.now(),
): Promise<InventoryHistory> {
  const at = historyPoints(query.range, nowMs);
  const first = new Date(at[0] as number);
  const now = new Date(nowMs);
  const where: Prisma.Sql[] = [Prisma.sql`st.sku = ${query.sku}`];
  if (query.stores.length > 0) where.push(Prisma.sql`st.store_id = ANY(${query.stores}::text[])`);
  if (scope.region && scope.region.length > 0) {
    where.push(
      Prisma.sql`EXISTS (SELECT 1 FROM store s WHERE s.store_id = st.store_id AND s.region = ANY(${[...scope.region]}::text[]))`,
    );
  }
  if (scope.category && scope.category.length > 0) {
    where.push(Prisma.sql`p.category = ANY(${[...scope.category]}::text[])`);
  }
  const pairs = await prisma.$queryRaw<PairRow[]>`
    SELECT st.store_id, st.snapshot_at IS NOT NULL AS has_snapshot,
      (SELECT min(l.occurred_at) FROM stock_movement l
        WHERE l.store_id = st.store_id AND l.sku = st.sku AND l.kind = 'snapshot') AS first_snapshot_at,
      (SELECT max(l.occurred_at) FROM stock_movement l
        WHERE l.store_id = st.store_id AND l.sku = st.sku AND l.kind = 'snapshot' AND l.occurred_at <= ${first}) AS base_at
    FROM stock st LEFT JOIN product p ON p.sku = st.sku
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY st.store_id`;
  const ledger =
    pairs.length === 0
      ? []
      : await prisma.$queryRaw<LedgerRow[]>`
    SELECT l.store_id, l.kind, l.event_id, l.occurred_at, l.qty
    FROM unnest(${pairs.map((p) => p.store_id)}::text[], ${pairs.map((p) => p.base_at)}::timestamptz[]) AS b(store_id, base_at)
    JOIN stock_movement l ON l.store_id = b.store_id AND l.sku = ${query.sku}
      AND l.occurred_at >= COALESCE(b.base_at, '-infinity'::timestamptz) AND l.occurred_at <= ${now}`;
  const byStore = new Map<string, LedgerRow[]>();
  for (const row of ledger) {
    const rows = byStore.get(row.store_id);
    if (rows) rows.push(row);
    else byStore.set(row.store_id, [row]);
  }
  let knownFrom = Number.NEGATIVE_INFINITY;
  const stores = pairs.map((pair) => {
    // Without any snapshot nothing was ever compacted; with one, rows before the earliest
    // snapshot still in the ledger may be gone (INVENTORY_HISTORY_DAYS).
    const from =
      pair.has_snapshot && pair.first_snapshot_at ? pair.first_snapshot_at.getTime() : Number.NEGATIVE_INFINITY;
    knownFrom = Math.max(knownFrom, from);
    const movements = (byStore.get(pair.store_id) ?? []).map((r) => ({
      eventId: r.event_id,
      kind: r.kind as MovementKind,
      occurredAt: r.occurred_at.getTime(),
      storeId: r.store_id,
      sku: query.sku,
      qty: Number(r.qty),
    }));
    return { store_id: pair.store_id, values: onHandAt(movements, at, from) };
  });
  const exact = (values: (number | null)[]) => values.map((v) => (v === null ? null : exactNumber(v)));
  return {
    sku: query.sku,
    range: query.range,
    step_ms: HISTORY_STEPS[query.range].stepMs,
    at: at.map((t) => new Date(t).toISOString()),
    stores: stores.map((s) => ({ store_id: s.store_id, on_hand: exact(s.values) })),
    total: exact(
      sumSeries(
        stores.map((s) => s.values),
        at.length,
      ),
    ),
    known_from: Number.isFinite(knownFrom) ? new Date(knownFrom).toISOString() : null,
  };
}
