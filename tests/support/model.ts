// An independent model of event contract v1, written from the README ("Event contract v1",
// "Definitions", "Dead letters") without importing the project's decoder, rollup or query code.
// The test oracle (expected.ts) reads every event through it, for the fault and the integration
// tests, and the fuzz test compares the decoder's verdict with it message by message.
//
// Where the README names no limit, the model uses the limits the worker enforces and says so
// (LIMITS); a disagreement there would show up in the fuzz test as a named payload. Text must be
// valid Unicode without U+0000 (README), which PostgreSQL could not store.
import { FUTURE_TOLERANCE_MS, INCLUDE_REFUNDS, REJECT_FUTURE_EVENTS, REPORTING_CURRENCY } from './contract';

export const CHANNELS = ['web', 'app', 'store', 'marketplace'];
export const GENDERS = ['female', 'male', 'nonbinary', 'undisclosed'];
export const LOYALTY_TIERS = ['none', 'silver', 'gold', 'platinum'];

/** Limits the README does not state (ids, region: 1–128 characters are stated). */
export const LIMITS = { name: 256, sku: 128, category: 128, occurredAt: 64, fractionDigits: 9 };

/**
 * The README's sanity bounds ("Sanity bounds"): beyond one, an event is `out_of_range`. The amount
 * is Σ quantity × unit_price_cents of an event (each line's too), before discounts.
 */
export const BOUNDS = { quantity: 1_000_000, unitPriceCents: 10 ** 12, lines: 1000, amountCents: 10 ** 12 };

export interface ModelLine {
  sku: string;
  name: string;
  category: string;
  quantity: number;
  unitPriceCents: number;
  discountCents: number;
}

export interface ModelEvent {
  eventId: string;
  type: 'sale' | 'refund';
  occurredAt: number;
  orderId: string;
  storeId: string;
  channel: string;
  region: string;
  currency: string;
  customer: { id: string | null; age: number | null; gender: string; loyaltyTier: string; firstOrder: boolean };
  lines: ModelLine[];
}

export type Verdict = { ok: true; event: ModelEvent } | { ok: false; reasons: Set<string> };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** RFC 3339 date-time with a mandatory offset; null when it names no real instant. */
export function instantOf(text: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([Zz])|([+-])(\d\d):(\d\d))$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] ?? '';
  if (fraction.length > LIMITS.fractionDigits) return null;
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  let offsetMin = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Milliseconds: the first three fraction digits (finer digits name the same millisecond).
  const ms = Number(`${fraction}000`.slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // unlike Date.UTC, keeps years 0–99 as they are
  date.setUTCHours(h, mi, s, ms);
  return date.getTime() - offsetMin * 60_000;
}

class Problems {
  readonly reasons = new Set<string>();
  add(reason: string): void {
    this.reasons.add(reason);
  }
}

/** Text PostgreSQL can store: well-formed UTF-16 (no lone surrogate) and no U+0000. */
export function storable(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = v.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i += 1;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

function text(obj: Obj, key: string, max: number, p: Problems): string {
  const v = obj[key];
  if (v === undefined) p.add('missing_field');
  else if (typeof v !== 'string' || v.length === 0 || v.length > max || !storable(v)) p.add('invalid_field');
  else return v;
  return '';
}

function oneOf(obj: Obj, key: string, allowed: string[], p: Problems): string {
  const v = obj[key];
  if (v === undefined) p.add('missing_field');
  else if (typeof v !== 'string' || !allowed.includes(v)) p.add('invalid_field');
  else return v;
  return '';
}

/**
 * An integer from `min` to `max`. Not an integer or below `min`: `invalid_field`; above `max`,
 * `beyond` — `out_of_range` for the sanity bounds (2^53 and 1e21 are integers beyond them).
 */
function int(v: unknown, min: number, p: Problems, max = Number.POSITIVE_INFINITY, beyond = 'out_of_range'): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    p.add('invalid_field');
    return 0;
  }
  if (v > max) {
    p.add(beyond);
    return 0;
  }
  return v;
}

function required(v: unknown, min: number, max: number, p: Problems): number {
  if (v !== undefined && v !== null) return int(v, min, p, max);
  // An explicit null is as good as absent, and as bad as a wrong value: either reason fits.
  p.add('missing_field');
  if (v === null) p.add('invalid_field');
  return 0;
}

