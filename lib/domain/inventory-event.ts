// Event contract v1 of topic retail.inventory.v1 (README "Inventory contract"), and the one rule
// that turns inventory and sales events into on-hand stock. Decoding follows the sales decoder
// (lib/domain/sales-event.ts): hand-written, never throws, a stable reason for every rejection.
import { LONE_SURROGATE, MAX_FUTURE_SKEW_MS, parseTimestamp, type RejectReason, type SaleEvent } from './sales-event';

/**
 * `snapshot`: a count — on-hand is `quantity` as of `occurred_at`. `receipt`: `quantity` units
 * arrived. `adjustment`: a signed correction (negative for shrinkage, damage, theft).
 */
export const INVENTORY_TYPES = ['snapshot', 'receipt', 'adjustment'] as const;
export type InventoryType = (typeof INVENTORY_TYPES)[number];

/** Contract v1 as it travels on the topic (JSON, snake_case); key `store_id:sku`. */
export interface InventoryEventJson {
  event_id: string;
  type: InventoryType;
  occurred_at: string;
  store_id: string;
  sku: string;
  quantity: number;
}

export interface InventoryEvent {
  eventId: string;
  type: InventoryType;
  /** Event time, epoch milliseconds. */
  occurredAt: number;
  storeId: string;
  sku: string;
  quantity: number;
}

/**
 * Sanity bounds (README "Inventory contract"). Beyond one an event is dead-lettered as
 * `out_of_range`. They keep sums exact: a store×SKU's on-hand is summed in PostgreSQL bigint,
 * and a transaction's JavaScript sums (at most 5,000 events of ≤ 10^9) stay far below 2^53.
 */
export const INVENTORY_BOUNDS = {
  /** Units a snapshot may state. */
  snapshot: 1_000_000_000,
  /** Units a receipt or an adjustment may move (adjustments: either sign). */
  movement: 1_000_000,
} as const;

export type InventoryDecodeResult =
  | { ok: true; event: InventoryEvent }
  | { ok: false; reason: RejectReason; detail: string };

const MAX_ID = 128;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const grouped = new Intl.NumberFormat('en-US');

class Rejection extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

type Json = Record<string, unknown>;

function text(obj: Json, name: string, max: number): string {
  const value = obj[name];
  if (value === undefined) throw new Rejection('missing_field', `${name} is required`);
  if (typeof value !== 'string') throw new Rejection('invalid_field', `${name} must be a string`);
  if (value.length === 0 || value.length > max)
    throw new Rejection('invalid_field', `${name} must be 1–${max} characters`);
  // PostgreSQL text cannot hold these (see lib/domain/sales-event.ts).
  if (value.includes('\u0000') || LONE_SURROGATE.test(value)) {
    throw new Rejection('invalid_field', `${name} must be valid Unicode text without NUL characters`);
  }
  return value;
}

function quantityOf(obj: Json, type: InventoryType): number {
  const value = obj.quantity;
  if (value === undefined) throw new Rejection('missing_field', 'quantity is required');
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Rejection('invalid_field', 'quantity must be an integer');
  }
  if (type === 'snapshot') {
    if (value < 0) throw new Rejection('invalid_field', 'quantity of a snapshot must be ≥ 0');
    if (value > INVENTORY_BOUNDS.snapshot) {
      throw new Rejection(
        'out_of_range',
        `quantity of a snapshot must be at most ${grouped.format(INVENTORY_BOUNDS.snapshot)}`,
      );
    }
  } else if (type === 'receipt') {
    if (value < 1) throw new Rejection('invalid_field', 'quantity of a receipt must be ≥ 1');
    if (value > INVENTORY_BOUNDS.movement) {
      throw new Rejection(
        'out_of_range',
        `quantity of a receipt must be at most ${grouped.format(INVENTORY_BOUNDS.movement)}`,
      );
    }
  } else {
    if (value === 0) throw new Rejection('invalid_field', 'quantity of an adjustment must not be 0');
    if (Math.abs(value) > INVENTORY_BOUNDS.movement) {
      throw new Rejection(
        'out_of_range',
        `quantity of an adjustment must be between −${grouped.format(INVENTORY_BOUNDS.movement)} and ${grouped.format(INVENTORY_BOUNDS.movement)}`,
      );
    }
  }
  return value;
}

