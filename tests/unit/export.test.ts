import { describe, expect, it } from 'vitest';
import { toCsv } from '../../lib/csv';
import { localIso } from '../../lib/export-tiles';

describe('toCsv', () => {
  it('quotes only what needs quoting and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['plain', 12],
          ['with, comma', 'say "hi"'],
          ['multi\nline', null],
        ],
      ),
    ).toBe('a,b\r\nplain,12\r\n"with, comma","say ""hi"""\r\n"multi\nline",\r\n');
  });
});

describe('localIso', () => {
  it('writes instants in the view time zone with their offset', () => {
    expect(localIso('2026-03-01T10:15:30.000Z', 'America/New_York')).toBe('2026-03-01T05:15:30-05:00');
    expect(localIso('2026-07-01T10:15:00.000Z', 'America/New_York')).toBe('2026-07-01T06:15:00-04:00');
    expect(localIso('2026-01-01T00:00:00.000Z', 'Asia/Kolkata')).toBe('2026-01-01T05:30:00+05:30');
    expect(localIso('2026-01-01T00:00:00.000Z', 'UTC')).toBe('2026-01-01T00:00:00+00:00');
  });
});
