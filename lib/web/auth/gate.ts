// The door of the web process: who is asking (session cookie, embed token, ops token) and
// whether the route's rule (lib/web/auth/access-rules.ts) lets them in. server.ts calls gateRequest
// before Next sees a request; the live hub calls resolvePrincipal at each Socket.IO handshake.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PrismaClient } from '@prisma/client';
import { EMBED_EXPIRED_MESSAGE } from '@/lib/contract/embed-path';
import { logger } from '@/lib/logger';
import { webMetrics } from '@/lib/metrics';
import { checkOrigin, clientAddress, type RequestLike } from '@/lib/web/live/limits';
import { dimensionValues, ParamError, toOverviewQuery } from '@/lib/web/overview-params';
import { authorize, matchRoute, type RouteMatch } from './access-rules';
import { EmbedTokenError, looksLikeJwt, verifyEmbedToken } from './embed-tokens';
import { ANONYMOUS, encodePrincipal, PRINCIPAL_HEADER, type Principal, scopeOf as scopeOfPrincipal } from './principal';
import { applyScope, ScopeError } from './scope';
import { type FailureThrottle, throttleKey } from './throttle';
import { principalOf, sessionUser } from './users';

export const SESSION_COOKIE = 'pulse_session';

export interface GateConfig {
  opsToken: string | undefined;
  embedAudience: string;
  embedMaxTtlSeconds: number;
  trustProxy: boolean;
  /** Origins besides the dashboard's own that may send state-changing requests and open sockets. */
  allowedOrigins: readonly string[];
  opsThrottle: FailureThrottle;
}

export type Resolution =
  | { principal: Principal }
  | { refused: { status: 401 | 429; code: string; message: string; retryAfter?: number } };

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function bearer(req: RequestLike): string | undefined {
  const header = req.headers.authorization;
  return /^Bearer\s+(\S+)\s*$/i.exec(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''))?.[1];
}

/**
 * Who sent the request: an embed token (`?token=` on embed pages, `Authorization: Bearer <jwt>`
 * on the API, `auth.token` on a socket), else the ops token, else the session cookie; nobody
 * when none is given. Credentials that are given but wrong are refused with a message rather
 * than treated as nobody, so that a portal's developer sees why.
 */
