'use client';

// The inventory page: on-hand stock per store×SKU of the viewer's scope, live. Filters live in
// the URL (GET /api/v1/inventory's parameters); the live hub pushes the view again after every
// inventory-worker commit and the rows are updated where they stand (inventory-view.ts).
import { usePathname, useRouter } from 'next/navigation';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { AppHeader } from '@/components/common/AppHeader';
import { BUTTON_SECONDARY } from '@/components/common/buttons';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { Pager } from '@/components/common/Pager';
import { PollingNotice } from '@/components/common/PollingNotice';
import { ScrollTable } from '@/components/common/ScrollTable';
import { useLiveInventory } from '@/components/hooks/useLiveInventory';
import { useNow } from '@/components/hooks/useNow';
import type { Inventory, InventoryQuery, InventorySort, StockRow } from '@/lib/contract/inventory';
import { formatAgo, formatDateTime, formatNumber } from '@/lib/domain/format';
import { inventorySearchParams, inventoryViewKey } from '@/lib/web/inventory-params';
import { changedRows, INVENTORY_PAGE_LIMIT, rowId, stableRows } from './inventory-view';
import { StockBar } from './StockBar';
import { StockBreakdown } from './StockBreakdown';
import { Suggestions } from './Suggestions';

/** How long a row updated live stays highlighted. */
const FLASH_MS = 2_500;
const SEARCH_DEBOUNCE_MS = 300;

const SORTS: { value: string; label: string; sort: InventorySort; order: 'asc' | 'desc' }[] = [
  { value: 'on_hand-asc', label: 'On hand, lowest first', sort: 'on_hand', order: 'asc' },
  { value: 'on_hand-desc', label: 'On hand, highest first', sort: 'on_hand', order: 'desc' },
  { value: 'sku-asc', label: 'SKU', sort: 'sku', order: 'asc' },
  { value: 'store-asc', label: 'Store', sort: 'store', order: 'asc' },
  { value: 'updated_at-desc', label: 'Recently changed', sort: 'updated_at', order: 'desc' },
];

const FIELD =
  'h-8 rounded-lg border border-border bg-card px-2.5 text-[13px] text-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring';

