// Access to ops actions (re-driving dead letters). They are off unless OPS_TOKEN is set, and
// then need `Authorization: Bearer <OPS_TOKEN>`: the dashboard is made to be shown on walls
// and embedded in other pages, where nobody should be able to write to Kafka by accident.
// Wrong tokens are throttled per client address, so the token cannot be guessed at speed.
import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './api-errors';
import { env } from './env';
import { logger } from './logger';
import { webMetrics } from './metrics';
import { CLIENT_ADDRESS_HEADER } from './request-guard';

/** Whether this web process accepts ops actions at all. */
export function opsActionsEnabled(): boolean {
  return env().OPS_TOKEN !== undefined;
}

// Hashing first gives equal-length inputs, so the comparison takes the same time whatever
// the length of the guess.
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Client addresses the throttle remembers at most (a few hundred kB). */
export const MAX_THROTTLED_CLIENTS = 10_000;

interface Failures {
  count: number;
  /** End of the window that began with the first failure. */
  resetAt: number;
  /** The 429s of this window were logged (once, not per request). */
  logged: boolean;
}

/**
 * Failures per client in fixed windows that begin with a client's first failure. Bounded:
 * past `maxClients` the entry touched longest ago goes (Map order is touch order).
 */
export class FailureThrottle {
  private readonly entries = new Map<string, Failures>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly maxClients = MAX_THROTTLED_CLIENTS,
    private readonly now: () => number = Date.now,
  ) {}

  private current(client: string): Failures | undefined {
    const entry = this.entries.get(client);
    if (entry && entry.resetAt <= this.now()) {
      this.entries.delete(client);
      return undefined;
    }
    return entry;
  }

  /** Whole seconds until `client` may try again; 0 when it may try now. */
  retryAfterSeconds(client: string): number {
    const entry = this.current(client);
    if (!entry || entry.count < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - this.now()) / 1000));
  }

  /** Records a failure; returns the failures of the client's window so far. */
  fail(client: string): number {
    const entry = this.current(client) ?? { count: 0, resetAt: this.now() + this.windowMs, logged: false };
    entry.count += 1;
    this.entries.delete(client);
    this.entries.set(client, entry);
    if (this.entries.size > this.maxClients) this.entries.delete(this.entries.keys().next().value as string);
    return entry.count;
  }

  /** True the first time in a window a throttled client is refused (log that one only). */
  firstRefusal(client: string): boolean {
    const entry = this.current(client);
    if (!entry || entry.logged) return false;
    entry.logged = true;
    return true;
  }

  succeed(client: string): void {
    this.entries.delete(client);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The throttling key of an address: IPv6 clients by their /64 (one host usually holds a whole
 * /64 and could otherwise rotate through it), IPv4 and anything else as given.
 */
export function throttleKey(address: string): string {
  const bare = address.split('%')[0] as string; // zone id (fe80::1%eth0)
  if (!bare.includes(':')) return bare;
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

let throttle: FailureThrottle | undefined;

function opsThrottle(): FailureThrottle {
  throttle ??= new FailureThrottle(env().OPS_AUTH_MAX_FAILURES, env().OPS_AUTH_WINDOW_SECONDS * 1000);
  return throttle;
}

/**
 * Throws a 403 when ops actions are off, a 429 (Retry-After) while the client is throttled,
 * a 401 without the right bearer token. Wrong tokens count towards the throttle; a missing
 * one does not (the ops page first tries without and then asks for the token).
 */
export function requireOpsToken(request: Request): void {
  const token = env().OPS_TOKEN;
  if (token === undefined) {
    throw new HttpError(403, 'ops_disabled', 'Ops actions are off: start the web server with OPS_TOKEN set');
  }
  // Without server.ts (which always sets it) every request counts as one client: throttling
  // too much rather than too little.
  const client = request.headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown';
  const key = throttleKey(client);
  const route = new URL(request.url).pathname;
  const limiter = opsThrottle();
  const wait = limiter.retryAfterSeconds(key);
  if (wait > 0) {
    webMetrics().authThrottled.inc();
    if (limiter.firstRefusal(key)) logger.warn({ client, route, retryAfter: wait }, 'ops token attempts throttled');
    throw new HttpError(429, 'too_many_attempts', `Too many wrong ops tokens; try again in ${wait} s`, {
      'retry-after': String(wait),
    });
  }
  const challenge = { 'www-authenticate': 'Bearer realm="pulse-ops"' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match) {
    webMetrics().authFailures.inc({ reason: 'missing' });
    logger.warn({ client, route, reason: 'missing' }, 'ops token refused');
    throw new HttpError(
      401,
      'unauthorized',
      'This action needs the header Authorization: Bearer <OPS_TOKEN>',
      challenge,
    );
  }
  if (!timingSafeEqual(digest(match[1] as string), digest(token))) {
    const failures = limiter.fail(key);
    webMetrics().authFailures.inc({ reason: 'invalid' });
    // Never the token: not the guess either (it may be a real token with a typo).
    logger.warn({ client, route, reason: 'invalid', failures }, 'ops token refused');
    throw new HttpError(401, 'unauthorized', 'The ops token is not valid', challenge);
  }
  limiter.succeed(key);
}
