import { describe, expect, it } from 'vitest';
import { isSoleValue, toggleSoleValue, withDimension } from '@/components/filters/filter-values';

const stores = [
  { id: 'PAR-01', region: 'eu' },
  { id: 'BER-01', region: 'eu' },
  { id: 'NYC-01', region: 'us' },
];

describe('click to filter', () => {
  it('narrows the view to the clicked value, keeping the rest of the view', () => {
    const query = { range: '24h', tz: 'Europe/Paris', channel: ['web', 'app'], category: ['Home'] };
    expect(toggleSoleValue(query, 'channel', 'app', stores)).toEqual({ ...query, channel: ['app'] });
  });

  it('removes the filter when the view already shows only that value', () => {
    const query = { range: '1h', channel: ['app'] };
    expect(isSoleValue(query, 'channel', 'app')).toBe(true);
    expect(toggleSoleValue(query, 'channel', 'app', stores)).toEqual({ range: '1h', channel: undefined });
  });

  it('drops chosen stores outside a clicked region, as the filter bar does', () => {
    const query = { store: ['NYC-01', 'PAR-01'] };
    expect(toggleSoleValue(query, 'region', 'eu', stores)).toEqual({ region: ['eu'], store: ['PAR-01'] });
    expect(withDimension({ store: ['NYC-01'] }, 'region', ['eu'], stores)).toEqual({
      region: ['eu'],
      store: undefined,
    });
  });
});
