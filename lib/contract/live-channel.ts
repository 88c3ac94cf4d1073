// Postgres LISTEN/NOTIFY channel from workers to web processes. A worker notifies inside
// its batch transaction, so Postgres delivers the message only if (and right after) the
// batch commits — to every listening web process, however many there are.
export const SALES_UPDATED_CHANNEL = 'pulse_sales_updated';

export interface SalesUpdatedNotice {
  /** First and last touched event-time minute, epoch ms. */
  from: number;
  to: number;
  /** Events newly counted in this commit. */
  accepted: number;
}

/**
 * Which commits a live view depends on: sales (the rollups), inventory (the stock) or alerts
 * (episodes opened, cleared or acted on: ALERTS_UPDATED_CHANNEL of lib/contract/actions.ts).
 */
export type LiveChannel = 'sales' | 'inventory' | 'alerts';

export function parseSalesUpdatedNotice(payload: string | undefined): SalesUpdatedNotice | null {
  try {
    const value = JSON.parse(payload ?? '') as Partial<SalesUpdatedNotice>;
    if (typeof value.from === 'number' && typeof value.to === 'number' && typeof value.accepted === 'number') {
      return value as SalesUpdatedNotice;
    }
  } catch {
    // A malformed notice only costs one refresh: treat it as "something changed".
  }
  return null;
}

/** Inventory worker → web processes: stock rows changed (sent inside the batch transaction too). */
export const INVENTORY_UPDATED_CHANNEL = 'pulse_inventory_updated';

export interface InventoryUpdatedNotice {
  /** Stores whose stock changed (the first 100, sorted). */
  stores: string[];
  /** Store×SKU rows written in this commit. */
  pairs: number;
}

// Socket.IO events between the web process (lib/web/live/hub.ts, views.ts) and the browser
// (components/hooks/useLiveView.ts and its callers). Declared once here so both sides agree.

/**
 * The events of one kind of live view: the client emits `subscribe` with the view's parameters
 * and receives `push` payloads (LivePush), or one `error` ({ param, message }) for a bad subscription.
 */
export interface LiveViewEvents {
  subscribe: string;
  push: string;
  error: string;
}

/** The dashboard overview: `subscribe` → `overview`. */
export const OVERVIEW_EVENTS = {
  subscribe: 'subscribe',
  push: 'overview',
  error: 'overview:error',
} as const satisfies LiveViewEvents;

/** A product page: `product:subscribe` → `product`. */
export const PRODUCT_EVENTS = {
  subscribe: 'product:subscribe',
  push: 'product',
  error: 'product:error',
} as const satisfies LiveViewEvents;

/** On-hand stock (GET /api/v1/inventory's parameters and answer): `inventory:subscribe` → `inventory`. */
export const INVENTORY_EVENTS = {
  subscribe: 'inventory:subscribe',
  push: 'inventory',
  error: 'inventory:error',
} as const satisfies LiveViewEvents;

/** Subscriptions refused by a server limit get this event with a LiveRefusal ({ code, message }). */
export const LIVE_ERROR_EVENT = 'live:error';

/** What the server emits on a view's push event. */
export interface LivePush<T> {
  key: string;
  data: T;
}
