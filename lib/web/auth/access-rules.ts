// Who may use which route: one table for every page, API route and endpoint of the web process.
// server.ts refuses a request before Next sees it unless its rule admits the principal; the
// access test (tests/integration/access.test.ts) walks this table and every route under app/,
// and fails when a route has no rule. Pure: no I/O.
import type { Role } from '@/lib/contract/access';
import type { Principal } from './principal';

/**
 * - public: anyone, signed in or not
 * - reader: signed-in users of every role (their scope applies); embeds where `embed` is set
 * - exporter: admins and merchandisers (CSV export); viewers only look
 * - actor: admins and merchandisers act on alerts and suggestions; viewers only look
 * - admin: admins
 * - ops: admins, or a client with the ops token (Prometheus, scripts)
 * - embed: an embed token for the embed in the path (portals' iframes)
 */
export type Access = 'public' | 'reader' | 'exporter' | 'actor' | 'admin' | 'ops' | 'embed';
export type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteRule {
  /** Path pattern: `:name` matches one segment, a trailing `*` the rest of the path. */
  path: string;
  methods: readonly Method[];
  access: Access;
  /** Readers' routes an embed token may use as well (its embed's scope applies). */
  embed?: boolean;
  /** Takes a request body (up to WEB_MAX_BODY_BYTES); every other route takes none. */
  body?: boolean;
  /** A page (refusals redirect to sign-in or show a page) rather than an API answering JSON. */
  page?: boolean;
}

const READ = ['GET', 'HEAD'] as const;

export const ROUTE_RULES: readonly RouteRule[] = [
  // Sign-in and what every page needs before it
  { path: '/signin', methods: READ, access: 'public', page: true },
  { path: '/api/v1/auth/signin', methods: ['POST'], access: 'public', body: true },
  { path: '/api/v1/auth/signout', methods: ['POST'], access: 'public', body: true },
  { path: '/api/v1/auth/oidc/start', methods: READ, access: 'public' },
  { path: '/api/v1/auth/oidc/callback', methods: READ, access: 'public' },
  { path: '/api/v1/openapi.json', methods: READ, access: 'public' },
  { path: '/_next/static/*', methods: READ, access: 'public' },
  { path: '/healthz', methods: READ, access: 'public' },
  { path: '/readyz', methods: READ, access: 'public' },
  // Socket.IO: the live hub checks the session or embed token at the handshake itself.
  { path: '/socket.io/*', methods: ['GET', 'POST'], access: 'public', body: true },
  // Dashboards
  { path: '/', methods: READ, access: 'reader', page: true },
  { path: '/products/:sku', methods: READ, access: 'reader', page: true },
  { path: '/stores/:id', methods: READ, access: 'reader', page: true },
  { path: '/api/v1/overview', methods: READ, access: 'reader', embed: true },
  { path: '/api/v1/filters', methods: READ, access: 'reader', embed: true },
  { path: '/api/v1/products', methods: READ, access: 'reader' },
  { path: '/api/v1/products/:sku', methods: READ, access: 'reader', embed: true },
  // Stock: Pulse's own page and API; no embed shows stock, so an embed token is refused (403)
  { path: '/inventory', methods: READ, access: 'reader', page: true },
  { path: '/api/v1/inventory', methods: READ, access: 'reader' },
  { path: '/api/v1/inventory/history', methods: READ, access: 'reader' },
  // Alerts and suggestions: read by every reader in their scope, acted on by admins and
  // merchandisers; no embed shows them, so an embed token is refused (403)
  { path: '/alerts', methods: READ, access: 'reader', page: true },
  { path: '/api/v1/alerts', methods: READ, access: 'reader' },
  { path: '/api/v1/alerts/:id/acknowledge', methods: ['POST'], access: 'actor', body: true },
  { path: '/api/v1/alerts/:id/snooze', methods: ['POST'], access: 'actor', body: true },
  { path: '/api/v1/alerts/:id/accept', methods: ['POST'], access: 'actor', body: true },
  { path: '/api/v1/alerts/:id/dismiss', methods: ['POST'], access: 'actor', body: true },
  { path: '/api/v1/export', methods: READ, access: 'exporter' },
  { path: '/api/v1/products/:sku/export', methods: READ, access: 'exporter' },
  // A user's saved views (each user sees and changes only their own; embeds have none)
  { path: '/api/v1/views', methods: ['GET', 'HEAD', 'POST'], access: 'reader', body: true },
  { path: '/api/v1/views/:id', methods: ['PATCH', 'DELETE'], access: 'reader', body: true },
  // Embeds in portals
  { path: '/embed/:embed', methods: READ, access: 'embed', page: true },
  { path: '/embed/:embed/products/:sku', methods: READ, access: 'embed', page: true },
  { path: '/embed/:embed/stores/:id', methods: READ, access: 'embed', page: true },
  // Ops
  { path: '/ops/dead-letters', methods: READ, access: 'admin', page: true },
  { path: '/api/v1/dead-letters', methods: READ, access: 'ops' },
  { path: '/api/v1/dead-letters/redrive', methods: ['POST'], access: 'ops', body: true },
  { path: '/metrics', methods: READ, access: 'ops' },
  // Administration
  { path: '/admin', methods: READ, access: 'admin', page: true },
  { path: '/admin/users', methods: READ, access: 'admin', page: true },
  { path: '/admin/embeds', methods: READ, access: 'admin', page: true },
  { path: '/admin/alerts', methods: READ, access: 'admin', page: true },
  { path: '/admin/webhooks', methods: READ, access: 'admin', page: true },
  { path: '/api/v1/admin/users', methods: ['GET', 'HEAD', 'POST'], access: 'admin', body: true },
  { path: '/api/v1/admin/users/:id', methods: ['PATCH', 'DELETE'], access: 'admin', body: true },
  { path: '/api/v1/admin/embeds', methods: ['GET', 'HEAD', 'POST'], access: 'admin', body: true },
  { path: '/api/v1/admin/embeds/:id', methods: ['PATCH', 'DELETE'], access: 'admin', body: true },
  { path: '/api/v1/admin/embed-keys', methods: ['GET', 'HEAD', 'POST'], access: 'admin', body: true },
  { path: '/api/v1/admin/embed-keys/:kid', methods: ['DELETE'], access: 'admin' },
  { path: '/api/v1/admin/alert-rules', methods: ['GET', 'HEAD', 'POST'], access: 'admin', body: true },
  { path: '/api/v1/admin/alert-rules/:id', methods: ['PATCH', 'DELETE'], access: 'admin', body: true },
  { path: '/api/v1/admin/webhooks', methods: ['GET', 'HEAD', 'POST'], access: 'admin', body: true },
  { path: '/api/v1/admin/webhooks/:id', methods: ['PATCH', 'DELETE'], access: 'admin', body: true },
  { path: '/api/v1/admin/webhooks/:id/rotate-secret', methods: ['POST'], access: 'admin' },
  { path: '/api/v1/admin/webhooks/:id/deliveries', methods: READ, access: 'admin' },
  { path: '/api/v1/admin/webhooks/:id/test', methods: ['POST'], access: 'admin' },
];

