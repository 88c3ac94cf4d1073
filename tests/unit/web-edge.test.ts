// The web edge without a server: URL checks, the pages' 400 decision, security headers, the
// ops-token throttle, CSV formula neutralisation and time-zone canonicalisation.
import { describe, expect, it, vi } from 'vitest';
import { cachedTimeZoneCount, canonicalTimeZone, localTime, MAX_CACHED_TIME_ZONES } from '@/lib/domain/time-buckets';
import { toCsv } from '@/lib/web/export/csv';
import { ParamError } from '@/lib/web/overview-params';
import { checkTarget } from '@/lib/web/request-guard';
import { decodeSegment, givenValues, pageParamError } from '@/lib/web/search-params';
import { NO_FRAMING, securityHeaders } from '@/lib/web/security-headers';

vi.mock('server-only', () => ({}));
const { FailureThrottle, throttleKey } = await import('@/lib/web/auth/throttle');

describe('checkTarget', () => {
  it.each([
    ['/api/v1/products/%FF', 'sku'],
    ['/products/%E0%A4', 'sku'],
    ['/stores/abc%', 'id'],
    ['/_next/static/%C0%AF.js', 'path'],
    ['/?store=%FF', 'store'],
    ['/api/v1/overview?range=1h&category=Toys%2', 'category'],
    ['/api/v1/export?%FF=1', 'query'],
  ])('%s → names %s', (url, param) => {
    expect(checkTarget(url)?.param).toBe(param);
  });

  it('lets well-formed encodings through, whatever they decode to', () => {
    for (const url of [
      '/',
      '/products/A%2FB%201%25',
      '/stores/Z%C3%BCrich%20%231?range=4h',
      '/?store=%00&x',
      '/?a=1+2&b=',
    ]) {
      expect(checkTarget(url)).toBeNull();
    }
  });
});

describe('pages: decodeSegment and pageParamError', () => {
  it('decodes path ids once and checks them', () => {
    expect(decodeSegment('sku', 'A%2FB%201%25')).toBe('A/B 1%');
    expect(decodeSegment('id', 'Z%C3%BCrich%20%231')).toBe('Zürich #1');
    expect(() => decodeSegment('sku', '%00')).toThrow(/sku must not contain control characters/);
    expect(() => decodeSegment('id', '%FF')).toThrow(ParamError);
    expect(() => decodeSegment('sku', 'x'.repeat(129))).toThrow(/1–128 characters/);
  });

  it.each([
    ['/', 'store=%00', 'store'],
    ['/', 'from=0001-01-01T00:00Z&to=0001-01-01T01:00Z', 'to'],
    ['/', 'tz=Nowhere%2FElse', 'tz'],
    ['/products/%00', '', 'sku'],
    ['/products/P-1', 'region=%1B', 'region'],
    ['/stores/%7F', '', 'id'],
    ['/stores/S-1', 'category=%01x', 'category'],
    ['/ops/dead-letters', 'reason=%00', 'reason'],
  ])('%s?%s → 400 naming %s', (path, search, param) => {
    expect(pageParamError(path, new URLSearchParams(search))?.param).toBe(param);
  });

  it('spells out control characters in the values shown with the error', () => {
    expect(givenValues(new URLSearchParams('store=a%00b&store=c%1B'), 'store')).toEqual(['a\\u0000b', 'c\\u001b']);
  });

  it('says nothing for valid views, redirects and other paths', () => {
    expect(pageParamError('/', new URLSearchParams('range=4h&tz=europe/paris'))).toBeNull();
    expect(pageParamError('/stores/A', new URLSearchParams('store=B'))).toBeNull(); // a redirect
    expect(pageParamError('/products/A%2FB%201%25', new URLSearchParams())).toBeNull();
    expect(pageParamError('/nope', new URLSearchParams('store=%00'))).toBeNull();
  });
});

describe('securityHeaders', () => {
  it('forbids framing by default, with the baseline directives', () => {
    const h = securityHeaders(NO_FRAMING);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
    for (const directive of ["frame-ancestors 'none'", "base-uri 'self'", "object-src 'none'", "form-action 'self'"]) {
      expect(h['content-security-policy']).toContain(directive);
    }
    expect(h['content-security-policy']).not.toContain('unsafe-eval');
  });

  it('takes an allow-list of framing origins in one place (and drops X-Frame-Options there)', () => {
    const h = securityHeaders({ frameAncestors: ['https://intranet.example.com'] });
    expect(h['content-security-policy']).toContain('frame-ancestors https://intranet.example.com;');
    expect(h['x-frame-options']).toBeUndefined();
  });
});

