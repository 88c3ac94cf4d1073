'use client';

// One SKU's on-hand in every store of the viewer's scope (GET /api/v1/inventory?q=<sku>, then
// the rows of exactly that SKU: q also matches longer SKUs and names). Fetched when opened and
// again whenever the table's live data changes.
import { useEffect, useState } from 'react';
import { fetchJson } from '@/components/hooks/fetch-json';
import { INVENTORY_MAX_LIMIT, type Inventory, type StockRow } from '@/lib/contract/inventory';
import { formatNumber } from '@/lib/domain/format';
import { StockBar } from './StockBar';
import { StockHistory } from './StockHistory';

export function StockBreakdown({
  sku,
  lowStockUnits,
  version,
}: {
  sku: string;
  lowStockUnits: number;
  /** Changes whenever the table's data does: the breakdown is fetched again. */
  version: string;
}) {
  const [state, setState] = useState<{ rows: StockRow[] | null; error: string | null }>({ rows: null, error: null });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` only says when to fetch again
  useEffect(() => {
    const controller = new AbortController();
    const params = new URLSearchParams({ q: sku, sort: 'store', limit: String(INVENTORY_MAX_LIMIT) });
    fetchJson<Inventory>(`/api/v1/inventory?${params}`, controller.signal).then(
      (inventory) => setState({ rows: inventory.rows.filter((r) => r.sku === sku), error: null }),
      (err: unknown) => {
        if (!controller.signal.aborted)
          setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
      },
    );
    return () => controller.abort();
  }, [sku, version]);

  if (state.error !== null && state.rows === null) {
    return (
      <p role="alert" className="text-xs text-danger-foreground">
        Could not load {sku} per store: {state.error}
      </p>
    );
  }
  if (state.rows === null) {
    return (
      <p className="text-xs text-muted-foreground" aria-busy="true">
        Loading {sku} per store…
      </p>
    );
  }
  const total = state.rows.reduce((sum, r) => sum + BigInt(r.on_hand), 0n);
  const low = state.rows.filter((r) => r.low).length;
  return (
    <div data-testid="stock-breakdown" data-sku={sku}>
      <p className="mb-2 text-xs text-muted-foreground">
        {sku} in {formatNumber(state.rows.length)} {state.rows.length === 1 ? 'store' : 'stores'}:{' '}
        <span data-testid="breakdown-total" className="font-medium text-foreground tabular-nums">
          {formatNumber(total.toString())}
        </span>{' '}
        on hand{low > 0 ? `, low in ${formatNumber(low)}` : ''}
      </p>
      <ul className="grid grid-cols-1 gap-x-6 gap-y-1.5 sm:grid-cols-2 lg:grid-cols-3">
        {state.rows.map((r) => (
          <li
            key={r.store_id}
            data-testid="breakdown-row"
            data-store={r.store_id}
            className="grid grid-cols-[minmax(0,1fr)_auto_5rem] items-center gap-2 text-xs"
          >
            <span className="truncate text-foreground">{r.store_id}</span>
            <span className="text-right font-medium tabular-nums" data-testid="breakdown-on-hand">
              {formatNumber(r.on_hand)}
              {r.low && <span className="ml-1 text-danger-foreground">low</span>}
            </span>
            <StockBar onHand={Number(r.on_hand)} lowStockUnits={lowStockUnits} />
          </li>
        ))}
      </ul>
      <StockHistory sku={sku} stores={state.rows.length} version={version} />
    </div>
  );
}
