import { afterEach, describe, expect, it } from 'vitest';
import {
  comparedWith,
  FIT_STEPS,
  fitTexts,
  formatMoneyFit,
  formatNumberFit,
  formatSigned,
  moneyFitTexts,
  setReportingCurrency,
} from '@/lib/domain/format';

describe('shortening a figure to fit', () => {
  afterEach(() => setReportingCurrency('USD'));

  it('goes from the exact amount through whole units to 3 and 2 significant digits', () => {
    expect(FIT_STEPS.map((step) => formatMoneyFit(3_037_470_278, step))).toEqual([
      '$30,374,702.78',
      '$30,374,703',
      '$30.4M',
      '$30M',
    ]);
  });

  it('keeps the magnitude: a billion reads as a billion, not a cut-off million', () => {
    expect(formatMoneyFit(134_538_812_345, 2)).toBe('$1.35B');
    expect(formatMoneyFit(134_538_812_345, 3)).toBe('$1.3B');
    expect(formatMoneyFit(99_950, 2)).toBe('$1K');
    expect(formatMoneyFit(12_345, 2)).toBe('$123');
  });

  it('is exact beyond 2^53 at the first two steps', () => {
    expect(formatMoneyFit('123456789012345678', 0)).toBe('$1,234,567,890,123,456.78');
    expect(formatMoneyFit('123456789012345678', 1)).toBe('$1,234,567,890,123,457');
    expect(formatMoneyFit('123456789012345678', 2)).toBe('$1230T');
  });

  it('follows the reporting currency (no minor units in yen)', () => {
    setReportingCurrency('JPY');
    expect(FIT_STEPS.map((step) => formatMoneyFit(30_374_702, step))).toEqual([
      '¥30,374,702',
      '¥30,374,702',
      '¥30.4M',
      '¥30M',
    ]);
  });

  it('keeps counts whole until the compact steps', () => {
    expect(FIT_STEPS.map((step) => formatNumberFit(1_234_567, step))).toEqual([
      '1,234,567',
      '1,234,567',
      '1.23M',
      '1.2M',
    ]);
    expect(formatNumberFit(42, 3)).toBe('42');
  });

  it('lists a figure at every step, for FitText to choose from', () => {
    expect(fitTexts(3_037_470_278, 'money')).toEqual(FIT_STEPS.map((step) => formatMoneyFit(3_037_470_278, step)));
    expect(fitTexts(1_234_567, 'number')).toEqual(['1,234,567', '1,234,567', '1.23M', '1.2M']);
  });

  it('shortens amounts in the ticker and the mix tile like the KPI figures: billions never read smaller', () => {
    // $1,345,388,123.45 and a refund of it: the short steps read as billions, not a cut text.
    expect(moneyFitTexts(134_538_812_345)).toEqual(['$1,345,388,123.45', '$1,345,388,123', '$1.35B', '$1.3B']);
    expect(moneyFitTexts(134_538_812_345, { refund: true })).toEqual([
      '−$1,345,388,123.45',
      '−$1,345,388,123',
      '−$1.35B',
      '−$1.3B',
    ]);
    // Beyond 2^53 minor units (an exact string) too.
    expect(moneyFitTexts('123456789012345678').slice(2)).toEqual(['$1230T', '$1200T']);
    const magnitude = (text: string) => {
      const m = /([\d,.]+)([KMBT]?)$/.exec(text);
      const scale = { '': 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12 }[m?.[2] ?? ''] ?? 1;
      return Number((m?.[1] ?? '0').replaceAll(',', '')) * scale;
    };
    for (const text of moneyFitTexts(134_538_812_345)) {
      expect(magnitude(text) / 1_345_388_123.45, text).toBeGreaterThan(0.95);
      expect(magnitude(text) / 1_345_388_123.45, text).toBeLessThan(1.05);
    }
  });

  it('shortens a signed difference the same way', () => {
    expect(formatSigned(-3_037_470_278, 'money')).toBe('−$30,374,702.78');
    expect(formatSigned(-3_037_470_278, 'money', 2)).toBe('−$30.4M');
    expect(formatSigned(1_234_567, 'number', 3)).toBe('+1.2M');
    expect(formatSigned(0, 'number', 2)).toBe('0');
  });
});

describe('naming the comparison', () => {
  it('says what changes are against: the previous span by its length, or the same time earlier', () => {
    const hour = { from: '2026-03-01T09:00:00Z', to: '2026-03-01T10:00:00Z' };
    expect(comparedWith('previous', hour)).toBe('the previous 1 h');
    expect(comparedWith('previous', { from: '2026-03-01T09:45:00Z', to: '2026-03-01T10:00:00Z' })).toBe(
      'the previous 15 min',
    );
    expect(comparedWith('yesterday', hour)).toBe('same time yesterday');
    expect(comparedWith('last_week', hour)).toBe('same time last week');
  });
});