function decodeObject(obj: Json, nowMs: number): InventoryEvent {
  const eventId = text(obj, 'event_id', MAX_ID);
  const type = obj.type;
  if (type === undefined) throw new Rejection('missing_field', 'type is required');
  if (typeof type !== 'string' || !(INVENTORY_TYPES as readonly string[]).includes(type)) {
    throw new Rejection('unknown_type', `type ${JSON.stringify(type)} is not one of ${INVENTORY_TYPES.join('|')}`);
  }
  const occurredAt = parseTimestamp(text(obj, 'occurred_at', 64));
  if (occurredAt === null)
    throw new Rejection('invalid_field', 'occurred_at must be an RFC 3339 timestamp with offset');
  if (occurredAt > nowMs + MAX_FUTURE_SKEW_MS) {
    const minutes = Math.floor((occurredAt - nowMs) / 60_000);
    throw new Rejection('future_event', `occurred_at is ${minutes} min ahead of the worker's clock (limit 5 min)`);
  }
  return {
    eventId,
    type: type as InventoryType,
    occurredAt,
    storeId: text(obj, 'store_id', MAX_ID),
    sku: text(obj, 'sku', MAX_ID),
    quantity: quantityOf(obj, type as InventoryType),
  };
}

/** Decode one Kafka message value of the inventory topic. Never throws. */
export function decodeInventoryEvent(value: Buffer | Uint8Array | null, nowMs = Date.now()): InventoryDecodeResult {
  if (value === null || value.length === 0)
    return { ok: false, reason: 'empty_message', detail: 'message has no value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(value));
  } catch (error) {
    if (error instanceof TypeError) return { ok: false, reason: 'invalid_utf8', detail: 'value is not valid UTF-8' };
    return { ok: false, reason: 'invalid_json', detail: (error as Error).message.slice(0, 200) };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not_an_object', detail: 'value must be a JSON object' };
  }
  try {
    return { ok: true, event: decodeObject(parsed as Json, nowMs) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, reason: error.reason, detail: error.detail };
    throw error;
  }
}

// ---- The on-hand rule ----

/** What the stock ledger keeps of an event, per store×SKU (kind `sale` and `refund` come from sales). */
export type MovementKind = InventoryType | 'sale' | 'refund';

export interface StockMovement {
  eventId: string;
  kind: MovementKind;
  occurredAt: number;
  storeId: string;
  sku: string;
  /** Snapshot: the on-hand it states. Otherwise the signed change (sales negative, refunds positive). */
  qty: number;
}

export function movementOfInventory(event: InventoryEvent): StockMovement {
  const { eventId, type, occurredAt, storeId, sku, quantity } = event;
  return { eventId, kind: type, occurredAt, storeId, sku, qty: quantity };
}

/**
 * A sale takes its units off its store's stock, a refund puts them back: one movement per SKU of
 * the event (lines of the same SKU summed).
 */
export function movementsOfSale(
  event: Pick<SaleEvent, 'eventId' | 'type' | 'occurredAt' | 'storeId' | 'lines'>,
): StockMovement[] {
  const units = new Map<string, number>();
  for (const line of event.lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.quantity);
  const sign = event.type === 'refund' ? 1 : -1;
  return [...units].map(([sku, n]) => ({
    eventId: event.eventId,
    kind: event.type,
    occurredAt: event.occurredAt,
    storeId: event.storeId,
    sku,
    qty: sign * n,
  }));
}

/** Snapshot order: later event time wins, ties go to the greater event id. */
export function snapshotAfter(
  a: { occurredAt: number; eventId: string },
  b: { occurredAt: number; eventId: string } | null,
): boolean {
  if (b === null) return true;
  return a.occurredAt > b.occurredAt || (a.occurredAt === b.occurredAt && a.eventId > b.eventId);
}

export interface OnHand {
  onHand: number;
  /** The snapshot on-hand starts from (null: none yet, it starts from 0). */
  snapshot: { eventId: string; occurredAt: number; qty: number } | null;
}

/**
 * The on-hand rule (README "Inventory contract"), over the distinct events of one store×SKU.
 * A snapshot states on-hand as of its occurred_at, so movements at or before the latest
 * snapshot are already inside it: on-hand = latest snapshot's quantity (0 without one) + every
 * movement strictly after it. It depends only on the set of events — not on the order they
 * arrive in, nor on redeliveries (once de-duplicated) — so a worker, a restart and a replay all
 * reach the same number. The worker computes the same in SQL (lib/queries/inventory/).
 */
export function onHandOf(movements: readonly StockMovement[]): OnHand {
  let snapshot: OnHand['snapshot'] = null;
  for (const m of movements) {
    if (m.kind === 'snapshot' && snapshotAfter(m, snapshot)) {
      snapshot = { eventId: m.eventId, occurredAt: m.occurredAt, qty: m.qty };
    }
  }
  let onHand = snapshot?.qty ?? 0;
  for (const m of movements) {
    if (m.kind !== 'snapshot' && (snapshot === null || m.occurredAt > snapshot.occurredAt)) onHand += m.qty;
  }
  return { onHand, snapshot };
}
