import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketLabel,
  bucketStarts,
  chooseGranularity,
  isTimeZone,
  offsetMinutes,
  planCells,
  previousPeriod,
  startOfDay,
} from '../../lib/time-buckets';

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
