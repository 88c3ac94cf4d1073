// The inventory page's view rules, shared by its server page and its client components (a
// 'use client' module's constants are not values on the server).
//
// Live pushes of the stock table keep the rows where they are: a sale that moves a SKU's on-hand
// past its neighbours' would otherwise re-sort the table under the viewer's pointer. The new
// order applies when the view changes (sort, filter, page) or the page is opened again.
import type { StockRow } from '@/lib/contract/inventory';

/** Rows per page (the API's default is larger). */
export const INVENTORY_PAGE_LIMIT = 50;

export const rowId = (row: Pick<StockRow, 'store_id' | 'sku'>) => `${row.store_id}\u0000${row.sku}`;

/**
 * `next`'s rows in `shown`'s order: rows still on the page stay in place with their new
 * figures, rows that left it go, and rows new to it follow in `next`'s order.
 */
export function stableRows(shown: readonly StockRow[], next: readonly StockRow[]): StockRow[] {
  const byId = new Map(next.map((row) => [rowId(row), row]));
  const kept: StockRow[] = [];
  for (const row of shown) {
    const id = rowId(row);
    const fresh = byId.get(id);
    if (fresh) {
      kept.push(fresh);
      byId.delete(id);
    }
  }
  return [...kept, ...byId.values()];
}

/** Ids of the rows whose on-hand differs between `before` and `after` (rows in both). */
export function changedRows(before: readonly StockRow[], after: readonly StockRow[]): string[] {
  const old = new Map(before.map((row) => [rowId(row), String(row.on_hand)]));
  return after.filter((row) => old.has(rowId(row)) && old.get(rowId(row)) !== String(row.on_hand)).map(rowId);
}

/**
 * Width of the stock bar, 0–1: on-hand on a scale of four times the low-stock level, so the
 * level's mark sits at a quarter and a healthy shelf fills the bar. Not days of cover (that
 * needs a demand forecast): it only says how far a row is from the low-stock level.
 */
export function stockBarFraction(onHand: number, lowStockUnits: number): number {
  const scale = Math.max(1, lowStockUnits * 4);
  return Math.min(1, Math.max(0, onHand / scale));
}
