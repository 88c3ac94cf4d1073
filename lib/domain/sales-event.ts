// Event contract v1 of topic retail.sales.v1 (see README "Event contract"). Decoding is
// hand-written rather than schema-library based: it runs for every message on the hot
// path, and each rejection needs a stable machine-readable reason for the dead-letter topic.

import {
  type AgeBand,
  CHANNELS,
  type Channel,
  type CustomerType,
  canonicalRegion,
  GENDERS,
  type Gender,
  LOYALTY_TIERS,
  type LoyaltyTier,
} from './dimensions';
import { type ExactNumber, exactNumber, toBigInt } from './exact-number';

/** Contract v1 as it travels on the topic (JSON, snake_case). */
export interface SaleEventJson {
  event_id: string;
  type: string;
  occurred_at: string;
  order_id: string;
  store_id: string;
  channel: string;
  region: string;
  currency: string;
  customer: { id: string | null; age: number | null; gender: string; loyalty_tier: string; first_order: boolean };
  lines: {
    sku: string;
    name: string;
    category: string;
    quantity: number;
    unit_price_cents: number;
    discount_cents?: number;
  }[];
}

/**
 * Category of the rollups' whole-order rows. A line in a category of that name was counted into
 * those rows a second time (the order twice, its line's revenue twice), so it is rejected.
 */
export const ALL_CATEGORIES = '*';

/**
 * `sale`: an order placed. `refund`: money returned for lines of an earlier order (same
 * fields; `order_id` names the original sale, `lines` the refunded quantities and amounts).
 */
