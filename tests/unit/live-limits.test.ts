import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '@/lib/env';
import {
  checkOrigin,
  clientAddress,
  normalizeOrigin,
  ownOrigin,
  type RequestLike,
  Semaphore,
  TokenBucket,
} from '@/lib/web/live/limits';

function request(headers: Record<string, string>, socket: RequestLike['socket'] = { remoteAddress: '10.0.0.7' }) {
  return { headers, socket } satisfies RequestLike;
}

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate, never above the burst', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
    now = 400; // 0.8 of a token
    expect(bucket.take()).toBe(false);
    now = 500; // 1 token
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now = 60_000;
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
  });
});

describe('Semaphore', () => {
  it('runs at most max holders and hands slots over in order', async () => {
    const gate = new Semaphore(2);
    const a = await gate.acquire();
    const b = await gate.acquire();
    const order: string[] = [];
    const queued = (name: string) =>
      gate.acquire().then((release) => {
        order.push(name);
        return release;
      });
    const c = queued('c');
    const d = queued('d');
    await Promise.resolve();
    expect({ active: gate.active, waiting: gate.waiting, order }).toEqual({ active: 2, waiting: 2, order: [] });
    a();
    a(); // a second release of the same slot is ignored
    const releaseC = await c;
    expect({ active: gate.active, waiting: gate.waiting, order }).toEqual({ active: 2, waiting: 1, order: ['c'] });
    b();
    (await d)();
    releaseC();
    expect({ active: gate.active, waiting: gate.waiting, order }).toEqual({ active: 0, waiting: 0, order: ['c', 'd'] });
  });
});

describe('origin check', () => {
  const policy = { allowed: ['https://embed.example'], trustProxy: false };

  it('normalises origins as browsers send them', () => {
    expect(normalizeOrigin('HTTPS://Dash.Example:443/')).toBe('https://dash.example');
    expect(normalizeOrigin('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    expect(normalizeOrigin('null')).toBeNull();
    expect(normalizeOrigin('file:///x')).toBeNull();
  });

  it("allows the request's own origin, the listed ones and requests without Origin", () => {
    expect(checkOrigin(request({ host: 'dash.example:3000', origin: 'http://dash.example:3000' }), policy)).toBeNull();
    expect(checkOrigin(request({ host: 'dash.example:3000', origin: 'https://embed.example' }), policy)).toBeNull();
    expect(checkOrigin(request({ host: 'dash.example:3000' }), policy)).toBeNull();
    expect(checkOrigin(request({ host: 'dash.example', 'sec-fetch-site': 'same-origin' }), policy)).toBeNull();
    const tls = request({ host: 'dash.example', origin: 'https://dash.example' }, { encrypted: true });
    expect(checkOrigin(tls, policy)).toBeNull();
  });

  it('refuses other origins, other schemes and ports, opaque origins and cross-site requests without Origin', () => {
    const refused: Record<string, string>[] = [
      { host: 'dash.example:3000', origin: 'https://evil.example' },
      { host: 'dash.example:3000', origin: 'https://dash.example:3000' }, // scheme differs
      { host: 'dash.example:3000', origin: 'http://dash.example:3001' },
      { host: 'dash.example:3000', origin: 'null' },
      { host: 'dash.example:3000', origin: 'https://embed.example.evil.example' },
      { host: 'dash.example:3000', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) {
      expect(checkOrigin(request(headers), policy), JSON.stringify(headers)).toMatchObject({ code: 'origin' });
    }
  });

  it('believes X-Forwarded-Proto/-Host only when the proxy is trusted', () => {
    const behindProxy = request({
      host: '127.0.0.1:3000',
      origin: 'https://dash.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'dash.example',
    });
    expect(checkOrigin(behindProxy, policy)?.message).toMatch(/WEB_TRUST_PROXY/);
    expect(checkOrigin(behindProxy, { ...policy, trustProxy: true })).toBeNull();
    expect(ownOrigin(request({ host: 'dash.example', 'x-forwarded-proto': 'https, http' }), true)).toBe(
      'https://dash.example',
    );
  });
});

describe('clientAddress', () => {
  it('is the peer, unless a trusted proxy names the client (its own, last X-Forwarded-For hop)', () => {
    const req = request({ 'x-forwarded-for': '1.1.1.1, 203.0.113.9' }, { remoteAddress: '::ffff:10.0.0.7' });
    expect(clientAddress(req, false)).toBe('10.0.0.7');
    expect(clientAddress(req, true)).toBe('203.0.113.9');
    expect(clientAddress(request({}, { remoteAddress: '::1' }), true)).toBe('::1');
  });
});

describe('parseEnv: web edge', () => {
  it('has defaults for a wall and a few hundred users', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      WEB_ALLOWED_ORIGINS: [],
      WEB_TRUST_PROXY: false,
      WEB_MAX_SOCKETS: 2000,
      WEB_MAX_SOCKETS_PER_IP: 100,
      WEB_MAX_LIVE_ROOMS: 200,
      WEB_SUBSCRIBE_BURST: 20,
      WEB_SUBSCRIBE_RATE: 2,
      WEB_LIVE_MAX_LOADS: 3,
    });
  });

  it('reads origin lists and flags', () => {
    const env = parseEnv({
      WEB_ALLOWED_ORIGINS: 'https://A.example/, http://localhost:8080',
      WEB_TRUST_PROXY: '1',
      WEB_SUBSCRIBE_RATE: '0.5',
    });
    expect(env.WEB_ALLOWED_ORIGINS).toEqual(['https://a.example', 'http://localhost:8080']);
    expect(env.WEB_TRUST_PROXY).toBe(true);
    expect(env.WEB_SUBSCRIBE_RATE).toBe(0.5);
  });

  it.each([
    ['WEB_ALLOWED_ORIGINS', 'embed.example'],
    ['WEB_ALLOWED_ORIGINS', 'https://embed.example/path'],
    ['WEB_ALLOWED_ORIGINS', 'ftp://embed.example'],
    ['WEB_TRUST_PROXY', 'yes'],
    ['WEB_MAX_SOCKETS', '0'],
    ['WEB_MAX_SOCKETS_PER_IP', 'many'],
    ['WEB_MAX_LIVE_ROOMS', '1.5'],
    ['WEB_SUBSCRIBE_RATE', '0'],
    ['WEB_LIVE_MAX_LOADS', '100'],
  ])('a bad %s (%s) stops start-up naming it', (variable, value) => {
    expect(() => parseEnv({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseEnv({ [variable]: value })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