export function InventoryPage({
  query: urlQuery,
  initial,
  stores,
}: {
  /** The view as the URL asks for it (stores empty = the whole scope). */
  query: InventoryQuery;
  initial: Inventory;
  /** The stores of the viewer's scope, for the store filter. */
  stores: { id: string; region: string }[];
}) {
  const router = useRouter();
  const pathname = usePathname();
  // The view chosen here applies at once (the live hub answers it); the URL follows.
  const [query, setQuery] = useState(urlQuery);
  const urlKey = inventoryViewKey(urlQuery);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new URL (back, a link) replaces the view; urlKey stands for urlQuery
  useEffect(() => setQuery(urlQuery), [urlKey]);
  const initialView = useMemo(() => ({ key: urlKey, data: initial }), [urlKey, initial]);
  const live = useLiveInventory(query, initialView);
  const { data } = live;

  const choose = (next: Partial<InventoryQuery>, replace = false) => {
    const view = { ...query, offset: 0, ...next };
    setQuery(view);
    const search = inventorySearchParams(view, INVENTORY_PAGE_LIMIT).toString();
    const href = search ? `${pathname}?${search}` : pathname;
    if (replace) router.replace(href, { scroll: false });
    else router.push(href, { scroll: false });
  };

  const [rows, resort] = useStableRows(live.dataKey, data.rows);
  const reordered =
    rows.some((row, i) => rowId(row) !== rowId(data.rows[i] ?? row)) || rows.length !== data.rows.length;
  const flashing = useFlash(live.dataKey, data.rows);
  const [open, setOpen] = useState<string | null>(null);

  const sortValue = `${query.sort}-${query.order}`;
  const filtered = query.q !== null || query.low || query.stores.length > 0;
  const first = data.total === 0 ? 0 : data.offset + 1;
  const last = data.offset + data.rows.length;

  return (
    <div className="min-h-screen">
      <AppHeader>
        <StockFreshness status={live.status} rows={data.rows} />
      </AppHeader>
      <main className="mx-auto flex max-w-[1280px] flex-col gap-4 px-4 pt-5 pb-10 sm:px-6">
        <div className="flex flex-col gap-1">
          <h2 className="text-xl font-semibold tracking-tight">Inventory</h2>
          <p className="text-sm text-muted-foreground">
            Units on hand per store and SKU: the latest count plus every receipt, adjustment, sale and refund after it.
            Low stock is {formatNumber(data.low_stock_units)} units or fewer.
          </p>
        </div>

        <search
          aria-label="Stock filters"
          className="flex flex-wrap items-end gap-x-3 gap-y-2"
          data-testid="inventory-filters"
        >
          <SearchBox value={query.q ?? ''} onSearch={(q) => choose({ q: q === '' ? null : q }, true)} />
          <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-muted-foreground">
            Store
            <select
              data-testid="inventory-store"
              value={query.stores.length === 1 ? query.stores[0] : query.stores.length === 0 ? '' : 'several'}
              onChange={(e) => choose({ stores: e.target.value === '' ? [] : [e.target.value] })}
              className={cx(FIELD, 'max-w-[14rem]')}
            >
              <option value="">All stores{stores.length > 0 ? ` (${stores.length})` : ''}</option>
              {query.stores.length > 1 && (
                <option value="several" disabled>
                  {query.stores.length} stores
                </option>
              )}
              {stores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.id} · {s.region}
                </option>
              ))}
            </select>
          </label>
          <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-muted-foreground">
            Sort
            <select
              data-testid="inventory-sort"
              value={SORTS.some((s) => s.value === sortValue) ? sortValue : ''}
              onChange={(e) => {
                const chosen = SORTS.find((s) => s.value === e.target.value);
                if (chosen) choose({ sort: chosen.sort, order: chosen.order });
              }}
              className={FIELD}
            >
              {!SORTS.some((s) => s.value === sortValue) && <option value="">{`${query.sort} ${query.order}`}</option>}
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label className="flex h-8 items-center gap-2 text-[13px] text-foreground">
            <input
              type="checkbox"
              data-testid="inventory-low"
              checked={query.low}
              onChange={(e) => choose({ low: e.target.checked })}
              className="size-4 accent-foreground"
            />
            Low stock only
          </label>
        </search>

        <PollingNotice status={live.status} polling={live.polling} pollError={live.pollError} />

        <Suggestions rows={data.rows} stores={query.stores} />

        <Card
          title="Stock on hand"
          description={
            data.total === 0
              ? 'No rows'
              : `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(data.total)} store×SKU rows`
          }
          data-testid="inventory"
          data-total={data.total}
          aria-busy={!live.isCurrent || undefined}
          className={cx('transition-opacity duration-200', !live.isCurrent && 'opacity-60')}
          bodyClassName="px-0 sm:px-0"
          action={
            reordered ? (
              <button type="button" data-testid="inventory-resort" onClick={resort} className={BUTTON_SECONDARY}>
                Re-sort
              </button>
            ) : undefined
          }
        >
          {data.rows.length === 0 ? (
            <div className="px-5">
              <EmptyState
                title={filtered ? 'No stock matches these filters' : 'No stock counted yet'}
                hint={
                  filtered
                    ? 'Try another search or store, or show every row.'
                    : 'Rows appear once the inventory worker has applied a count, a receipt or a sale.'
                }
              />
            </div>
          ) : (
            <ScrollTable caption="Stock on hand per store and SKU" tableClassName="w-full text-sm" testId="stock-table">
              <thead>
                <tr className="border-b border-border text-left text-xs text-muted-foreground">
                  <th scope="col" className="py-2 pl-5 font-medium">
                    SKU
                  </th>
                  <th scope="col" className="py-2 pl-3 font-medium">
                    Store
                  </th>
                  <th scope="col" className="py-2 pl-3 text-right font-medium">
                    On hand
                  </th>
                  <th scope="col" className="hidden py-2 pl-4 font-medium sm:table-cell">
                    Against low level
                  </th>
                  <th scope="col" className="hidden py-2 pl-3 text-right font-medium sm:table-cell">
                    <abbr title="Days of cover: on hand ÷ forecast daily demand" className="no-underline">
                      Cover
                    </abbr>
                  </th>
                  <th scope="col" className="hidden py-2 pl-3 font-medium lg:table-cell">
                    Suggestion
                  </th>
                  <th scope="col" className="hidden py-2 pl-3 text-right font-medium md:table-cell">
                    Last count
                  </th>
                  <th scope="col" className="hidden py-2 pr-5 pl-3 text-right font-medium lg:table-cell">
                    Changed
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const id = rowId(row);
                  const expanded = open === id;
                  return (
                    <Fragment key={id}>
                      <StockRowView
                        row={row}
                        lowStockUnits={data.low_stock_units}
                        flash={flashing.has(id)}
                        expanded={expanded}
                        onToggle={() => setOpen(expanded ? null : id)}
                      />
                      {expanded && (
                        <tr className="border-b border-border bg-muted/40">
                          <td colSpan={8} className="px-5 py-3" id={`stores-${id}`}>
                            {/* Size containment: the breakdown (its chart measures its box) takes the
                                table's width and never widens the table past a phone's. */}
                            <div className="[contain:inline-size]">
                              <StockBreakdown
                                sku={row.sku}
                                lowStockUnits={data.low_stock_units}
                                version={live.dataKey + String(row.on_hand) + row.updated_at}
                              />
                            </div>
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </ScrollTable>
          )}
          <Pager
            label="Pages of stock"
            offset={query.offset}
            limit={query.limit}
            total={data.total}
            onOffset={(offset) => choose({ offset })}
            testId="inventory"
            className="px-5"
          />
        </Card>
      </main>
    </div>
  );
}

function StockRowView({
  row,
  lowStockUnits,
  flash,
  expanded,
  onToggle,
}: {
  row: StockRow;
  lowStockUnits: number;
  flash: boolean;
  expanded: boolean;
  onToggle: () => void;
}) {
  const id = rowId(row);
  return (
    <tr
      data-testid="stock-row"
      data-store={row.store_id}
      data-sku={row.sku}
      data-low={row.low}
      data-restock={String(row.restock_units)}
      data-flash={flash || undefined}
      className={cx(
        'border-b border-border align-top transition-colors duration-700 last:border-0',
        flash && 'bg-accent-soft',
      )}
    >
      <td className="w-full max-w-0 py-2 pl-5">
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={expanded ? `stores-${id}` : undefined}
          onClick={onToggle}
          data-testid="stock-expand"
          title={`On hand of ${row.sku} in every store`}
          className="group flex max-w-full items-start gap-1.5 rounded text-left focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 16 16"
            className={cx(
              'mt-0.5 size-3.5 shrink-0 text-muted-foreground transition-transform',
              expanded && 'rotate-90',
            )}
          >
            <path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
          <span className="min-w-0">
            <span className="block font-mono text-[13px] break-all text-foreground group-hover:underline">
              {row.sku}
            </span>
            <span className="block truncate text-xs text-muted-foreground">{row.name ?? 'No sale yet'}</span>
          </span>
        </button>
      </td>
      {/* Store ids can be long and unbroken: they wrap rather than widen the table past a phone. */}
      <td className="py-2 pl-3 text-foreground [overflow-wrap:anywhere]">{row.store_id}</td>
      <td className="py-2 pl-3 text-right whitespace-nowrap">
        <span data-testid="on-hand" data-value={String(row.on_hand)} className="font-medium tabular-nums">
          {formatNumber(row.on_hand)}
        </span>
        {row.low && (
          <span
            data-testid="low-badge"
            className="ml-1.5 rounded border border-danger/30 bg-danger-soft px-1 py-px text-[11px] font-medium text-danger-foreground"
          >
            Low
          </span>
        )}
        {/* The bar's column is hidden on a phone; a slim bar sits under the figure instead. */}
        <StockBar onHand={Number(row.on_hand)} lowStockUnits={lowStockUnits} className="mt-1 ml-auto w-16 sm:hidden" />
      </td>
      <td className="hidden py-2 pl-4 align-middle sm:table-cell">
        <StockBar onHand={Number(row.on_hand)} lowStockUnits={lowStockUnits} className="w-full min-w-24" />
      </td>
      <td
        data-testid="days-of-cover"
        data-value={row.days_of_cover === null ? 'null' : String(row.days_of_cover)}
        className="hidden py-2 pl-3 text-right text-xs whitespace-nowrap text-muted-foreground sm:table-cell"
        title={`Forecast ${formatNumber(Math.round(Number(row.forecast_daily_units) * 10) / 10)} units a day (${row.forecast_model} model)`}
      >
        {row.days_of_cover === null ? 'no demand' : `${formatCover(Number(row.days_of_cover))} d`}
        {row.low_reason === 'low_cover' && <span className="sr-only"> (low cover)</span>}
      </td>
      <td className="hidden py-2 pl-3 text-xs text-muted-foreground lg:table-cell">
        <Suggestion row={row} />
      </td>
      <td className="hidden py-2 pl-3 text-right text-xs whitespace-nowrap text-muted-foreground md:table-cell">
        {row.snapshot_at === null || row.snapshot_qty === null ? (
          'none'
        ) : (
          <span title={formatDateTime(row.snapshot_at)}>{formatNumber(row.snapshot_qty)}</span>
        )}
      </td>
      <td className="hidden py-2 pr-5 pl-3 text-right text-xs whitespace-nowrap text-muted-foreground lg:table-cell">
        <Ago at={row.updated_at} />
      </td>
    </tr>
  );
}

/** Days of cover with one decimal below 10 days, whole days above. */
function formatCover(days: number): string {
  return days < 10 ? days.toFixed(1) : formatNumber(Math.round(days));
}

/** The row's restock quantity and pricing suggestion; the reasoning is the title. */
function Suggestion({ row }: { row: StockRow }) {
  const restock = Number(row.restock_units);
  const pricing = row.pricing.action;
  if (restock <= 0 && pricing === null) return <span>—</span>;
  return (
    <span className="flex flex-wrap gap-x-2 gap-y-0.5" data-testid="suggestion">
      {restock > 0 && <span data-testid="restock-units">Restock {formatNumber(restock)}</span>}
      {pricing !== null && (
        <span data-testid="pricing" data-action={pricing} title={row.pricing.reason ?? undefined}>
          {pricing === 'markdown' ? 'Markdown' : 'Raise price'}
          <span className="sr-only">: {row.pricing.reason}</span>
        </span>
      )}
    </span>
  );
}

function Ago({ at }: { at: string }) {
  const now = useNow();
  return <time dateTime={at}>{now === null ? '' : formatAgo(now - Date.parse(at))}</time>;
}

/** The search box: filters as the viewer types (debounced), keeping what they typed while the URL catches up. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const typed = useRef(value);
  // A new URL (back, a link) shows its own search.
  useEffect(() => {
    if (value !== typed.current.trim()) setText(value);
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <label className="flex min-w-0 flex-col gap-1 text-xs font-medium text-muted-foreground">
      Search SKU or name
      <input
        type="search"
        data-testid="inventory-search"
        value={text}
        maxLength={200}
        placeholder="e.g. SKU-1001"
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          typed.current = next;
          clearTimeout(timer.current);
          timer.current = setTimeout(() => onSearch(next.trim()), SEARCH_DEBOUNCE_MS);
        }}
        className={cx(FIELD, 'w-56 max-w-full')}
      />
    </label>
  );
}

/**
 * Rows of the same view keep their places across live updates (inventory-view.ts); a new view
 * shows its own order.
 */
function useStableRows(viewKey: string, next: StockRow[]): [StockRow[], () => void] {
  const shown = useRef<{ key: string; rows: StockRow[]; sorted: number }>({ key: viewKey, rows: next, sorted: 0 });
  // "Re-sort": the rows take the order the server gives them.
  const [sorted, setSorted] = useState(0);
  const rows = useMemo(() => {
    const keep = shown.current.key === viewKey && shown.current.sorted === sorted;
    const rows = keep ? stableRows(shown.current.rows, next) : next;
    shown.current = { key: viewKey, rows, sorted };
    return rows;
  }, [viewKey, next, sorted]);
  return [rows, () => setSorted((n) => n + 1)];
}

/** Rows whose on-hand a live update changed, highlighted for a moment. */
function useFlash(viewKey: string, rows: StockRow[]): Set<string> {
  const before = useRef<{ key: string; rows: StockRow[] }>({ key: viewKey, rows });
  const [flashing, setFlashing] = useState<Set<string>>(() => new Set());
  useEffect(() => {
    const prev = before.current;
    before.current = { key: viewKey, rows };
    if (prev.key !== viewKey) return;
    const changed = changedRows(prev.rows, rows);
    if (changed.length === 0) return;
    setFlashing(new Set(changed));
    const timer = setTimeout(() => setFlashing(new Set()), FLASH_MS);
    return () => clearTimeout(timer);
  }, [viewKey, rows]);
  return flashing;
}

/**
 * The live state of the stock view, like the dashboard's freshness badge: connected or not, and
 * how long ago the newest row shown last changed (stock has no pipeline lag figures yet).
 */
function StockFreshness({ status, rows }: { status: ReturnType<typeof useLiveInventory>['status']; rows: StockRow[] }) {
  const now = useNow();
  const newest = rows.reduce((max, r) => Math.max(max, Date.parse(r.updated_at)), Number.NEGATIVE_INFINITY);
  const state = status === 'live' ? 'live' : status === 'polling' ? 'polling' : 'connecting';
  const tone =
    state === 'live'
      ? 'border-success/25 bg-success-soft text-success-foreground'
      : 'border-warning/40 bg-warning-soft text-warning-foreground';
  const parts = [state];
  if (now !== null && Number.isFinite(newest)) parts.push(`changed ${formatAgo(Math.max(0, now - newest))}`);
  return (
    <div
      data-testid="freshness"
      data-state={state}
      data-connection={status}
      title={
        status === 'live'
          ? 'Receiving live stock updates.'
          : status === 'connecting'
            ? 'Connecting to live updates…'
            : 'Live connection lost: refreshing every 5 s.'
      }
      className={cx(
        'inline-flex h-7 items-center gap-2 rounded-full border px-3 text-xs font-medium whitespace-nowrap tabular-nums',
        tone,
      )}
    >
      <span className={cx('size-2 rounded-full', state === 'live' ? 'bg-success' : 'bg-warning')} />
      <span>{parts.join(' · ')}</span>
    </div>
  );
}
