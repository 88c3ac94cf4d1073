import { describe, expect, it } from 'vitest';
import {
  DAY_HOURS,
  type DemandSettings,
  daysOfCover,
  demandFigures,
  ewVelocity,
  fitProfile,
  forecastDemand,
  HOUR_MS,
  type HourlySeries,
  lowReason,
  meanVelocity,
  pricingSuggestion,
  resolveRule,
  restockUnits,
  type StockRule,
} from '@/lib/domain/demand';

// Monday 2026-11-30 00:00 UTC.
const MONDAY = Date.UTC(2026, 10, 30);
const settings: DemandSettings = { halfLifeHours: 24, profileMinDays: 7 };
const rule: StockRule = { reorderPoint: 10, targetCoverDays: 14, lowCoverDays: 3, overstockCoverDays: 60 };

function series(units: number[], endMs = MONDAY, historyHours = units.length): HourlySeries {
  return { units, endMs, historyHours };
}

describe('ewVelocity', () => {
  it('is 0 without sales or without known hours', () => {
    expect(ewVelocity(series(new Array(48).fill(0)), 24)).toBe(0);
    expect(ewVelocity(series([5, 5, 5], MONDAY, 0), 24)).toBe(0);
    expect(ewVelocity(series([]), 24)).toBe(0);
  });

  it('equals a constant rate', () => {
    expect(ewVelocity(series(new Array(100).fill(3)), 12)).toBeCloseTo(3, 12);
  });

  it('weighs the latest hour most, halving every half-life', () => {
    // Two hours, half-life 1: weights 0.5 (older) and 1 (latest).
    expect(ewVelocity(series([0, 3]), 1)).toBeCloseTo(3 / 1.5, 12);
    expect(ewVelocity(series([3, 0]), 1)).toBeCloseTo(1.5 / 1.5, 12);
  });

  it('ignores hours before the data started', () => {
    expect(ewVelocity(series([100, 100, 2, 2], MONDAY, 2), 5)).toBeCloseTo(2, 12);
  });

  it('reports net refunds as no demand', () => {
    expect(ewVelocity(series([0, -4]), 24)).toBe(0);
    expect(meanVelocity(series([0, -4]))).toBe(0);
  });
});

describe('forecastDemand', () => {
  it('uses the velocity × 24 with short history', () => {
    const s = series(new Array(3 * DAY_HOURS).fill(2));
    const f = forecastDemand(s, settings);
    expect(f.model).toBe('velocity');
    expect(f.daily).toBeCloseTo(48, 9);
    expect(f.hourly).toHaveLength(24);
  });

  it('uses the profile with enough whole days, and reproduces a steady weekly pattern', () => {
    // 14 days: 1 unit per hour except 09:00–10:00 UTC with 10, and Saturdays doubled.
    const units: number[] = [];
    const start = MONDAY - 14 * DAY_HOURS * HOUR_MS;
    for (let i = 0; i < 14 * DAY_HOURS; i++) {
      const at = new Date(start + i * HOUR_MS);
      const base = at.getUTCHours() === 9 ? 10 : 1;
      units.push(at.getUTCDay() === 6 ? 2 * base : base);
    }
    const f = forecastDemand(series(units), settings, 48);
    expect(f.model).toBe('profile');
    // The 09:00 hour stands out of the others on Monday.
    expect(f.hourly[9]).toBeGreaterThan(5 * (f.hourly[8] ?? 0));
    // The daily forecast sits between a weekday's 33 units and the week's mean (33·6 + 66)/7.
    expect(f.daily).toBeGreaterThan(30);
    expect(f.daily).toBeLessThan((33 * 6 + 66) / 7);
    // Sum of 24 hours equals daily.
    expect(f.hourly.slice(0, 24).reduce((a, b) => a + b, 0)).toBeCloseTo(f.daily, 9);
  });

  it('keeps the hour shares a distribution and the forecast 0 without sales', () => {
    const p = fitProfile(series(new Array(8 * DAY_HOURS).fill(0)), 7);
    expect(p).not.toBeNull();
    expect(p?.hour.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p?.level).toBe(0);
    expect(forecastDemand(series(new Array(8 * DAY_HOURS).fill(0)), settings).daily).toBe(0);
  });

  it('needs whole days of known history, not the series length', () => {
    expect(fitProfile(series(new Array(10 * DAY_HOURS).fill(1), MONDAY, 7 * DAY_HOURS - 1), 7)).toBeNull();
    expect(fitProfile(series(new Array(10 * DAY_HOURS).fill(1), MONDAY, 7 * DAY_HOURS), 7)).not.toBeNull();
  });
});

describe('daysOfCover', () => {
  it('divides on-hand by daily demand', () => {
    expect(daysOfCover(30, 10)).toBe(3);
  });
  it('is null without demand and 0 with nothing (or less) on hand', () => {
    expect(daysOfCover(30, 0)).toBeNull();
    expect(daysOfCover(0, 5)).toBe(0);
    expect(daysOfCover(-7, 5)).toBe(0);
  });
});

