// The parts of the event contract and of the API that the contract model (model.ts) and the
// fault tests depend on, in one place.
// Two contract changes are being made on other branches; each is behind one flag here so the
// suite runs on both sides of the merge. Flip a flag when its change lands on main.

/**
 * Refunds (`type: "refund"`): when true they are counted — a refund subtracts its amount and
 * quantity in the bucket of its own occurred_at, orders unchanged, demographics by the refund's
 * customer fields. When false the contract knows only sales, and the same refund messages must be
 * dead-lettered as `unknown_type`.
 */
export const INCLUDE_REFUNDS = true;

/**
 * Events more than 5 minutes in the future: when true they must be dead-lettered as
 * `future_event` and are left out of every figure; when false they are counted like any sale.
 */
export const REJECT_FUTURE_EVENTS = true;
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Field names of the API answers compared by the suite. */
export const API_FIELDS = {
  /** Net revenue (sales − refunds) in totals, top products, demographics and per-category views. */
  revenue: 'revenue_cents',
  orders: 'orders',
  units: 'units',
  aov: 'aov_cents',
  /** Only compared with INCLUDE_REFUNDS: sales before refunds, and refunds, in `totals`. */
  gross: 'gross_cents',
  refunds: 'refund_cents',
} as const;

/** Dead-letter reasons the worker may give (README "Dead letters"). */
export const REJECT_REASONS = [
  'empty_message',
  'invalid_utf8',
  'invalid_json',
  'not_an_object',
  'missing_field',
  'invalid_field',
  'unknown_type',
  'currency_mismatch',
  ...(REJECT_FUTURE_EVENTS ? ['future_event'] : []),
  // Beyond a sanity bound (README "Sanity bounds").
  'out_of_range',
] as const;

export const REPORTING_CURRENCY = 'USD';
