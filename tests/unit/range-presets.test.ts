import { describe, expect, it } from 'vitest';
import {
  activeComparison,
  activePreset,
  COMPARISON_OPTIONS,
  customRangeEnds,
  fits,
  formatRangeEnd,
  fromLocalInput,
  PRESETS,
  parseCustomRange,
  RANGE_LABELS,
  RANGE_TITLES,
  spanMinutes,
  toLocalInput,
  viewZone,
  withCustomRange,
  withPreset,
} from '@/components/filters/range-presets';
import { MAX_BUCKETS } from '@/lib/domain/time-buckets';
import { MAX_RANGE_MINUTES } from '@/lib/web/overview-params';

const at = (iso: string) => Date.parse(iso);

describe('presets', () => {
  it('shows every preset once, in order, each with a label and a title', () => {
    expect(PRESETS).toEqual(['15m', '1h', '4h', '24h', 'today', 'yesterday', '7d', '30d']);
    for (const p of PRESETS) {
      expect(RANGE_LABELS[p]).toBeTruthy();
      expect(RANGE_TITLES[p]).toBeTruthy();
    }
  });

  it('knows the active preset: the default without a range, none for an explicit or unknown range', () => {
    expect(activePreset({})).toBe('1h');
    expect(activePreset({ range: '7d' })).toBe('7d');
    expect(activePreset({ range: '7d', from: '2026-01-01T00:00:00Z' })).toBeNull();
    expect(activePreset({ to: '2026-01-01T00:00:00Z' })).toBeNull();
    expect(activePreset({ range: '2w' })).toBeNull();
  });

  it('knows the calendar presets as presets, not as a custom range', () => {
    expect(activePreset({ range: 'today' })).toBe('today');
    expect(activePreset({ range: 'yesterday', tz: 'Europe/Paris' })).toBe('yesterday');
    expect(activePreset({ range: 'today', to: '2026-01-01T00:00:00Z' })).toBeNull();
  });

  it('knows every preset the bar shows', () => {
    for (const p of PRESETS) expect(activePreset({ range: p })).toBe(p);
  });
});

describe('granularity', () => {
  it('fits while the trend has at most MAX_BUCKETS buckets', () => {
    expect(fits('minute', MAX_BUCKETS)).toBe(true);
    expect(fits('minute', MAX_BUCKETS + 1)).toBe(false);
    expect(fits('hour', 30 * 1440)).toBe(true);
    expect(fits('day', MAX_RANGE_MINUTES)).toBe(true);
  });
});