function line(v: unknown, p: Problems): ModelLine {
  const empty = { sku: '', name: '', category: '', quantity: 0, unitPriceCents: 0, discountCents: 0 };
  if (!isObj(v)) {
    p.add('invalid_field');
    return empty;
  }
  // The line's numbers on their own: a wrong one reads as 0, so the discount is compared with
  // the line's amount only when all three are right.
  const numbers = new Problems();
  const quantity = required(v.quantity, 1, BOUNDS.quantity, numbers);
  const unitPriceCents = required(v.unit_price_cents, 0, BOUNDS.unitPriceCents, numbers);
  // "default 0": an absent discount (or an explicit null) is none. Its bound is the line's amount.
  const discountCents =
    v.discount_cents === undefined || v.discount_cents === null ? 0 : int(v.discount_cents, 0, numbers);
  const gross = quantity * unitPriceCents;
  if (gross > BOUNDS.amountCents) numbers.add('out_of_range');
  else if (numbers.reasons.size === 0 && discountCents > gross) numbers.add('invalid_field');
  for (const reason of numbers.reasons) p.add(reason);
  const category = text(v, 'category', LIMITS.category, p);
  // Reserved (README "Definitions"): `*` is "all categories", a leading U+0001 marks category-set rows.
  if (category === '*' || category.startsWith('\u0001')) p.add('invalid_field');
  return {
    sku: text(v, 'sku', LIMITS.sku, p),
    name: text(v, 'name', LIMITS.name, p),
    category,
    quantity,
    unitPriceCents,
    discountCents,
  };
}

/**
 * What the contract says about one message value. `now` is the processing time for the
 * future-event rule. A rejected message lists every reason that applies (the worker names one).
 */
export function judge(value: Buffer | null, now: number): Verdict {
  const p = new Problems();
  if (value === null || value.length === 0) return { ok: false, reasons: new Set(['empty_message']) };
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    return { ok: false, reasons: new Set(['invalid_utf8']) };
  }
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    return { ok: false, reasons: new Set(['invalid_json']) };
  }
  if (!isObj(root)) return { ok: false, reasons: new Set(['not_an_object']) };

  const eventId = text(root, 'event_id', 128, p);
  const type = root.type;
  if (type === undefined) p.add('missing_field');
  else if (type !== 'sale' && !(INCLUDE_REFUNDS && type === 'refund')) p.add('unknown_type');
  let occurredAt = 0;
  const occurred = text(root, 'occurred_at', LIMITS.occurredAt, p);
  if (occurred) {
    const instant = instantOf(occurred);
    if (instant === null) p.add('invalid_field');
    else occurredAt = instant;
    if (instant !== null && REJECT_FUTURE_EVENTS && instant > now + FUTURE_TOLERANCE_MS) p.add('future_event');
  }
  const currency = text(root, 'currency', 3, p);
  if (currency && !/^[A-Z]{3}$/.test(currency)) p.add('invalid_field');
  else if (currency && currency !== REPORTING_CURRENCY) p.add('currency_mismatch');
  const orderId = text(root, 'order_id', 128, p);
  const storeId = text(root, 'store_id', 128, p);
  const channel = oneOf(root, 'channel', CHANNELS, p);
  const region = text(root, 'region', 128, p);

  const c = root.customer;
  let customer: ModelEvent['customer'] = { id: null, age: null, gender: '', loyaltyTier: '', firstOrder: false };
  if (c === undefined) p.add('missing_field');
  else if (!isObj(c)) p.add('invalid_field');
  else {
    if (c.id === undefined || c.age === undefined || c.first_order === undefined) p.add('missing_field');
    const idOk =
      c.id === null || (typeof c.id === 'string' && c.id.length >= 1 && c.id.length <= 128 && storable(c.id));
    if (c.id !== undefined && !idOk) p.add('invalid_field');
    // The age's bound is in the contract table, not a sanity bound: beyond it is an invalid_field.
    if (c.age !== undefined && c.age !== null) int(c.age, 0, p, 150, 'invalid_field');
    if (c.first_order !== undefined && typeof c.first_order !== 'boolean') p.add('invalid_field');
    customer = {
      id: (c.id as string | null) ?? null,
      age: (c.age as number | null) ?? null,
      gender: oneOf(c, 'gender', GENDERS, p),
      loyaltyTier: oneOf(c, 'loyalty_tier', LOYALTY_TIERS, p),
      firstOrder: c.first_order === true,
    };
  }

  const rawLines = root.lines;
  let lines: ModelLine[] = [];
  if (rawLines === undefined) p.add('missing_field');
  else if (!Array.isArray(rawLines) || rawLines.length === 0) p.add('invalid_field');
  else if (rawLines.length > BOUNDS.lines) p.add('out_of_range');
  else {
    lines = rawLines.map((l) => line(l, p));
    const amount = lines.reduce((n, l) => n + l.quantity * l.unitPriceCents, 0);
    if (amount > BOUNDS.amountCents) p.add('out_of_range');
  }

  if (p.reasons.size > 0) return { ok: false, reasons: p.reasons };
  return {
    ok: true,
    event: {
      eventId,
      type: type as 'sale' | 'refund',
      occurredAt,
      orderId,
      storeId,
      channel,
      region: region.toLowerCase(), // regions are counted lower-case
      currency,
      customer,
      lines,
    },
  };
}