export interface RouteMatch {
  rule: RouteRule;
  /** The `:name` segments, percent-decoded. */
  params: Record<string, string>;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // request-guard answers 400 for it before anything uses it
  }
}

function matchPattern(pattern: string, path: string): Record<string, string> | null {
  if (pattern.endsWith('/*')) {
    const prefix = pattern.slice(0, -1);
    return path.startsWith(prefix) || path === prefix.slice(0, -1) ? {} : null;
  }
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const segment = have[i] as string;
    if (part.startsWith(':')) {
      if (segment === '') return null;
      params[part.slice(1)] = decodeSegment(segment);
    } else if (part !== segment) {
      return null;
    }
  }
  return params;
}

/** The rule of a path (any method), or null: paths without a rule are for signed-in users only. */
export function matchRoute(path: string): RouteMatch | null {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  for (const rule of ROUTE_RULES) {
    const params = matchPattern(rule.path, trimmed);
    if (params) return { rule, params };
  }
  return null;
}

const READERS: readonly Role[] = ['admin', 'merchandiser', 'viewer'];
const EXPORTERS: readonly Role[] = ['admin', 'merchandiser'];
/** Who may acknowledge and snooze alerts, and accept or dismiss suggestions. */
export const ACTORS: readonly Role[] = ['admin', 'merchandiser'];

export type Decision =
  | { ok: true }
  /** Nobody signed in (or the credentials were not valid): 401 or the sign-in page. */
  | { ok: false; status: 401; message: string }
  /** Signed in, but not allowed: 403. */
  | { ok: false; status: 403; message: string };

const SIGN_IN: Decision = { ok: false, status: 401, message: 'Sign in to see this' };

/** Whether a principal may use a route; `params` are the route's path parameters. */
export function authorize(rule: RouteRule, principal: Principal, params: Record<string, string> = {}): Decision {
  if (rule.access === 'public') return { ok: true };
  if (principal.kind === 'anonymous') return SIGN_IN;
  if (rule.access === 'embed') {
    if (principal.kind !== 'embed') {
      return { ok: false, status: 401, message: 'This embed needs a token from the portal that shows it (?token=)' };
    }
    if (principal.embedId !== params.embed) {
      return { ok: false, status: 403, message: 'This token belongs to another embed' };
    }
    return { ok: true };
  }
  if (principal.kind === 'embed') {
    return rule.access === 'reader' && rule.embed
      ? { ok: true }
      : { ok: false, status: 403, message: 'An embed token opens its embed only' };
  }
  if (principal.kind === 'ops') {
    return rule.access === 'ops'
      ? { ok: true }
      : { ok: false, status: 403, message: 'The ops token opens ops routes only' };
  }
  const roles = { reader: READERS, exporter: EXPORTERS, actor: ACTORS, admin: ['admin'], ops: ['admin'] }[rule.access];
  if (roles.includes(principal.role)) return { ok: true };
  const needed = rule.access === 'exporter' || rule.access === 'actor' ? 'an admin or merchandiser' : 'an admin';
  return { ok: false, status: 403, message: `Only ${needed} may do this (you are a ${principal.role})` };
}

/** Whether a route takes a request body with this method. */
export function takesBody(match: RouteMatch | null, method: string): boolean {
  return Boolean(match?.rule.body && (match.rule.methods as readonly string[]).includes(method));
}
