// Pure parts of the live-update edge (lib/web/live/hub.ts): who may open a socket (Origin, client
// address) and how much one may ask for (token bucket, a cap on concurrent loads).
import type { IncomingHttpHeaders } from 'node:http';

/** Why a handshake, a socket or a subscription was refused; the `limit` label of pulse_web_live_refusals_total. */
export type LiveLimit =
  | 'origin'
  | 'sockets'
  | 'sockets_per_ip'
  | 'sockets_per_connection'
  | 'live_rooms'
  | 'subscribe_rate'
  /** No session or embed token, or one that is not valid (any more). */
  | 'unauthorized';

/** What a refused client is told: the live:error event's payload, or a handshake's 403/400 body. */
export interface LiveRefusal {
  code: LiveLimit;
  message: string;
}

/** Token bucket: `burst` tokens at most, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** At most `max` holders at once; the others wait in order. */
export class Semaphore {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly max: number) {}

  get active(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async acquire(): Promise<() => void> {
    if (this.running < this.max) this.running += 1;
    else await new Promise<void>((resolve) => this.queue.push(resolve)); // the releaser hands its slot over
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.running -= 1;
    };
  }
}

/** The parts of an HTTP request the edge looks at. */
export interface RequestLike {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string; encrypted?: boolean };
}

export interface OriginPolicy {
  /** Origins allowed besides the request's own (WEB_ALLOWED_ORIGINS), in URL.origin form. */
  allowed: readonly string[];
  /** Believe X-Forwarded-Proto/-Host/-For (WEB_TRUST_PROXY): only behind a proxy that sets them. */
  trustProxy: boolean;
}

/** `https://Example.com:443/` → `https://example.com`; null for anything that is not an http(s) origin. */
export function normalizeOrigin(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin;
}

function first(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/** Scheme and host the browser used to reach this process (the proxy's word for it when trusted). */
export function ownOrigin(req: RequestLike, trustProxy: boolean): string | null {
  const proto = (trustProxy && first(req.headers['x-forwarded-proto'])) || (req.socket.encrypted ? 'https' : 'http');
  const host = (trustProxy && first(req.headers['x-forwarded-host'])) || req.headers.host;
  return host ? normalizeOrigin(`${proto}://${host}`) : null;
}

/**
 * May this handshake proceed? Browsers send Origin with every WebSocket and every cross-origin
 * request, so a foreign page is always caught here. A request without Origin is a same-origin
 * GET (browsers leave it off those: the dashboard's own polling handshake) or a non-browser
 * client, which could read the HTTP API as well — unless the browser says it came from
 * another site (Sec-Fetch-Site), e.g. a <script> tag on a foreign page.
 */
export function checkOrigin(req: RequestLike, policy: OriginPolicy): LiveRefusal | null {
  const origin = req.headers.origin;
  if (origin === undefined) {
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      return { code: 'origin', message: `a ${site} request without Origin is not allowed` };
    }
    return null;
  }
  const normalized = normalizeOrigin(origin);
  if (
    normalized !== null &&
    (normalized === ownOrigin(req, policy.trustProxy) || policy.allowed.includes(normalized))
  ) {
    return null;
  }
  return {
    code: 'origin',
    message: `Origin ${origin} is not allowed: only this site and WEB_ALLOWED_ORIGINS may open live updates${
      policy.trustProxy ? '' : ' (behind a proxy that terminates TLS or rewrites Host, set WEB_TRUST_PROXY=true)'
    }`,
  };
}

/** The client's address: the hop the trusted proxy saw (last X-Forwarded-For entry), else the peer. */
export function clientAddress(req: RequestLike, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
    const last = list.at(-1)?.trim();
    if (last) return last;
  }
  const peer = req.socket.remoteAddress ?? 'unknown';
  return peer.startsWith('::ffff:') ? peer.slice(7) : peer; // IPv4 on a dual-stack socket
}
