import { describe, expect, it } from 'vitest';
import {
  ParamError,
  parseOverviewQuery,
  parseTopOptions,
  productViewKey,
  toOverviewQuery,
  viewKey,
  viewSpans,
} from '@/lib/web/overview-params';

const NOW = Date.parse('2026-03-01T10:15:42Z');
const iso = (ms: number) => new Date(ms).toISOString();
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

  it('passes dimension filters through as lists', () => {
    expect(parse('store=NYC-01&region=us-east&channel=app&category=Toys')).toMatchObject({
      store: ['NYC-01'],
      region: ['us-east'],
      channel: ['app'],
      category: ['Toys'],
    });
    const f = parse('');
    expect([f.store, f.region, f.channel, f.category]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('matches regions lower-case, as sales are counted; other values exactly', () => {
    expect(parse('region=EU-West&region=eu-west&store=Ber-01')).toMatchObject({
      region: ['eu-west'],
      store: ['Ber-01'],
    });
  });

  it('takes repeated dimension keys as several values: sorted, de-duplicated, commas kept', () => {
    const f = parse(
      'store=NYC-01&store=BOS-02&store=NYC-01&category=Home&category=Toys%2C+Games&channel=web&channel=app',
    );
    expect(f.store).toEqual(['BOS-02', 'NYC-01']);
    expect(f.category).toEqual(['Home', 'Toys, Games']);
    expect(f.channel).toEqual(['app', 'web']);
    // An empty value means "all", as with a single key.
    expect(parse('store=&store=').store).toBeUndefined();
    expect(parse('store=&store=A').store).toEqual(['A']);
  });

  it('accepts up to 50 values per dimension', () => {
    const qs = (n: number) => Array.from({ length: n }, (_, i) => `store=S${i}`).join('&');
    expect(parse(qs(50)).store).toHaveLength(50);
    const err = paramError(qs(51));
    expect(err.param).toBe('store');
    expect(err.message).toMatch(/store may list at most 50 values/);
  });

  it('takes arrays (or strings) for dimensions in a socket subscription', () => {
    const query = toOverviewQuery({ store: ['B', 'A', 'B'], channel: 'web', category: [], range: '15m' });
    expect(query).toEqual({ store: ['A', 'B'], channel: ['web'], range: '15m' });
    expect(() => toOverviewQuery({ store: ['A', 7] })).toThrow(/store must be a string or an array of strings/);
    expect(() => toOverviewQuery({ range: ['1h'] })).toThrow(/range must be a string/);
  });

  it.each([
    ['range=2h', 'range', /range must be one of 15m, 1h, 4h, 24h, 7d, 30d, today, yesterday/],
    ['from=yesterday', 'from', /from must be an RFC 3339 timestamp/],
    ['from=2026-03-01T09:00:30Z&to=2026-03-01T10:00:00Z', 'from', /aligned to a whole minute/],
    ['from=2026-03-01T10:00:00Z&to=2026-03-01T09:00:00Z', 'from', /from must be before to/],
    ['from=2025-11-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'to', /at most 92 days/],
    ['tz=Mars/Olympus', 'tz', /IANA time zone/],
    ['granularity=week', 'granularity', /granularity must be one of minute, hour, day/],
    ['range=30d&granularity=minute', 'granularity', /more than 10080 buckets/],
    ['range=1h&from=2026-03-01T09:00:00Z', 'range', /either range or from\/to/],
    ['channel=fax', 'channel', /channel must be one of web, app, store, marketplace/],
    ['range=1h&range=4h', 'range', /range may be given only once/],
    ['tz=UTC&tz=Europe/Paris', 'tz', /tz may be given only once/],
    ['channel=web&channel=fax', 'channel', /channel must be one of web, app, store, marketplace/],
    [`category=Home&category=${'x'.repeat(129)}`, 'category', /at most 128 characters/],
    ['store=%00', 'store', /store must not contain control characters/],
    ['region=eu%0A', 'region', /region must not contain control characters/],
    ['category=%01Toys', 'category', /category must not contain control characters/],
    ['channel=web%7F', 'channel', /channel must not contain control characters|channel must be one of/],
    ['from=0001-01-01T00:00Z&to=2026-01-01T00:00Z', 'from', /between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z/],
    ['from=9999-12-31T00:00Z&to=9999-12-31T01:00Z', 'to', /between/],
    ['to=2100-01-01T00:01Z', 'to', /between/],
    ['tz=Europe%2FParis%00', 'tz', /IANA time zone/],
    ['compare=last_month', 'compare', /compare must be one of previous, yesterday, last_week/],
    ['compare=yesterday&compare=last_week', 'compare', /compare may be given only once/],
  ])('%s → 400 naming %s', (qs, param, message) => {
    const err = paramError(qs);
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });

  it('chooses the bucket size from the range, unless overridden', () => {
    expect(parse('range=1h').granularity).toBe('minute');
    expect(parse('range=24h').granularity).toBe('hour');
    expect(parse('range=7d').granularity).toBe('day');
    expect(parse('range=7d&granularity=hour').granularity).toBe('hour');
  });

  it('computes today and yesterday in the view time zone', () => {
    // 10:15Z on 1 March is 05:15 in New York (EST): today began at 05:00Z.
    const today = parse('range=today&tz=America/New_York');
    expect(today.from.toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(today.to.toISOString()).toBe('2026-03-01T10:16:00.000Z');
    // …and 19:15 in Tokyo: yesterday is 28 February there.
    const yesterday = parse('range=yesterday&tz=Asia/Tokyo');
    expect(yesterday.from.toISOString()).toBe('2026-02-27T15:00:00.000Z');
    expect(yesterday.to.toISOString()).toBe('2026-02-28T15:00:00.000Z');
  });

  it('compares with the previous period unless told otherwise, in the view time zone', () => {
    const spans = (qs: string) => viewSpans(parse(qs)).map((s) => [iso(s.from), iso(s.to)]);
    expect(parse('range=today').compare).toBe('previous');
    // Today in New York so far (05:00Z–10:16Z): the 5 h 16 min before, then yesterday and last
    // Sunday up to 05:16 EST.
    expect(spans('range=today&tz=America/New_York')).toEqual([
      ['2026-03-01T05:00:00.000Z', '2026-03-01T10:16:00.000Z'],
      ['2026-02-28T23:44:00.000Z', '2026-03-01T05:00:00.000Z'],
    ]);
    expect(spans('range=today&tz=America/New_York&compare=yesterday')[1]).toEqual([
      '2026-02-28T05:00:00.000Z',
      '2026-02-28T10:16:00.000Z',
    ]);
    expect(spans('range=today&tz=America/New_York&compare=last_week')[1]).toEqual([
      '2026-02-22T05:00:00.000Z',
      '2026-02-22T10:16:00.000Z',
    ]);
  });

  it('rejects lone surrogates (a socket subscription can send them) and canonicalises tz', () => {
    expect(() => parseOverviewQuery(toOverviewQuery({ store: ['A\ud800'] }))).toThrow(/store must be valid Unicode/);
    expect(parse('tz=europe/paris').tz).toBe('Europe/Paris');
  });

  it('rejects non-string values from socket subscriptions', () => {
    expect(() => toOverviewQuery({ store: 42 })).toThrow(/store must be a string/);
    expect(() => toOverviewQuery({ tz: 42 })).toThrow(/tz must be a string/);
  });
});

describe('parseTopOptions', () => {
  it('defaults to the top 10 by revenue and accepts 25/50 by units', () => {
    expect(parseTopOptions({})).toEqual({ limit: 10, sort: 'revenue' });
    expect(parseTopOptions({ top: '50', top_by: 'units' })).toEqual({ limit: 50, sort: 'units' });
  });

  it('names the bad parameter', () => {
    expect(() => parseTopOptions({ top: '7' })).toThrow(/top must be one of 10, 25, 50/);
    expect(() => parseTopOptions({ top_by: 'margin' })).toThrow(/top_by must be revenue or units/);
  });
});

describe('viewKey', () => {
  it('is canonical: order and empty values do not matter', () => {
    expect(viewKey({ store: 'A', range: '1h', channel: '' })).toBe(viewKey({ range: '1h', store: 'A' }));
    expect(viewKey({ range: '1h' })).not.toBe(viewKey({ range: '15m' }));
    // A comparison is a view of its own (a room of its own: other figures).
    expect(viewKey({ range: '1h', compare: 'last_week', top: '25' })).toBe('range=1h&compare=last_week&top=25');
  });

  it('sorts and de-duplicates dimension values, so identical views share a room', () => {
    const a = viewKey({ store: ['NYC-01', 'BOS-02', 'NYC-01'], category: ['Toys', 'Home'], range: '1h' });
    const b = viewKey({ range: '1h', category: ['Home', 'Toys'], store: ['BOS-02', 'NYC-01'] });
    expect(a).toBe(b);
    expect(a).toBe('range=1h&store=BOS-02&store=NYC-01&category=Home&category=Toys');
    expect(viewKey({ store: 'A' })).toBe(viewKey({ store: ['A'] }));
    expect(viewKey({ store: ['A'] })).not.toBe(viewKey({ store: ['A', 'B'] }));
  });

  it('round-trips through the URL: repeated keys, values with commas and spaces', () => {
    const query = toOverviewQuery(new URLSearchParams('category=Toys%2C+Games&category=Home+%26+Kitchen&store=A'));
    const key = viewKey(query);
    expect(toOverviewQuery(new URLSearchParams(key))).toEqual(query);
    expect(query.category).toEqual(['Home & Kitchen', 'Toys, Games']);
  });
});

describe('productViewKey', () => {
  it('keys a product page by SKU and the parameters its figures depend on', () => {
    expect(productViewKey('SKU 1/2', { range: '1h', top: '25', top_by: 'units' })).toBe('sku=SKU%201%2F2&range=1h');
    expect(productViewKey('A', { channel: 'web', range: '1h' })).toBe(
      productViewKey('A', { range: '1h', channel: 'web' }),
    );
    expect(productViewKey('A', { range: '1h' })).not.toBe(productViewKey('B', { range: '1h' }));
    expect(productViewKey('A', {})).toBe('sku=A');
    expect(productViewKey('A', { range: 'today', compare: 'yesterday' })).toBe('sku=A&range=today&compare=yesterday');
  });
});