export const EVENT_TYPES = ['sale', 'refund'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface SaleLine {
  sku: string;
  name: string;
  category: string;
  quantity: number;
  unitPriceCents: number;
  discountCents: number;
}

export interface Customer {
  id: string | null;
  age: number | null;
  gender: Gender;
  loyaltyTier: LoyaltyTier;
  firstOrder: boolean;
}

export interface SaleEvent {
  eventId: string;
  type: EventType;
  /** Event time, epoch milliseconds. */
  occurredAt: number;
  orderId: string;
  storeId: string;
  channel: Channel;
  region: string;
  currency: string;
  customer: Customer;
  lines: SaleLine[];
}

/** Why a message was rejected: the `x-dlq-reason` header value. */
export type RejectReason =
  | 'empty_message'
  | 'invalid_utf8'
  | 'invalid_json'
  | 'not_an_object'
  | 'missing_field'
  | 'invalid_field'
  | 'unknown_type'
  | 'currency_mismatch'
  | 'future_event'
  | 'out_of_range'
  // Not a decoding outcome: a record batch the Kafka client could not read, skipped by an
  // operator (`npm run worker -- skip`, workers/skip.ts).
  | 'undecodable_batch';

/**
 * How far ahead of the worker's clock an event may claim to have happened. Beyond it the
 * producer's clock is wrong, and counting the event would put sales into minutes that have
 * not happened yet; it goes to the dead-letter topic (re-drive it once the clock is fixed).
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Sanity bounds of contract v1 (README "Event contract v1", bounds table). Beyond one, an event
 * is dead-lettered as `out_of_range`: no real shop sells that, so it is a producer's bug, and
 * counting it would wreck every total it falls into (two lines of 2^53−1 units once made the API
 * report units beyond Number.MAX_SAFE_INTEGER). Amounts are minor units of REPORTING_CURRENCY,
 * so the money bounds leave room for currencies with many minor units per dollar (IDR: about
 * USD 600,000 per event).
 *
 * They keep every figure exact: an event's amount and units stay far below 2^53, so the worker's
 * per-transaction sums in JavaScript numbers (at most 5,000 events, workers/sales/consumer.ts
 * MAX_CHUNK) stay below 5 × 10^15 < 2^53, and a PostgreSQL bigint cell (2^63 ≈ 9.2 × 10^18) would
 * need 9 million maximum-amount events in one day. Sums over a view can still pass 2^53; the API
 * answers those as decimal strings (lib/domain/exact-number.ts).
 */
export const BOUNDS = {
  /** Units per line. */
  quantity: 1_000_000,
  /** Price of one unit, minor units (USD: 10 billion dollars). */
  unitPriceCents: 1_000_000_000_000,
  /** Lines per event. */
  lines: 1_000,
  /** Σ quantity × unit_price_cents over an event's lines (before discounts), minor units. */
  eventAmountCents: 1_000_000_000_000,
} as const;

export type DecodeResult = { ok: true; event: SaleEvent } | { ok: false; reason: RejectReason; detail: string };

class Rejection extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const MAX_ID = 128;
const MAX_TEXT = 256;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(obj: Json, name: string, path: string): unknown {
  const value = obj[name];
  if (value === undefined) throw new Rejection('missing_field', `${path} is required`);
  return value;
}

// PostgreSQL text and jsonb cannot hold U+0000 or a lone UTF-16 surrogate (JSON escapes such
// as "\u0000" or "\ud800" decode to them). An event carrying one failed its batch's
// transaction on every retry and stalled the partition for good; such text is invalid here.
/** An unpaired UTF-16 surrogate: text PostgreSQL cannot store (the view parameters refuse it too). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (value: string) => !value.includes('\u0000') && !LONE_SURROGATE.test(value);

function text(obj: Json, name: string, path: string, max = MAX_TEXT): string {
  const value = field(obj, name, path);
  if (typeof value !== 'string') throw new Rejection('invalid_field', `${path} must be a string`);
  if (value.length === 0 || value.length > max) {
    throw new Rejection('invalid_field', `${path} must be 1–${max} characters`);
  }
  if (!storable(value)) {
    throw new Rejection('invalid_field', `${path} must be valid Unicode text without NUL characters`);
  }
  return value;
}

function oneOf<T extends string>(obj: Json, name: string, path: string, allowed: readonly T[]): T {
  const value = field(obj, name, path);
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Rejection('invalid_field', `${path} must be one of ${allowed.join('|')}`);
  }
  return value as T;
}

const grouped = new Intl.NumberFormat('en-US');

/**
 * An integer ≥ `min` (else `invalid_field`) and ≤ `max`, the field's sanity bound (else
 * `out_of_range`, also for integers JavaScript cannot hold exactly, such as 2^53 or 1e21).
 */
function integer(obj: Json, name: string, path: string, min: number, max: number, fallback?: number): number {
  const value = obj[name] ?? fallback;
  if (value === undefined) throw new Rejection('missing_field', `${path} is required`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Rejection('invalid_field', `${path} must be an integer ≥ ${min}`);
  }
  if (value > max) throw new Rejection('out_of_range', `${path} must be at most ${grouped.format(max)}`);
  return value;
}

/** RFC 3339 with an explicit offset; rejects impossible dates that Date.parse would roll over. */
export function parseTimestamp(value: string): number | null {
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, , , oh, om] = m;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  const offsetMin = oh === undefined ? 0 : (value.includes('+', 19) ? 1 : -1) * (Number(oh) * 60 + Number(om));
  if (Math.abs(offsetMin) >= 24 * 60 || Number(om ?? 0) >= 60) return null;
  const local = new Date(ms + offsetMin * 60_000);
  const same =
    local.getUTCFullYear() === Number(y) &&
    local.getUTCMonth() + 1 === Number(mo) &&
    local.getUTCDate() === Number(d) &&
    local.getUTCHours() === Number(h) &&
    local.getUTCMinutes() === Number(mi) &&
    local.getUTCSeconds() === Number(s);
  return same ? ms : null;
}

