// Sign-in by email and password: throttled per client address and per email (a guesser gets
// AUTH_MAX_FAILURES tries per AUTH_WINDOW_SECONDS, then 429), then a session cookie that is
// httpOnly (no script reads it), SameSite=Lax (no other site's form or fetch sends it) and
// Secure whenever the browser came over https.
import 'server-only';
import type { AppUser } from '@prisma/client';
import { normaliseEmail } from '@/lib/contract/admin-users';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { logger } from '@/lib/logger';
import { webMetrics } from '@/lib/metrics';
import { HttpError } from '@/lib/web/api-errors';
import { CLIENT_ADDRESS_HEADER, CLIENT_PROTO_HEADER } from '@/lib/web/request-guard';
import { SESSION_COOKIE } from './gate';
import type { UserPrincipal } from './principal';

export { safeNext } from './sign-in-paths';

import { FailureThrottle, throttleKey } from './throttle';
import { checkPassword, createSession, principalOf } from './users';

let throttle: FailureThrottle | undefined;
function signInThrottle(): FailureThrottle {
  throttle ??= new FailureThrottle(env().AUTH_MAX_FAILURES, env().AUTH_WINDOW_SECONDS * 1000);
  return throttle;
}

export interface SignedIn {
  principal: UserPrincipal;
  cookie: string;
}

/** The Set-Cookie value of a session (or of its removal with `token` null). */
export function sessionCookie(request: Request, token: string | null, expiresAt?: Date): string {
  const secure = request.headers.get(CLIENT_PROTO_HEADER) === 'https';
  const parts = [`${SESSION_COOKIE}=${token ?? ''}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (secure) parts.push('Secure');
  parts.push(token && expiresAt ? `Expires=${expiresAt.toUTCString()}` : 'Max-Age=0');
  return parts.join('; ');
}

/** Checks the password (throws HttpError 401/429) and opens a session. */
export async function signIn(request: Request, email: string, password: string): Promise<SignedIn> {
  const client = request.headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown';
  const keys = [`ip:${throttleKey(client)}`, `email:${normaliseEmail(email)}`];
  const limiter = signInThrottle();
  const wait = Math.max(...keys.map((k) => limiter.retryAfterSeconds(k)));
  if (wait > 0) {
    webMetrics().authThrottled.inc({ kind: 'sign_in' });
    if (keys.some((k) => limiter.firstRefusal(k)))
      logger.warn({ client, retryAfter: wait }, 'sign-in attempts throttled');
    throw new HttpError(429, 'too_many_attempts', `Too many failed sign-ins; try again in ${wait} s`, {
      'retry-after': String(wait),
    });
  }
  const user = await checkPassword(db(), email, password);
  if (!user) {
    for (const k of keys) limiter.fail(k);
    webMetrics().authFailures.inc({ reason: 'password' });
    logger.warn({ client, email: normaliseEmail(email).slice(0, 200) }, 'sign-in refused');
    throw new HttpError(401, 'invalid_credentials', 'Wrong email or password');
  }
  for (const k of keys) limiter.succeed(k);
  return { principal: principalOf(user), cookie: await openSession(request, user, 'password') };
}

/** A session for a user who has shown who they are (`how`: password, oidc): its Set-Cookie value. */
export async function openSession(request: Request, user: AppUser, how: string): Promise<string> {
  const client = request.headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown';
  const agent = request.headers.get('user-agent') ?? '';
  const session = await createSession(db(), user.id, env().SESSION_TTL_HOURS * 3600, `${client} ${agent}`);
  logger.info({ client, userId: user.id.toString(), how }, 'signed in');
  return sessionCookie(request, session.token, session.expiresAt);
}
