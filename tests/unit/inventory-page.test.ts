import { describe, expect, it } from 'vitest';
import { changedRows, rowId, stableRows, stockBarFraction } from '@/app/inventory/inventory-view';
import type { StockRow } from '@/lib/contract/inventory';
import { inventorySearchParams, inventoryViewKey, parseInventoryQuery } from '@/lib/web/inventory-params';

const row = (store: string, sku: string, onHand: number): StockRow => ({
  store_id: store,
  sku,
  name: null,
  category: null,
  on_hand: onHand,
  low: onHand <= 10,
  snapshot_at: null,
  snapshot_qty: null,
  last_event_at: null,
  updated_at: '2026-12-07T00:00:00.000Z',
  velocity_units_per_hour: 0,
  forecast_daily_units: 0,
  forecast_model: 'velocity',
  days_of_cover: null,
  reorder_point: 10,
  target_cover_days: 14,
  low_reason: onHand < 10 ? 'below_reorder_point' : null,
  restock_units: Math.max(0, 10 - onHand),
  pricing: { action: null, reason: null },
});

describe('stable rows of a live stock table', () => {
  it('keeps shown rows in place with new figures, drops rows that left and appends new ones', () => {
    const shown = [row('A', '1', 3), row('A', '2', 5), row('B', '1', 8)];
    // The push re-sorted by on-hand: A/1 moved below B/1, A/2 left the page, C/9 arrived.
    const next = [row('B', '1', 8), row('C', '9', 9), row('A', '1', 12)];
    expect(stableRows(shown, next).map((r) => [rowId(r), r.on_hand])).toEqual([
      [rowId(row('A', '1', 0)), 12],
      [rowId(row('B', '1', 0)), 8],
      [rowId(row('C', '9', 0)), 9],
    ]);
    expect(changedRows(shown, next)).toEqual([rowId(row('A', '1', 0))]);
  });

  it('tells store and SKU apart in ids', () => {
    expect(rowId(row('A:B', 'C', 0))).not.toBe(rowId(row('A', 'B:C', 0)));
  });

  it('scales the bar to four times the low-stock level', () => {
    expect(stockBarFraction(10, 10)).toBe(0.25);
    expect(stockBarFraction(-4, 10)).toBe(0);
    expect(stockBarFraction(400, 10)).toBe(1);
    expect(stockBarFraction(1, 0)).toBe(1);
  });
});

describe('inventory page URLs', () => {
  it('leave defaults out and parse back to the same query and live key', () => {
    const query = parseInventoryQuery(
      new URLSearchParams('store=NYC-02&store=NYC-01&q=mug&low=true&sort=sku&order=desc&limit=50&offset=100'),
    );
    const search = inventorySearchParams(query, 50);
    expect(search.toString()).toBe('store=NYC-01&store=NYC-02&q=mug&low=true&sort=sku&order=desc&offset=100');
    search.set('limit', '50');
    expect(inventoryViewKey(parseInventoryQuery(search))).toBe(inventoryViewKey(query));
    expect(inventorySearchParams(parseInventoryQuery(new URLSearchParams('limit=50')), 50).toString()).toBe('');
  });
});