describe('rules', () => {
  it('resolves SKU over category over defaults, field by field', () => {
    const r = resolveRule(rule, { reorderPoint: 20, targetCoverDays: 7 }, { reorderPoint: 5, targetCoverDays: null });
    expect(r).toEqual({ reorderPoint: 5, targetCoverDays: 7, lowCoverDays: 3, overstockCoverDays: 60 });
    expect(resolveRule(rule, null, null)).toEqual(rule);
  });

  it('flags below the reorder point first, then low cover', () => {
    expect(lowReason(9, 100, rule)).toBe('below_reorder_point');
    expect(lowReason(-2, null, rule)).toBe('below_reorder_point');
    expect(lowReason(10, 2.9, rule)).toBe('low_cover');
    expect(lowReason(10, 3, rule)).toBeNull();
    expect(lowReason(10, null, rule)).toBeNull();
    expect(lowReason(0, null, { ...rule, reorderPoint: 0 })).toBeNull();
  });

  it('restocks to the target cover, at least the reorder point, in whole units, never negative', () => {
    expect(restockUnits(20, 2.5, rule)).toBe(15); // 35 − 20
    expect(restockUnits(20, 2.51, rule)).toBe(16); // ceil(35.14 − 20)
    expect(restockUnits(100, 2.5, rule)).toBe(0);
    expect(restockUnits(3, 0, rule)).toBe(7); // no demand: up to the reorder point
    expect(restockUnits(-5, 1, rule)).toBe(14); // negative on-hand counts as an empty shelf
    expect(Number.isInteger(restockUnits(1, 1 / 3, rule))).toBe(true);
  });
});

describe('pricingSuggestion', () => {
  const base = { onHand: 100, cover: 10, velocity: 1, meanVelocity: 1, historyHours: 14 * 24, rule };

  it('marks down overstock with falling velocity, with the figures in the reason', () => {
    const p = pricingSuggestion({ ...base, cover: 90, velocity: 0.5, meanVelocity: 1 });
    expect(p.action).toBe('markdown');
    expect(p.reason).toContain('90 days of cover');
    expect(p.reason).toContain('50 % under');
  });

  it('does not mark down overstock that sells steadily', () => {
    expect(pricingSuggestion({ ...base, cover: 90, velocity: 0.9, meanVelocity: 1 }).action).toBeNull();
  });

  it('marks down stock that never sold in the window', () => {
    const p = pricingSuggestion({ ...base, cover: null, velocity: 0, meanVelocity: 0 });
    expect(p).toEqual({ action: 'markdown', reason: '100 on hand and no net sales in 14 days of history' });
    expect(pricingSuggestion({ ...base, onHand: 0, cover: null, velocity: 0, meanVelocity: 0 }).action).toBeNull();
  });

  it('suggests nothing before a day of history: no sales for a few hours, or a trend over them, is noise', () => {
    expect(
      pricingSuggestion({ ...base, cover: null, velocity: 0, meanVelocity: 0, historyHours: 23 }).action,
    ).toBeNull();
    expect(
      pricingSuggestion({ ...base, cover: 90, velocity: 0.5, meanVelocity: 1, historyHours: 23 }).action,
    ).toBeNull();
    expect(
      pricingSuggestion({ ...base, onHand: 5, cover: 1.2, velocity: 3, meanVelocity: 2, historyHours: 2 }).action,
    ).toBeNull();
    expect(pricingSuggestion({ ...base, cover: null, velocity: 0, meanVelocity: 0, historyHours: 24 }).action).toBe(
      'markdown',
    );
  });

  it('raises fast sellers about to stock out, not ones already out', () => {
    const p = pricingSuggestion({ ...base, onHand: 5, cover: 1.2, velocity: 3, meanVelocity: 2 });
    expect(p.action).toBe('raise');
    expect(p.reason).toContain('50 % over');
    expect(pricingSuggestion({ ...base, onHand: 0, cover: 0, velocity: 3, meanVelocity: 2 }).action).toBeNull();
    expect(pricingSuggestion({ ...base, onHand: 5, cover: 1.2, velocity: 2, meanVelocity: 2 }).action).toBeNull();
  });
});

describe('demandFigures', () => {
  it('puts the pieces together for a row', () => {
    const f = demandFigures(12, series(new Array(48).fill(0.25)), settings, rule);
    expect(f.velocity).toBeCloseTo(0.25, 12);
    expect(f.forecast.daily).toBeCloseTo(6, 9);
    expect(f.cover).toBeCloseTo(2, 9);
    expect(f.lowReason).toBe('low_cover');
    expect(f.restock).toBe(72); // 14 × 6 − 12
    expect(f.pricing.action).toBeNull();
  });

  it('handles no sales and zero on-hand', () => {
    const f = demandFigures(0, series(new Array(48).fill(0)), settings, rule);
    expect(f.cover).toBeNull();
    expect(f.lowReason).toBe('below_reorder_point');
    expect(f.restock).toBe(10);
    expect(f.pricing.action).toBeNull();
  });
});