function decodeCustomer(value: unknown): Customer {
  if (!isObject(value)) {
    throw new Rejection(value === undefined ? 'missing_field' : 'invalid_field', 'customer must be an object');
  }
  const id = field(value, 'id', 'customer.id');
  if (id !== null && (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID || !storable(id))) {
    throw new Rejection('invalid_field', `customer.id must be a 1–${MAX_ID} character string or null`);
  }
  const age = field(value, 'age', 'customer.age');
  if (age !== null && (typeof age !== 'number' || !Number.isInteger(age) || age < 0 || age > 150)) {
    throw new Rejection('invalid_field', 'customer.age must be an integer 0–150 or null');
  }
  const firstOrder = field(value, 'first_order', 'customer.first_order');
  if (typeof firstOrder !== 'boolean') throw new Rejection('invalid_field', 'customer.first_order must be a boolean');
  return {
    id: id as string | null,
    age: age as number | null,
    gender: oneOf(value, 'gender', 'customer.gender', GENDERS),
    loyaltyTier: oneOf(value, 'loyalty_tier', 'customer.loyalty_tier', LOYALTY_TIERS),
    firstOrder,
  };
}

function decodeLine(value: unknown, i: number): SaleLine {
  const path = `lines[${i}]`;
  if (!isObject(value)) throw new Rejection('invalid_field', `${path} must be an object`);
  const quantity = integer(value, 'quantity', `${path}.quantity`, 1, BOUNDS.quantity);
  const unitPriceCents = integer(value, 'unit_price_cents', `${path}.unit_price_cents`, 0, BOUNDS.unitPriceCents);
  // Bounded by the line's amount below, which the event's amount bounds.
  const discountCents = integer(value, 'discount_cents', `${path}.discount_cents`, 0, Number.POSITIVE_INFINITY, 0);
  // Exact: both factors are bounded, so the product is below 10^18 and is compared, not kept,
  // when it is beyond 2^53.
  const gross = quantity * unitPriceCents;
  if (gross > BOUNDS.eventAmountCents) {
    throw new Rejection(
      'out_of_range',
      `${path} quantity × unit_price_cents must be at most ${grouped.format(BOUNDS.eventAmountCents)}`,
    );
  }
  if (discountCents > gross) {
    throw new Rejection('invalid_field', `${path}.discount_cents must not exceed quantity × unit_price_cents`);
  }
  const category = text(value, 'category', `${path}.category`, MAX_ID);
  if (category === ALL_CATEGORIES) {
    throw new Rejection('invalid_field', `${path}.category "${ALL_CATEGORIES}" is reserved (all categories)`);
  }
  // Category-set rows of the rollups start with U+0001 (lib/domain/sales-rollup.ts CATEGORY_SET_PREFIX).
  if (category.startsWith('\u0001')) {
    throw new Rejection('invalid_field', `${path}.category must not start with the control character U+0001`);
  }
  return {
    sku: text(value, 'sku', `${path}.sku`, MAX_ID),
    name: text(value, 'name', `${path}.name`),
    category,
    quantity,
    unitPriceCents,
    discountCents,
  };
}