export async function resolvePrincipal(
  prisma: PrismaClient,
  req: RequestLike & { url?: string },
  config: GateConfig,
  socketToken?: string,
): Promise<Resolution> {
  const url = new URL(req.url ?? '/', 'http://pulse.invalid');
  const given = bearer(req);
  const embedToken =
    socketToken ??
    (url.pathname.startsWith('/embed/') ? url.searchParams.get('token') : null) ??
    (given && looksLikeJwt(given) ? given : undefined);
  if (embedToken) {
    try {
      return {
        principal: await verifyEmbedToken(prisma, embedToken, {
          audience: config.embedAudience,
          maxTtlSeconds: config.embedMaxTtlSeconds,
        }),
      };
    } catch (err) {
      if (!(err instanceof EmbedTokenError)) throw err;
      webMetrics().authFailures.inc({ reason: err.code });
      return { refused: { status: 401, code: err.code, message: err.message } };
    }
  }
  if (given) {
    const client = clientAddress(req, config.trustProxy);
    const key = throttleKey(client);
    const wait = config.opsThrottle.retryAfterSeconds(key);
    if (wait > 0) {
      webMetrics().authThrottled.inc({ kind: 'ops_token' });
      if (config.opsThrottle.firstRefusal(key))
        logger.warn({ client, retryAfter: wait }, 'ops token attempts throttled');
      return {
        refused: {
          status: 429,
          code: 'too_many_attempts',
          message: `Too many wrong tokens; try again in ${wait} s`,
          retryAfter: wait,
        },
      };
    }
    if (config.opsToken !== undefined && timingSafeEqual(digest(given), digest(config.opsToken))) {
      config.opsThrottle.succeed(key);
      return { principal: { kind: 'ops' } };
    }
    const failures = config.opsThrottle.fail(key);
    webMetrics().authFailures.inc({ reason: 'ops_token' });
    // Never the token: not the guess either (it may be a real token with a typo).
    logger.warn({ client, path: url.pathname, failures }, 'bearer token refused');
    return { refused: { status: 401, code: 'unauthorized', message: 'The bearer token is not valid' } };
  }
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (cookie) {
    const user = await sessionUser(prisma, cookie);
    if (user) return { principal: principalOf(user) };
  }
  return { principal: ANONYMOUS };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function refusalPage(status: number, message: string, embed = false): string {
  if (embed && status === 401) return embedRefusalPage(message);
  const title = status === 403 ? 'Not allowed' : 'Sign-in needed';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — Pulse</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:3rem 1.5rem;color:#18181b;background:#fafafa}
main{max-width:32rem;margin:auto;padding:1.5rem;border:1px solid #e4e4e7;border-radius:.75rem;background:#fff}
p.k{margin:0;font-size:.75rem;letter-spacing:.05em;text-transform:uppercase;color:#b91c1c}h1{margin:.25rem 0;font-size:1.125rem}
a{color:#18181b}</style></head><body><main role="alert" data-testid="access-refused" data-status="${status}">
<p class="k">${title}</p><h1>${escapeHtml(message)}</h1>${status === 403 ? '<p><a href="/">Back to the dashboard</a></p>' : ''}
</main></body></html>
`;
}

/** An embed's refusal in its iframe: no link into Pulse; the reason for the portal's developer below. */
function embedRefusalPage(reason: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Access expired — Pulse</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#18181b;background:transparent}
main{padding:1rem 1.25rem;border:1px solid #fcd34d;border-radius:.75rem;background:#fffbeb}
h1{margin:0;font-size:1rem}p{margin:.25rem 0 0;font-size:.8125rem;color:#71717a}</style></head><body>
<main role="alert" data-testid="embed-expired" data-status="401"><h1>${escapeHtml(EMBED_EXPIRED_MESSAGE)}</h1>
<p data-testid="embed-refusal-reason">${escapeHtml(reason)}</p></main></body></html>
`;
}

function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  match: RouteMatch | null,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const path = (req.url ?? '/').split('?')[0] as string;
  const page = match ? match.rule.page === true : !path.startsWith('/api/');
  // A person on a dashboard page without a session goes to sign-in and comes back after.
  if (page && status === 401 && match?.rule.access !== 'embed' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(303, { location: `/signin?next=${encodeURIComponent(req.url ?? '/')}`, 'cache-control': 'no-store' });
    res.end();
    return;
  }
  if (page) {
    res.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(refusalPage(status, message, match?.rule.access === 'embed'));
    return;
  }
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify({ error: { code, message } })}\n`);
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * Admits the request (true: the principal header is set for Next) or answers it. Rules:
 * the route's access rule; state-changing requests from browsers must come from this site or an
 * allowed origin (cross-site request forgery); paths without a rule need a signed-in user.
 */
export async function gateRequest(
  prisma: PrismaClient,
  req: IncomingMessage,
  res: ServerResponse,
  config: GateConfig,
): Promise<boolean> {
  delete req.headers[PRINCIPAL_HEADER];
  const path = (req.url ?? '/').split('?')[0] as string;
  const match = matchRoute(path);
  // Public routes need no principal, except sign-in (which sends signed-in users on).
  if (match?.rule.access === 'public' && !match.rule.page && !path.startsWith('/api/v1/auth/')) return true;
  if (!SAFE_METHODS.includes(req.method ?? 'GET')) {
    const refusal = checkOrigin(req, { allowed: config.allowedOrigins, trustProxy: config.trustProxy });
    if (refusal) {
      refuse(req, res, match, 403, 'cross_origin', refusal.message);
      return false;
    }
  }
  const resolution = await resolvePrincipal(prisma, req, config);
  if ('refused' in resolution) {
    const { status, code, message, retryAfter } = resolution.refused;
    refuse(req, res, match, status, code, message, retryAfter ? { 'retry-after': String(retryAfter) } : {});
    return false;
  }
  const { principal } = resolution;
  const decision = match
    ? authorize(match.rule, principal, match.params)
    : principal.kind === 'user'
      ? { ok: true as const }
      : { ok: false as const, status: 401 as const, message: 'Sign in to see this' };
  if (!decision.ok) {
    refuse(req, res, match, decision.status, decision.status === 401 ? 'unauthorized' : 'forbidden', decision.message);
    return false;
  }
  const outside = match ? await scopeEscape(prisma, match, req.url ?? '/', principal) : null;
  if (outside) {
    refuse(req, res, match, 403, 'outside_scope', outside.message);
    return false;
  }
  req.headers[PRINCIPAL_HEADER] = encodePrincipal(principal);
  return true;
}

/** Routes whose query string is a view (overview parameters), and the path parameter naming a store. */
const VIEW_ROUTES = new Set([
  '/',
  '/products/:sku',
  '/stores/:id',
  '/embed/:embed',
  '/embed/:embed/products/:sku',
  '/embed/:embed/stores/:id',
  '/api/v1/overview',
  '/api/v1/products/:sku',
  '/api/v1/export',
]);

/**
 * A view that reaches outside the principal's scope (`?store=` of another store or of a store
 * in another region, a store page of one): refused here with 403 for pages, API and CSV alike.
 * Malformed parameters pass: the route answers them with 400.
 */
export async function scopeEscape(
  prisma: PrismaClient,
  match: RouteMatch,
  url: string,
  principal: Principal,
): Promise<ScopeError | null> {
  if (!VIEW_ROUTES.has(match.rule.path)) return null;
  const scope = scopeOfPrincipal(principal);
  const q = url.indexOf('?');
  try {
    const query = toOverviewQuery(new URLSearchParams(q < 0 ? '' : url.slice(q + 1)));
    if (match.params.id !== undefined && (query.store === undefined || query.store.length === 0)) {
      query.store = [match.params.id];
    }
    applyScope(query, scope);
    const stores = dimensionValues(query, 'store');
    if (scope.region && stores.length > 0) {
      // A store of another region is outside a region scope too (its figures would be empty).
      const rows = await prisma.store.findMany({
        where: { storeId: { in: stores } },
        select: { storeId: true, region: true },
      });
      const elsewhere = rows.find((row) => !scope.region?.includes(row.region));
      if (elsewhere) return new ScopeError('store', `store ${JSON.stringify(elsewhere.storeId)} is outside your scope`);
    }
    return null;
  } catch (err) {
    if (err instanceof ScopeError) return err;
    if (err instanceof ParamError) return null;
    throw err;
  }
}
