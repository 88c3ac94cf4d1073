// The anomaly maths of the actions worker (lib/domain/anomaly.ts): windows, baselines, the
// robust z-score with its floor, and the spike/drop classification with severity.
import { describe, expect, it } from 'vitest';
import {
  anomalyOf,
  chooseBaseline,
  DAY_MS,
  lastClosedWindow,
  MAD_SCALE,
  median,
  medianAbsoluteDeviation,
  RECENT_WINDOWS,
  robustZ,
} from '@/lib/domain/anomaly';

const MIN = 60_000;
const T = Date.UTC(2026, 11, 7, 12, 7, 30); // 12:07:30 UTC

describe('lastClosedWindow', () => {
  it('is the window of the rule length that ended last, aligned to multiples of its length', () => {
    expect(lastClosedWindow(T, 5)).toEqual({ from: Date.UTC(2026, 11, 7, 12, 0), to: Date.UTC(2026, 11, 7, 12, 5) });
    expect(lastClosedWindow(T, 60)).toEqual({ from: Date.UTC(2026, 11, 7, 11), to: Date.UTC(2026, 11, 7, 12) });
  });

  it('moves on exactly at a boundary (the window ending now is closed)', () => {
    const at = Date.UTC(2026, 11, 7, 12, 10);
    expect(lastClosedWindow(at, 5).to).toBe(at);
    expect(lastClosedWindow(at - 1, 5).to).toBe(at - 5 * MIN);
  });
});

describe('chooseBaseline', () => {
  const closed = lastClosedWindow(T, 60);

  it('takes the same window on previous days when enough of them lie after the data start', () => {
    const b = chooseBaseline(closed, 14, closed.from - 5 * DAY_MS, 3);
    expect(b?.kind).toBe('previous_days');
    expect(b?.windows).toHaveLength(5);
    expect(b?.windows[0]).toEqual({ from: closed.from - DAY_MS, to: closed.to - DAY_MS });
  });

  it('caps the days at history_days', () => {
    expect(chooseBaseline(closed, 7, closed.from - 30 * DAY_MS, 3)?.windows).toHaveLength(7);
  });

  it('falls back to the previous windows of the same length when the days are too few', () => {
    const b = chooseBaseline(closed, 14, closed.from - 2 * DAY_MS, 3);
    expect(b?.kind).toBe('recent_windows');
    expect(b?.windows).toHaveLength(RECENT_WINDOWS);
    expect(b?.windows[0]).toEqual({ from: closed.from - 60 * MIN, to: closed.from });
  });

  it('counts only windows wholly after the data start; too few gives no baseline', () => {
    const five = lastClosedWindow(T, 5);
    const b = chooseBaseline(five, 14, five.from - 3 * 5 * MIN, 3);
    expect(b?.kind).toBe('recent_windows');
    expect(b?.windows).toHaveLength(3);
    expect(chooseBaseline(five, 14, five.from - 3 * 5 * MIN + 1, 3)).toBeNull();
    expect(chooseBaseline(five, 14, null, 3)).toBeNull();
  });

  it('skips windows with no sale anywhere (a gap in the data, not a zero)', () => {
    const five = lastClosedWindow(T, 5);
    const down = (w: { from: number }) => w.from >= five.from - 12 * 5 * MIN; // the 12 windows before were an outage
    const b = chooseBaseline(five, 14, five.from - DAY_MS, 3, down);
    expect(b?.kind).toBe('recent_windows');
    expect(b?.windows).toHaveLength(12);
    expect(chooseBaseline(five, 14, five.from - DAY_MS, 3, () => false)).toBeNull();
  });

  it('gives none while the closed window itself began before the data', () => {
    const five = lastClosedWindow(T, 5);
    expect(chooseBaseline(five, 14, five.from + 1, 1)).toBeNull();
  });
});

describe('robust z-score', () => {
  it('median and MAD', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBe(1);
  });

  it('is (x − median) / (1.4826 · MAD) when the MAD is above the floor, whatever the outliers', () => {
    const baseline = [100, 110, 90, 105, 95, 5000];
    const s = robustZ(160, baseline, { share: 0, min: 1 });
    expect(s.expected).toBe(102.5);
    expect(s.spread).toBeCloseTo(MAD_SCALE * 7.5, 10);
    expect(s.z).toBeCloseTo((160 - 102.5) / (MAD_SCALE * 7.5), 10);
  });

  it('floors the spread at a share of the expected value, and at a minimum', () => {
    const flat = [100, 100, 100, 100];
    expect(robustZ(130, flat, { share: 0.2, min: 1 })).toEqual({ observed: 130, expected: 100, spread: 20, z: 1.5 });
    expect(robustZ(3, [0, 0, 0], { share: 0.2, min: 2 })).toEqual({ observed: 3, expected: 0, spread: 2, z: 1.5 });
  });
});

describe('anomalyOf', () => {
  const score = (z: number) => ({ observed: 0, expected: 0, spread: 1, z });

  it('holds at and beyond the threshold either way; spike above, drop below', () => {
    expect(anomalyOf(score(3.49), 3.5, 'warning')).toBeNull();
    expect(anomalyOf(score(-3.49), 3.5, 'warning')).toBeNull();
    expect(anomalyOf(score(3.5), 3.5, 'warning')).toEqual({ direction: 'spike', severity: 'warning' });
    expect(anomalyOf(score(-4), 3.5, 'info')).toEqual({ direction: 'drop', severity: 'info' });
  });

  it('is critical at twice the threshold', () => {
    expect(anomalyOf(score(7), 3.5, 'warning')?.severity).toBe('critical');
    expect(anomalyOf(score(-6.99), 3.5, 'warning')?.severity).toBe('warning');
  });

  it('never holds on NaN', () => {
    expect(anomalyOf(score(Number.NaN), 3.5, 'warning')).toBeNull();
  });
});
