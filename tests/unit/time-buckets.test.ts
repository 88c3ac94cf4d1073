import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketLabel,
  bucketStarts,
  chooseGranularity,
  comparisonPeriod,
  isTimeZone,
  offsetMinutes,
  planCells,
  previousPeriod,
  shiftLocalDays,
  startOfDay,
} from '@/lib/domain/time-buckets';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('chooseGranularity', () => {
  it('uses minutes up to 3 h, hours up to 3 days, days beyond', () => {
    expect(chooseGranularity(0, 3 * HOUR)).toBe('minute');
    expect(chooseGranularity(0, 3 * HOUR + 60_000)).toBe('hour');
    expect(chooseGranularity(0, 72 * HOUR)).toBe('hour');
    expect(chooseGranularity(0, 72 * HOUR + 60_000)).toBe('day');
  });
});

describe('time zones', () => {
  it('recognises IANA names', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('knows offsets on both sides of a DST change', () => {
    expect(offsetMinutes(at('2026-03-08T06:59:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutes(at('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(-240);
    expect(offsetMinutes(at('2026-06-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
  });

  it('computes local day starts across spring-forward (23 h) and fall-back (25 h) days', () => {
    const spring = startOfDay(at('2026-03-08T15:00:00Z'), 'America/New_York');
    expect(iso(spring)).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(addDays(spring, 1, 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    const fall = startOfDay(at('2026-11-01T15:00:00Z'), 'America/New_York');
    expect(iso(fall)).toBe('2026-11-01T04:00:00.000Z');
    expect(addDays(fall, 1, 'America/New_York') - fall).toBe(25 * HOUR);
  });

  it('starts a day whose midnight is skipped at the first instant after the gap', () => {
    // Chile springs forward at 00:00 → 01:00 (2026-09-06 in America/Santiago).
    const start = startOfDay(at('2026-09-06T15:00:00Z'), 'America/Santiago');
    expect(offsetMinutes(start, 'America/Santiago')).toBe(-180);
    expect(iso(start)).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('bucketStarts', () => {
  it('minute buckets are every minute of the range', () => {
    const starts = bucketStarts(at('2026-01-01T10:00:00Z'), at('2026-01-01T10:05:00Z'), 'minute', 'UTC');
    expect(starts.map(iso)).toEqual([0, 1, 2, 3, 4].map((m) => `2026-01-01T10:0${m}:00.000Z`));
  });

  it('day buckets follow local midnights, including a DST change', () => {
    const tz = 'America/New_York';
    const starts = bucketStarts(at('2026-03-07T05:00:00Z'), at('2026-03-10T04:00:00Z'), 'day', tz);
    expect(starts.map(iso)).toEqual([
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ]);
  });

  it('a range starting mid-day begins with a partial first bucket labelled with its day', () => {
    const tz = 'Europe/Paris';
    const from = at('2026-07-01T10:00:00Z');
    const starts = bucketStarts(from, at('2026-07-03T10:00:00Z'), 'day', tz);
    expect(starts.map(iso)).toEqual([
      '2026-07-01T10:00:00.000Z',
      '2026-07-01T22:00:00.000Z',
      '2026-07-02T22:00:00.000Z',
    ]);
    expect(iso(bucketLabel(from, 'day', tz))).toBe('2026-06-30T22:00:00.000Z');
  });

  it('hour buckets follow the local clock: a repeated hour is two buckets, with half-hour offsets too', () => {
    const fallBack = bucketStarts(at('2026-11-01T04:00:00Z'), at('2026-11-01T08:00:00Z'), 'hour', 'America/New_York');
    expect(fallBack.length).toBe(4); // 00:00, 01:00 (EDT), 01:00 (EST), 02:00 local
    const kolkata = bucketStarts(at('2026-01-01T00:00:00Z'), at('2026-01-01T03:00:00Z'), 'hour', 'Asia/Kolkata');
    expect(kolkata.map(iso)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T01:30:00.000Z',
      '2026-01-01T02:30:00.000Z',
    ]);
  });
});

describe('planCells', () => {
  function assertExactCover(starts: number[], to: number) {
    const cells = planCells(starts, to);
    let cursor = starts[0] as number;
    for (const cell of cells) {
      expect(cell.from).toBe(cursor);
      const size = { m: 60_000, h: HOUR, d: 24 * HOUR }[cell.grain];
      expect(cell.from % size).toBe(0);
      expect(cell.to % size).toBe(0);
      const bucketEnd = starts[cell.bucket + 1] ?? to;
      expect(cell.from).toBeGreaterThanOrEqual(starts[cell.bucket] as number);
      expect(cell.to).toBeLessThanOrEqual(bucketEnd);
      cursor = cell.to;
    }
    expect(cursor).toBe(to);
    return cells;
  }

  it('covers a ragged 30-day range with days, hours and minutes', () => {
    const from = at('2026-01-01T10:17:00Z');
    const to = at('2026-01-31T08:43:00Z');
    const cells = assertExactCover([from], to);
    expect(cells.map((c) => c.grain)).toEqual(['m', 'h', 'd', 'h', 'm']);
    expect(cells[2]).toMatchObject({ from: at('2026-01-02T00:00:00Z'), to: at('2026-01-31T00:00:00Z') });
  });

  it('keeps every cell inside its local-day bucket (Kolkata, DST New York)', () => {
    for (const tz of ['Asia/Kolkata', 'America/New_York', 'Australia/Lord_Howe']) {
      const from = startOfDay(at('2026-03-01T12:00:00Z'), tz);
      const to = addDays(from, 40, tz);
      const starts = bucketStarts(from, to, 'day', tz);
      expect(starts).toHaveLength(40);
      const cells = assertExactCover(starts, to);
      expect(cells.length).toBeLessThan(40 * 5);
    }
  });

  it('uses only minute cells for minute buckets', () => {
    const from = at('2026-01-01T10:00:00Z');
    const starts = bucketStarts(from, from + 15 * 60_000, 'minute', 'UTC');
    expect(new Set(assertExactCover(starts, from + 15 * 60_000).map((c) => c.grain))).toEqual(new Set(['m']));
  });
});

describe('previousPeriod', () => {
  it('is the range of equal length just before', () => {
    expect(previousPeriod(at('2026-01-02T00:00:00Z'), at('2026-01-03T00:00:00Z'))).toEqual({
      from: at('2026-01-01T00:00:00Z'),
      to: at('2026-01-02T00:00:00Z'),
    });
  });
});

describe('comparisonPeriod', () => {
  const NY = 'America/New_York';
  const period = (from: string, to: string, compare: Parameters<typeof comparisonPeriod>[2], tz = NY) => {
    const p = comparisonPeriod(at(from), at(to), compare, tz);
    return { from: iso(p.from), to: iso(p.to) };
  };

  it('is the previous period of equal length by default', () => {
    expect(period('2026-01-02T10:00:00Z', '2026-01-02T11:00:00Z', 'previous')).toEqual({
      from: '2026-01-02T09:00:00.000Z',
      to: '2026-01-02T10:00:00.000Z',
    });
  });

  it('shifts a sliding hour by one and seven local days', () => {
    expect(period('2026-01-14T10:00:00Z', '2026-01-14T11:00:00Z', 'yesterday')).toEqual({
      from: '2026-01-13T10:00:00.000Z',
      to: '2026-01-13T11:00:00.000Z',
    });
    // Wednesday 14 January → Wednesday 7 January.
    expect(period('2026-01-14T10:00:00Z', '2026-01-14T11:00:00Z', 'last_week')).toEqual({
      from: '2026-01-07T10:00:00.000Z',
      to: '2026-01-07T11:00:00.000Z',
    });
  });

  it('compares today so far with yesterday up to the same time of day, across spring forward', () => {
    // Monday 9 March 2026, 14:05 EDT: today is 00:00–14:06 EDT (04:00Z–18:06Z). Yesterday, the
    // day the clocks went forward, began at 00:00 EST (05:00Z) and is 13 h 06 min long up to 14:06 EDT.
    expect(period('2026-03-09T04:00:00Z', '2026-03-09T18:06:00Z', 'yesterday')).toEqual({
      from: '2026-03-08T05:00:00.000Z',
      to: '2026-03-08T18:06:00.000Z',
    });
    // The same weekday last week, still on EST: 00:00–14:06 EST.
    expect(period('2026-03-09T04:00:00Z', '2026-03-09T18:06:00Z', 'last_week')).toEqual({
      from: '2026-03-02T05:00:00.000Z',
      to: '2026-03-02T19:06:00.000Z',
    });
  });

  it('compares the day of a DST change with the day before it on the wall clock', () => {
    // Sunday 8 March 2026 at 10:00 EDT (14:00Z), 9 h since midnight; Saturday up to 10:01 EST is 10 h.
    expect(period('2026-03-08T05:00:00Z', '2026-03-08T14:01:00Z', 'yesterday')).toEqual({
      from: '2026-03-07T05:00:00.000Z',
      to: '2026-03-07T15:01:00.000Z',
    });
    // Monday 2 November 2026, 12:00 EST, after fall back: Sunday up to 12:01 EST was 13 h long.
    expect(period('2026-11-02T05:00:00Z', '2026-11-02T17:01:00Z', 'yesterday')).toEqual({
      from: '2026-11-01T04:00:00.000Z',
      to: '2026-11-01T17:01:00.000Z',
    });
  });

  it('keeps calendar days whole where midnight is skipped (Chile, 6 September 2026)', () => {
    // Sunday began at 01:00 -03 (04:00Z); Saturday at 00:00 -04 (04:00Z), not at 01:00.
    const santiago = 'America/Santiago';
    const sunday = startOfDay(at('2026-09-06T12:00:00Z'), santiago);
    expect(iso(sunday)).toBe('2026-09-06T04:00:00.000Z');
    expect(period(iso(sunday), '2026-09-06T15:00:00Z', 'yesterday', santiago)).toEqual({
      from: '2026-09-05T04:00:00.000Z',
      to: '2026-09-05T16:00:00.000Z',
    });
    // range=yesterday on Monday (Sunday, 23 h) against the day before: all of Saturday.
    expect(period('2026-09-06T04:00:00Z', '2026-09-07T03:00:00Z', 'yesterday', santiago)).toEqual({
      from: '2026-09-05T04:00:00.000Z',
      to: '2026-09-06T04:00:00.000Z',
    });
  });

  it('resolves a wall time the clocks skipped to just after the gap', () => {
    // 02:30 EDT on 9 March did not exist on 8 March: 03:30 EDT.
    expect(iso(shiftLocalDays(at('2026-03-09T06:30:00Z'), -1, NY))).toBe('2026-03-08T07:30:00.000Z');
    // UTC has no gaps: exactly 24 h per day.
    expect(shiftLocalDays(at('2026-03-09T06:30:00Z'), -7, 'UTC')).toBe(at('2026-03-02T06:30:00Z'));
  });
});