describe('FailureThrottle', () => {
  it('refuses after maxFailures in the window, then lets the client try again', () => {
    let now = 0;
    const t = new FailureThrottle(3, 60_000, 100, () => now);
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfterSeconds('a')).toBe(0);
      t.fail('a');
    }
    expect(t.retryAfterSeconds('a')).toBe(60);
    expect(t.retryAfterSeconds('b')).toBe(0);
    expect(t.firstRefusal('a')).toBe(true);
    expect(t.firstRefusal('a')).toBe(false);
    now = 59_001;
    expect(t.retryAfterSeconds('a')).toBe(1);
    now = 60_000;
    expect(t.retryAfterSeconds('a')).toBe(0);
    expect(t.size).toBe(0);
  });

  it('forgets a client on success', () => {
    const t = new FailureThrottle(2, 60_000);
    t.fail('a');
    t.succeed('a');
    t.fail('a');
    expect(t.retryAfterSeconds('a')).toBe(0);
  });

  it('holds at most maxClients, dropping the one touched longest ago', () => {
    const t = new FailureThrottle(1, 60_000, 1000);
    for (let i = 0; i < 5000; i++) t.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(t.size).toBe(1000);
    t.fail('attacker');
    expect(t.retryAfterSeconds('attacker')).toBeGreaterThan(0);
    expect(t.retryAfterSeconds('10.0.0.0')).toBe(0);
  });

  it('keys IPv6 clients by their /64', () => {
    expect(throttleKey('203.0.113.9')).toBe('203.0.113.9');
    expect(throttleKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(throttleKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleKey('::1')).toBe('0:0:0:0::/64');
    expect(throttleKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('toCsv: formula neutralisation', () => {
  it('prefixes text that a spreadsheet would run, keeps numbers numeric', () => {
    const csv = toCsv(
      ['name', 'change'],
      [
        ['=HYPERLINK("http://x","y")', -1250],
        ['@SUM(1+1)', 0],
        ['+1+1', 12.5],
        ['-2+3', -1],
        ['\tTab', null],
        ['\rCR', 3],
        ['Plain - name', -0.25],
      ],
    );
    expect(csv.split('\r\n')).toEqual([
      'name,change',
      `"'=HYPERLINK(""http://x"",""y"")",-1250`,
      "'@SUM(1+1),0",
      "'+1+1,12.5",
      "'-2+3,-1",
      "'\tTab,",
      `"'\rCR",3`,
      'Plain - name,-0.25',
      '',
    ]);
  });
});

describe('canonicalTimeZone', () => {
  it('resolves spellings and aliases to one IANA name', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('EUROPE/PARIS')).toBe('Europe/Paris');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Etc/GMT+5')).toBe('Etc/GMT+5');
    expect(canonicalTimeZone('US/Eastern')).toBe(canonicalTimeZone('America/New_York'));
  });

  it('rejects unknown names and text that is no zone name, before creating anything', () => {
    for (const bad of [
      'Mars/Olympus',
      '',
      'Europe/Paris\u0000',
      `${'A/'.repeat(40)}x`,
      '../etc/passwd',
      'Europe Paris',
    ]) {
      expect(canonicalTimeZone(bad)).toBeUndefined();
    }
  });

  it('caches one formatter per zone, not per spelling, and stays bounded', () => {
    canonicalTimeZone('asia/tokyo');
    const before = cachedTimeZoneCount();
    for (let i = 0; i < 300; i++) {
      const spelling = [...'asia/tokyo'].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join('');
      expect(canonicalTimeZone(spelling)).toBe('Asia/Tokyo');
      canonicalTimeZone(`Garbage/${i}`);
    }
    expect(cachedTimeZoneCount()).toBe(before);
    for (const zone of Intl.supportedValuesOf('timeZone')) canonicalTimeZone(zone);
    expect(cachedTimeZoneCount()).toBeLessThanOrEqual(MAX_CACHED_TIME_ZONES);
  });

  it('still formats any accepted spelling', () => {
    expect(localTime(Date.parse('2026-06-01T12:00:00Z'), 'europe/paris').hour).toBe(14);
    expect(() => localTime(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});
