import { describe, expect, it } from 'vitest';
import { shareEqual } from '@/components/hooks/share-equal';

describe('shareEqual', () => {
  it('keeps the unchanged parts of the previous value and takes the changed ones', () => {
    const prev = { totals: { orders: 1 }, rows: [{ id: 'a' }, { id: 'b' }], tz: 'UTC' };
    const next = { totals: { orders: 2 }, rows: [{ id: 'c' }, { id: 'a' }, { id: 'b' }], tz: 'UTC' };
    const shared = shareEqual(prev, next);
    expect(shared).toEqual(next);
    expect(shared).not.toBe(prev);
    expect(shared.totals).toEqual({ orders: 2 });
    // Parts compare by position: the same rows at new indexes are new objects, equal ones are kept.
    const same = shareEqual(prev, { ...next, rows: [{ id: 'a' }, { id: 'b' }] });
    expect(same.rows).toBe(prev.rows);
  });

  it('gives the previous value itself when nothing changed', () => {
    const prev = { a: [1, 2, { b: null }], c: 'x' };
    expect(shareEqual(prev, JSON.parse(JSON.stringify(prev)))).toBe(prev);
  });

  it('takes a value of another shape as it is', () => {
    expect(shareEqual({ a: 1 }, [1])).toEqual([1]);
    expect(shareEqual([1, 2], [1])).toEqual([1]);
    expect(shareEqual({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 });
  });
});
