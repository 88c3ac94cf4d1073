import { describe, expect, it } from 'vitest';
import { pinnedView, viewUrl } from '@/components/filters/share-link';

const now = Date.parse('2026-03-01T10:30:25Z');

describe('Copy link with pinned times', () => {
  it('pins a sliding preset to the minute-aligned window it covers now', () => {
    expect(pinnedView({ range: '1h', channel: ['web'], granularity: 'minute' }, 'UTC', now)).toEqual({
      from: '2026-03-01T09:31:00Z',
      to: '2026-03-01T10:31:00Z',
      channel: ['web'],
      granularity: 'minute',
      tz: 'UTC',
    });
  });

  it('pins today and yesterday to the calendar days of the view’s zone', () => {
    // 11:30 in Paris (UTC+1): today began at 23:00 UTC the day before.
    expect(pinnedView({ range: 'today', tz: 'Europe/Paris' }, 'UTC', now)).toEqual({
      from: '2026-02-28T23:00:00Z',
      to: '2026-03-01T10:31:00Z',
      tz: 'Europe/Paris',
    });
    // 19:30 in Tokyo (UTC+9), zone from the answer when the URL has none: yesterday is 28 February there.
    expect(pinnedView({ range: 'yesterday' }, 'Asia/Tokyo', now)).toEqual({
      from: '2026-02-27T15:00:00Z',
      to: '2026-02-28T15:00:00Z',
      tz: 'Asia/Tokyo',
    });
  });

  it('pins the default range (no range in the URL) and leaves an explicit range as it is', () => {
    expect(pinnedView({}, 'UTC', now)).toMatchObject({ from: '2026-03-01T09:31:00Z', to: '2026-03-01T10:31:00Z' });
    const explicit = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', tz: 'America/New_York' };
    expect(pinnedView(explicit, 'UTC', now)).toEqual(explicit);
  });

  it('writes the view as its canonical URL', () => {
    const url = viewUrl(
      'http://pulse.test',
      '/products/SKU%201',
      pinnedView({ range: '15m', store: ['B', 'A'] }, 'UTC', now),
    );
    expect(url).toBe(
      'http://pulse.test/products/SKU%201?from=2026-03-01T10%3A16%3A00Z&to=2026-03-01T10%3A31%3A00Z&store=A&store=B&tz=UTC',
    );
    expect(viewUrl('http://pulse.test', '/', {})).toBe('http://pulse.test/');
  });
});