describe('the view a range gives', () => {
  it('a preset drops from/to, keeps the other filters and a granularity that still fits', () => {
    const query = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', store: ['s1'], granularity: 'hour' };
    expect(withPreset(query, '30d')).toEqual({ store: ['s1'], granularity: 'hour', range: '30d' });
  });

  it('a preset too long for the granularity drops the granularity', () => {
    expect(withPreset({ range: '1h', granularity: 'minute' }, '30d')).toEqual({ range: '30d', granularity: undefined });
    // A calendar day may have 25 hours: still fine by the minute.
    expect(withPreset({ granularity: 'minute' }, 'yesterday')).toEqual({ granularity: 'minute', range: 'yesterday' });
  });

  it('a custom range drops the preset, and a granularity too fine for its span', () => {
    expect(withCustomRange({ range: '1h', channel: ['web'] }, '2026-01-01T00:00:00Z', '2026-01-01T06:00:00Z')).toEqual({
      channel: ['web'],
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-01T06:00:00Z',
    });
    expect(withCustomRange({ granularity: 'minute' }, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual({
      granularity: undefined,
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
    });
  });

  it('measures spans in minutes', () => {
    expect(spanMinutes('2026-01-01T00:00:00Z', '2026-01-01T01:30:00Z')).toBe(90);
  });
});

describe('time zones', () => {
  it('uses the zone of the URL, else the resolved one', () => {
    expect(viewZone({ tz: 'Asia/Tokyo' }, 'UTC')).toBe('Asia/Tokyo');
    expect(viewZone({}, 'Europe/Paris')).toBe('Europe/Paris');
  });

  it('shows an instant as a datetime-local value in the zone', () => {
    expect(toLocalInput(at('2026-01-15T08:05:00Z'), 'UTC')).toBe('2026-01-15T08:05');
    expect(toLocalInput(at('2026-01-15T08:05:00Z'), 'Asia/Kolkata')).toBe('2026-01-15T13:35');
    expect(toLocalInput(at('2026-07-01T03:00:00Z'), 'America/New_York')).toBe('2026-06-30T23:00');
  });

  it('reads a datetime-local value as wall-clock time of the zone, across DST', () => {
    expect(fromLocalInput('2026-01-15T09:00', 'Europe/Paris')).toBe('2026-01-15T08:00:00Z');
    expect(fromLocalInput('2026-07-15T09:00', 'Europe/Paris')).toBe('2026-07-15T07:00:00Z');
    expect(fromLocalInput('2026-03-08T12:00', 'America/New_York')).toBe('2026-03-08T16:00:00Z');
    expect(fromLocalInput('', 'UTC')).toBeNull();
    expect(fromLocalInput('15/01/2026 09:00', 'UTC')).toBeNull();
  });

  it('round-trips a minute-aligned instant', () => {
    for (const tz of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata']) {
      const ms = at('2026-10-25T10:42:00Z');
      expect(fromLocalInput(toLocalInput(ms, tz), tz)).toBe('2026-10-25T10:42:00Z');
    }
  });
});

describe('custom range inputs', () => {
  it('gives UTC instants for a valid range', () => {
    expect(parseCustomRange('2026-01-15T09:00', '2026-01-15T17:30', 'Europe/Paris')).toEqual({
      from: '2026-01-15T08:00:00Z',
      to: '2026-01-15T16:30:00Z',
    });
  });

  it('says what is wrong otherwise', () => {
    expect(parseCustomRange('', '2026-01-15T17:30', 'UTC')).toEqual({ error: 'Enter both start and end.' });
    expect(parseCustomRange('2026-01-15T09:00', '2026-01-15T09:00', 'UTC')).toEqual({
      error: 'The end must be after the start.',
    });
    expect(parseCustomRange('2026-01-01T00:00', '2026-06-01T00:00', 'UTC')).toEqual({ error: 'At most 92 days.' });
  });

  it('fills the ends of an explicit range: no end is now, no start an hour before the end', () => {
    expect(customRangeEnds({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })).toEqual({
      from: at('2026-01-01T00:00:00Z'),
      to: at('2026-01-02T00:00:00Z'),
    });
    expect(customRangeEnds({ to: '2026-01-02T00:00:00Z' })).toEqual({
      from: at('2026-01-01T23:00:00Z'),
      to: at('2026-01-02T00:00:00Z'),
    });
    expect(customRangeEnds({ from: '2026-01-01T00:00:00Z' })).toEqual({ from: at('2026-01-01T00:00:00Z'), to: null });
    expect(customRangeEnds({})).toEqual({ from: null, to: null });
  });

  it('writes an end as now, in the zone of the URL, or as UTC on the server without one', () => {
    const ms = at('2026-01-15T08:05:00Z');
    expect(formatRangeEnd(null, undefined, true)).toBe('now');
    expect(formatRangeEnd(ms, undefined, false)).toBe('2026-01-15T08:05:00.000Z');
    expect(formatRangeEnd(ms, 'Asia/Tokyo', false)).toBe(formatRangeEnd(ms, 'Asia/Tokyo', true));
    expect(formatRangeEnd(ms, 'Asia/Tokyo', false)).toBe('Thu, Jan 15, 17:05');
  });
});

describe('comparisons', () => {
  it('lists the choices by name, the previous period first (the default)', () => {
    expect(COMPARISON_OPTIONS).toEqual([
      { value: 'previous', label: 'Previous period' },
      { value: 'yesterday', label: 'Same time yesterday' },
      { value: 'last_week', label: 'Same time last week' },
    ]);
  });

  it('reads the comparison from the view, the previous period when absent', () => {
    expect(activeComparison({})).toBe('previous');
    expect(activeComparison({ compare: 'last_week' })).toBe('last_week');
    expect(activeComparison({ compare: 'yesterday', range: 'today' })).toBe('yesterday');
  });
});