function decodeObject(obj: Json, currency: string, nowMs: number): SaleEvent {
  const eventId = text(obj, 'event_id', 'event_id', MAX_ID);
  const type = field(obj, 'type', 'type');
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw new Rejection('unknown_type', `type ${JSON.stringify(type)} is not one of ${EVENT_TYPES.join('|')}`);
  }
  const occurredAtText = text(obj, 'occurred_at', 'occurred_at', 64);
  const occurredAt = parseTimestamp(occurredAtText);
  if (occurredAt === null) {
    throw new Rejection('invalid_field', 'occurred_at must be an RFC 3339 timestamp with offset');
  }
  if (occurredAt > nowMs + MAX_FUTURE_SKEW_MS) {
    const minutes = Math.floor((occurredAt - nowMs) / 60_000);
    throw new Rejection('future_event', `occurred_at is ${minutes} min ahead of the worker's clock (limit 5 min)`);
  }
  const eventCurrency = text(obj, 'currency', 'currency', 3);
  if (!/^[A-Z]{3}$/.test(eventCurrency)) throw new Rejection('invalid_field', 'currency must be an ISO 4217 code');
  if (eventCurrency !== currency) {
    throw new Rejection('currency_mismatch', `currency ${eventCurrency} is not the reporting currency ${currency}`);
  }
  const lines = field(obj, 'lines', 'lines');
  if (!Array.isArray(lines) || lines.length === 0)
    throw new Rejection('invalid_field', 'lines must be a non-empty array');
  if (lines.length > BOUNDS.lines) {
    throw new Rejection('out_of_range', `lines must hold at most ${grouped.format(BOUNDS.lines)} lines`);
  }
  const order = {
    orderId: text(obj, 'order_id', 'order_id', MAX_ID),
    storeId: text(obj, 'store_id', 'store_id', MAX_ID),
    channel: oneOf(obj, 'channel', 'channel', CHANNELS),
    // Length checked as sent, then lower-cased (README "Event contract").
    region: canonicalRegion(text(obj, 'region', 'region', MAX_ID)),
  };
  const event: SaleEvent = {
    eventId,
    type: type as EventType,
    occurredAt,
    ...order,
    currency: eventCurrency,
    customer: decodeCustomer(obj.customer),
    lines: lines.map(decodeLine),
  };
  let amount = 0;
  for (const line of event.lines) amount += line.quantity * line.unitPriceCents;
  if (amount > BOUNDS.eventAmountCents) {
    throw new Rejection(
      'out_of_range',
      `the event's amount (Σ quantity × unit_price_cents) must be at most ${grouped.format(BOUNDS.eventAmountCents)}`,
    );
  }
  return event;
}

/**
 * Decode one Kafka message value. Never throws: every failure becomes a reason. `nowMs` is
 * the worker's clock, for the future-event check.
 */
export function decodeSaleEvent(
  value: Buffer | Uint8Array | null,
  reportingCurrency: string,
  nowMs = Date.now(),
): DecodeResult {
  if (value === null || value.length === 0)
    return { ok: false, reason: 'empty_message', detail: 'message has no value' };
  let textValue: string;
  try {
    textValue = utf8.decode(value);
  } catch {
    return { ok: false, reason: 'invalid_utf8', detail: 'value is not valid UTF-8' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textValue);
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: (error as Error).message.slice(0, 200) };
  }
  if (!isObject(parsed)) return { ok: false, reason: 'not_an_object', detail: 'value must be a JSON object' };
  try {
    return { ok: true, event: decodeObject(parsed, reportingCurrency, nowMs) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, reason: error.reason, detail: error.detail };
    throw error;
  }
}

// ---- Definitions shared by the worker, the API and the tests ----

export function lineRevenueCents(line: SaleLine): number {
  return line.quantity * line.unitPriceCents - line.discountCents;
}

export function orderRevenueCents(event: Pick<SaleEvent, 'lines'>): number {
  let total = 0;
  for (const line of event.lines) total += lineRevenueCents(line);
  return total;
}

export function ageBand(age: number | null): AgeBand {
  if (age === null) return 'unknown';
  if (age < 18) return '<18';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65+';
}

export function customerType(customer: Pick<Customer, 'firstOrder'>): CustomerType {
  return customer.firstOrder ? 'new' : 'returning';
}

/** Start of the UTC minute containing `ms`. */
export function minuteBucket(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

/** AOV in whole cents, rounded half up (as Math.round: −2.5 → −2); 0 without orders. Exact for sums of any size. */
export function averageOrderValueCents(revenueCents: ExactNumber | bigint, orders: number | bigint): ExactNumber {
  const count = BigInt(orders);
  if (count === 0n) return 0;
  // floor((2 × revenue + orders) / (2 × orders)); BigInt division truncates, so negatives step down.
  const numerator = 2n * toBigInt(revenueCents) + count;
  const denominator = 2n * count;
  const quotient = numerator / denominator;
  return exactNumber(numerator % denominator < 0n ? quotient - 1n : quotient);
}
