// Whole numbers the API answers — amounts in minor units and units — kept exact however large.
// PostgreSQL sums them as bigint; a JSON number (a double) is exact only up to 2^53 − 1
// (Number.MAX_SAFE_INTEGER: 90 trillion dollars in cents, but only about 5.6 billion dollars'
// worth of IDR in its minor units), which a long range over many stores can pass. So up to
// 2^53 − 1 a figure is a JSON number, as always; beyond, its decimal digits as a JSON string —
// never a rounded number (README "Exact totals", lib/web/openapi.ts). Shared by the queries, the CSV
// export and the dashboard's components.

/** An exact whole number: a number when |n| ≤ 2^53 − 1, else its decimal digits (`"-9007199254740993"`). */
export type ExactNumber = number | string;

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A whole number as the API answers it. `value` is a PostgreSQL sum (bigint, or numeric as text),
 * a bigint computed from such sums, or a number that must already be exact: a number beyond
 * 2^53 − 1 has lost digits somewhere and is refused (RangeError) rather than passed on.
 */
export function exactNumber(value: bigint | number | string | null | undefined): ExactNumber {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an exact whole number`);
    return value;
  }
  const n = typeof value === 'bigint' ? value : BigInt(value);
  return n >= -MAX && n <= MAX ? Number(n) : n.toString();
}

/** The exact value for arithmetic (sums, differences, AOV). */
export function toBigInt(value: ExactNumber | bigint | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  return typeof value === 'bigint' ? value : BigInt(value);
}

/** a − b, exact. */
export function subtractExact(a: ExactNumber, b: ExactNumber): ExactNumber {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a - b)) return a - b;
  return exactNumber(toBigInt(a) - toBigInt(b));
}

/** The nearest double, for charts, shares and other ratios (exact up to 2^53 − 1). */
export function approxNumber(value: ExactNumber): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Exact order of two figures (negative, 0, positive), for sorting by size. */
export function compareExact(a: ExactNumber, b: ExactNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const d = toBigInt(a) - toBigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
