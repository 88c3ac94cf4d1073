// Failure throttles for credentials (passwords at sign-in, the ops token): a client address
// (or an email) that fails too often in a window is refused with 429 until the window ends,
// so that nothing can be guessed at speed. Bounded memory; one per web process.
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
