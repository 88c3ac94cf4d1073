import { describe, expect, it } from 'vitest';
import { approxNumber, compareExact, exactNumber, subtractExact, toBigInt } from '@/lib/domain/exact-number';
import { formatMoney, formatNumber, formatSigned, setReportingCurrency } from '@/lib/domain/format';
import { averageOrderValueCents } from '@/lib/domain/sales-event';
import { toSlices } from '@/lib/queries/dashboard/get-mix';
import { figures, totalsOf } from '@/lib/queries/dashboard/get-sales-trend';
import { toCsv } from '@/lib/web/export/csv';

const MAX = Number.MAX_SAFE_INTEGER;
const BEYOND = 2n ** 53n + 1n; // 9007199254740993: no double holds it

describe('exactNumber', () => {
  it('is a number up to ±(2^53 − 1) and the decimal digits beyond', () => {
    expect(exactNumber(12n)).toBe(12);
    expect(exactNumber(BigInt(MAX))).toBe(MAX);
    expect(exactNumber(-BigInt(MAX))).toBe(-MAX);
    expect(exactNumber(BigInt(MAX) + 1n)).toBe('9007199254740992');
    expect(exactNumber(-BEYOND)).toBe('-9007199254740993');
    // PostgreSQL numeric arrives as text.
    expect(exactNumber('18014398509481982')).toBe('18014398509481982');
    expect(exactNumber('42')).toBe(42);
    expect(exactNumber(null)).toBe(0);
  });

  it('refuses a number that has already lost digits rather than passing it on', () => {
    expect(() => exactNumber(2 ** 53)).toThrow(RangeError);
    expect(() => exactNumber(1.5)).toThrow(RangeError);
    expect(exactNumber(MAX)).toBe(MAX);
  });

  it('adds, subtracts and compares exactly across the boundary', () => {
    expect(toBigInt('9007199254740993') + toBigInt(1)).toBe(9007199254740994n);
    expect(subtractExact('9007199254740993', 1)).toBe('9007199254740992');
    expect(subtractExact('9007199254740993', '9007199254740992')).toBe(1);
    expect(subtractExact(5, 7)).toBe(-2);
    expect(subtractExact(MAX, -MAX)).toBe('18014398509481982');
    // As doubles both are 9007199254740992: only the exact comparison tells them apart.
    expect(compareExact('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareExact(MAX, '9007199254740992')).toBe(-1);
    expect(compareExact(-3, 2)).toBeLessThan(0);
    expect(approxNumber('9007199254740993')).toBe(2 ** 53);
  });
});

describe('totals beyond 2^53', () => {
  const point = (revenue: bigint, units: bigint) => figures(revenue, 0n, 1n, units);

  it('sums trend points exactly and answers strings only where a figure is beyond 2^53', () => {
    const a = point(BigInt(MAX), BigInt(MAX));
    const b = point(2n, 2n);
    expect(a.revenue_cents).toBe(MAX);
    const totals = totalsOf([a, b]);
    expect(totals).toEqual({
      revenue_cents: '9007199254740993',
      gross_cents: '9007199254740993',
      refund_cents: 0,
      orders: 2,
      units: '9007199254740993',
      // (2^53 + 1) / 2 = 4503599627370496.5, rounded half up.
      aov_cents: 4503599627370497,
    });
    expect(JSON.parse(JSON.stringify(totals)).units).toBe('9007199254740993');
  });

  it('gross = net + refunds and AOV stay exact', () => {
    const t = figures(BEYOND, 10n, 3n, 0n);
    expect(t.gross_cents).toBe('9007199254741003');
    expect(t.aov_cents).toBe(3002399751580331);
    expect(figures(-BEYOND * 4n, 0n, 1n, 0n).aov_cents).toBe('-36028797018963972');
  });

  it('orders slices by their exact revenue', () => {
    const slices = toSlices([
      { key: 'a', revenue: 2n ** 53n, orders: 1n },
      { key: 'b', revenue: BEYOND, orders: 1n },
      { key: 'c', revenue: 5n, orders: 1n },
    ]);
    expect(slices.map((s) => [s.key, s.revenue_cents])).toEqual([
      ['b', '9007199254740993'],
      ['a', '9007199254740992'],
      ['c', 5],
    ]);
  });
});

describe('averageOrderValueCents', () => {
  it.each([
    [1000, 3, 333],
    [1001, 2, 501],
    [5, 2, 3],
    [-5, 2, -2],
    [-7, 2, -3],
    [-1, 3, 0],
    [0, 0, 0],
  ])('%d ÷ %d → %d (as Math.round)', (revenue, orders, aov) => {
    expect(averageOrderValueCents(revenue, orders)).toBe(aov);
    expect(averageOrderValueCents(revenue, orders)).toBe(orders === 0 ? 0 : Math.round(revenue / orders) || 0);
  });
});

describe('display and CSV of exact figures', () => {
  it('formats digits beyond 2^53 without rounding', () => {
    setReportingCurrency('USD');
    expect(formatMoney('9007199254740993')).toBe('$90,071,992,547,409.93');
    expect(formatMoney('-9007199254740905')).toBe('-$90,071,992,547,409.05');
    expect(formatMoney(123456)).toBe('$1,234.56');
    expect(formatNumber('9007199254740993')).toBe('9,007,199,254,740,993');
    expect(formatSigned('-9007199254740993', 'number')).toBe('−9,007,199,254,740,993');
    expect(formatSigned(subtractExact('9007199254740993', 0), 'money')).toBe('+$90,071,992,547,409.93');
    setReportingCurrency('JPY');
    expect(formatMoney('9007199254740993')).toBe('¥9,007,199,254,740,993');
    setReportingCurrency('USD');
  });

  it('writes bigints as CSV numbers, never as text a spreadsheet would take for a formula', () => {
    expect(toCsv(['v'], [[-BEYOND], ['-9007199254740993']])).toBe("v\r\n-9007199254740993\r\n'-9007199254740993\r\n");
  });
});
