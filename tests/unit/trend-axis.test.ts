import { describe, expect, it } from 'vitest';
import { axisCut, type ChartPoint } from '@/components/charts/trend-buckets';

const point = (i: number, value: number, previous: number | null = null): ChartPoint => ({
  i,
  t: i * 60_000,
  revenue_cents: value,
  orders: 1,
  units: 1,
  aov_cents: value,
  figure: value,
  value,
  previousFigure: previous,
  previous,
  previousT: previous === null ? null : i * 60_000 - 3_600_000,
  settled: value,
  filling: null,
});

describe('axisCut', () => {
  it('leaves an ordinary trend at full scale', () => {
    expect(axisCut([300, 280, 500, 410, 0, 350, 390, 620, 300, 280].map((v, i) => point(i, v)))).toBeNull();
  });

  it('cuts the axis above the ordinary buckets when one sale dwarfs them, and names it', () => {
    const values = [300, 280, 500, 410, 0, 350, 390, 5_000_000, 300, 280, 330, 360];
    const cut = axisCut(values.map((v, i) => point(i, v)));
    expect(cut).toEqual({ ceiling: 500 * 1.15, above: [7], max: 5_000_000 });
  });

  it('counts the previous period: an outlier there is cut too, but only this period is marked', () => {
    const points = [300, 280, 500, 410, 350, 390, 300, 280].map((v, i) => point(i, v, i === 2 ? 9_000_000 : 320));
    expect(axisCut(points)).toEqual({ ceiling: 500 * 1.15, above: [], max: 9_000_000 });
  });

  it('never cuts a short or empty trend', () => {
    expect(axisCut([])).toBeNull();
    expect(axisCut([1, 1_000_000, 2].map((v, i) => point(i, v)))).toBeNull();
  });
});
