import { describe, expect, it } from 'vitest';
import { ParamError, parseOverviewQuery, toOverviewQuery, viewKey } from '../../lib/overview-params';

const NOW = Date.parse('2026-03-01T10:15:42Z');
const parse = (qs: string) => parseOverviewQuery(toOverviewQuery(new URLSearchParams(qs)), NOW);

function paramError(qs: string): ParamError {
  try {
    parse(qs);
  } catch (err) {
    if (err instanceof ParamError) return err;
    throw err;
  }
  throw new Error('expected a ParamError');
}

describe('parseOverviewQuery', () => {
  it('defaults to the last 60 minutes including the current minute', () => {
    const f = parse('');
    expect(f.to.toISOString()).toBe('2026-03-01T10:16:00.000Z');
    expect(f.from.toISOString()).toBe('2026-03-01T09:16:00.000Z');
  });

  it('slides presets with the clock', () => {
    expect(parse('range=15m').from.toISOString()).toBe('2026-03-01T10:01:00.000Z');
    expect(parse('range=7d').from.toISOString()).toBe('2026-02-22T10:16:00.000Z');
  });

  it('accepts explicit minute-aligned from/to with offsets', () => {
    const f = parse('from=2026-03-01T09:00:00%2B01:00&to=2026-03-01T09:30:00Z');
    expect(f.from.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(f.to.toISOString()).toBe('2026-03-01T09:30:00.000Z');
  });

  it('passes dimension filters through', () => {
    expect(parse('store=NYC-01&region=us-east&channel=app&category=Toys')).toMatchObject({
      store: 'NYC-01',
      region: 'us-east',
      channel: 'app',
      category: 'Toys',
    });
  });

  it.each([
    ['range=2h', 'range', /range must be one of 15m, 1h, 4h, 24h, 7d/],
    ['from=yesterday', 'from', /from must be an RFC 3339 timestamp/],
    ['from=2026-03-01T09:00:30Z&to=2026-03-01T10:00:00Z', 'from', /aligned to a whole minute/],
    ['from=2026-03-01T10:00:00Z&to=2026-03-01T09:00:00Z', 'from', /from must be before to/],
    ['from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'to', /at most 7 days/],
    ['range=1h&from=2026-03-01T09:00:00Z', 'range', /either range or from\/to/],
    ['channel=fax', 'channel', /channel must be one of web, app, store, marketplace/],
    ['store=a&store=b', 'store', /store may be given only once/],
    [`category=${'x'.repeat(129)}`, 'category', /at most 128 characters/],
  ])('%s → 400 naming %s', (qs, param, message) => {
    const err = paramError(qs);
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });

  it('rejects non-string values from socket subscriptions', () => {
    expect(() => toOverviewQuery({ store: 42 })).toThrow(/store must be a string/);
  });
});

describe('viewKey', () => {
  it('is canonical: order and empty values do not matter', () => {
    expect(viewKey({ store: 'A', range: '1h', channel: '' })).toBe(viewKey({ range: '1h', store: 'A' }));
    expect(viewKey({ range: '1h' })).not.toBe(viewKey({ range: '15m' }));
  });
});
