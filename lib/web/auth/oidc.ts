// Single sign-on with the company's OpenID Connect provider: the authorization code flow with
// PKCE, state and nonce (openid-client). GET /api/v1/auth/oidc/start sends the browser to the
// provider with a short-lived cookie holding what the callback must check, encrypted and
// authenticated with a key derived from OIDC_CLIENT_SECRET (so any web process can read it, and
// no one else can forge or read it). GET /api/v1/auth/oidc/callback exchanges the code, finds
// the Pulse user and opens a session as the password sign-in does. Who may sign in:
//   1. the user linked to the provider's issuer + subject (`sub`);
//   2. else, once, the user an admin created with the email the provider vouches for
//      (email_verified): it is linked then, so a later change of email at the provider keeps it;
//   3. else, with OIDC_AUTO_CREATE=true, a new user with OIDC_DEFAULT_ROLE and no scope;
//   4. else nobody (/signin?error=oidc_no_user). Disabled users never (oidc_disabled).
// Every other failure goes to /signin?error=oidc_failed, with its reason in the log.
import 'server-only';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { AppUser } from '@prisma/client';
import * as oidc from 'openid-client';
import { normaliseEmail } from '@/lib/contract/admin-users';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { logger } from '@/lib/logger';
import { webMetrics } from '@/lib/metrics';
import { ownOrigin } from '@/lib/web/live/limits';
import { CLIENT_PROTO_HEADER } from '@/lib/web/request-guard';
import { readCookie } from './gate';
import { openSession, safeNext } from './sign-in';

export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';
const STATE_COOKIE = 'pulse_oidc';
/** How long a sign-in at the provider may take. */
const STATE_TTL_SECONDS = 600;
const SCOPE = 'openid email profile';

export type OidcFailure = 'oidc_failed' | 'oidc_no_user' | 'oidc_disabled';

/** Why a sign-in failed: the code the sign-in page explains, and the reason the log gets. */
export class OidcError extends Error {
  constructor(
    readonly code: OidcFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

interface Settings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  redirectUrl: string | undefined;
  autoCreate: boolean;
  defaultRole: 'viewer' | 'merchandiser';
}

function settings(): Settings {
  const config = env();
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET) {
    throw new OidcError('oidc_failed', 'single sign-on is not configured (OIDC_ISSUER, OIDC_CLIENT_ID)');
  }
  return {
    issuer: new URL(config.OIDC_ISSUER),
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    redirectUrl: config.OIDC_REDIRECT_URL,
    autoCreate: config.OIDC_AUTO_CREATE,
    defaultRole: config.OIDC_DEFAULT_ROLE,
  };
}

let discovered: Promise<oidc.Configuration> | undefined;

/** The provider's metadata, discovered once per process (and again after a failed attempt). */
function provider(): Promise<oidc.Configuration> {
  if (!discovered) {
    const { issuer, clientId, clientSecret } = settings();
    // lib/env.ts allows plain http for issuers on localhost / 127.0.0.1 only (tests, development).
    const options = issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
    const attempt = oidc.discovery(issuer, clientId, undefined, oidc.ClientSecretBasic(clientSecret), options);
    discovered = attempt;
    attempt.catch(() => {
      if (discovered === attempt) discovered = undefined;
    });
  }
  return discovered;
}

/** What the callback checks, kept in the browser between start and callback. */
interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  next: string;
  expires: number;
}

const cookieKey = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'pulse', 'oidc state cookie v1', 32));

function seal(pending: Pending, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cookieKey(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(pending), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The pending sign-in of a cookie; null when it is missing, forged, of another key, or expired. */
function unseal(value: string | undefined, secret: string): Pending | null {
  if (!value) return null;
  try {
    const raw = Buffer.from(value, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', cookieKey(secret), raw.subarray(0, 12), { authTagLength: 16 });
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const pending = JSON.parse(text) as Pending;
    return pending.expires > Date.now() ? pending : null;
  } catch {
    return null;
  }
}

/** The pending sign-in's cookie (or its removal): sent to the callback only, httpOnly, SameSite=Lax. */
function pendingCookie(request: Request, value: string | null): string {
  const parts = [`${STATE_COOKIE}=${value ?? ''}`, `Path=${OIDC_CALLBACK_PATH}`, 'HttpOnly', 'SameSite=Lax'];
  if (request.headers.get(CLIENT_PROTO_HEADER) === 'https') parts.push('Secure');
  parts.push(`Max-Age=${value ? STATE_TTL_SECONDS : 0}`);
  return parts.join('; ');
}

/** OIDC_REDIRECT_URL, else this site's callback as the browser reaches it. */
function redirectUrl(request: Request, configured: string | undefined): string {
  if (configured) return configured;
  const headers = Object.fromEntries(request.headers);
  const secure = request.headers.get(CLIENT_PROTO_HEADER) === 'https';
  const origin = ownOrigin({ headers, socket: { encrypted: secure } }, env().WEB_TRUST_PROXY);
  if (!origin) throw new OidcError('oidc_failed', 'the request names no Host: set OIDC_REDIRECT_URL');
  return `${origin}${OIDC_CALLBACK_PATH}`;
}

function redirect(location: string, cookies: readonly string[]): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { error: code, error_description: description } = error as { error?: unknown; error_description?: unknown };
  const detail = [code, description].filter((v) => typeof v === 'string').join(': ');
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${detail ? ` [${detail}]` : ''}${cause}`;
}

function failed(next: string, error: unknown, cookies: readonly string[] = []): Response {
  const code: OidcFailure = error instanceof OidcError ? error.code : 'oidc_failed';
  webMetrics().authFailures.inc({ reason: code });
  logger.warn({ code, reason: reasonOf(error).slice(0, 1000) }, 'single sign-on failed');
  return redirect(`/signin?${new URLSearchParams({ error: code, next })}`, cookies);
}

/** GET /api/v1/auth/oidc/start?next=/path — to the provider's sign-in. */
export async function startSignIn(request: Request): Promise<Response> {
  const next = safeNext(new URL(request.url).searchParams.get('next'));
  try {
    const config = await provider();
    const { clientSecret, redirectUrl: configured } = settings();
    const pending: Pending = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      redirectUri: redirectUrl(request, configured),
      next,
      expires: Date.now() + STATE_TTL_SECONDS * 1000,
    };
    const target = oidc.buildAuthorizationUrl(config, {
      redirect_uri: pending.redirectUri,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return redirect(target.href, [pendingCookie(request, seal(pending, clientSecret))]);
  } catch (error) {
    return failed(next, error);
  }
}

interface Identity {
  issuer: string;
  subject: string;
  /** Normalised, and only when the provider says it verified it. */
  verifiedEmail: string | undefined;
  name: string | undefined;
}

/** Who the provider signed in: the ID token's claims, and its UserInfo when the token names no email. */
async function identityOf(
  config: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
): Promise<Identity> {
  const claims = tokens.claims();
  if (!claims) throw new OidcError('oidc_failed', 'the provider sent no ID token');
  let profile: Record<string, unknown> = claims;
  // Many providers put email in the ID token; others (and OpenID's own defaults) only in UserInfo.
  if (typeof claims.email !== 'string' && config.serverMetadata().userinfo_endpoint) {
    profile = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
  }
  const { email, email_verified: verified, name } = profile;
  return {
    issuer: claims.iss,
    subject: claims.sub,
    verifiedEmail:
      typeof email === 'string' && (verified === true || verified === 'true') ? normaliseEmail(email) : undefined,
    name: typeof name === 'string' ? name.slice(0, 200) : undefined,
  };
}

function refuseDisabled(user: AppUser): AppUser {
  if (user.disabled) throw new OidcError('oidc_disabled', `user ${user.id} is disabled`);
  return user;
}

/** The Pulse user of a provider's account: linked, matched by verified email (and linked), or created. */
async function userOf(identity: Identity, { autoCreate, defaultRole }: Settings): Promise<AppUser> {
  const prisma = db();
  const { issuer, subject, verifiedEmail } = identity;
  const link = { oidcIssuer: issuer, oidcSubject: subject };
  const linked = await prisma.appUser.findUnique({ where: { oidcIssuer_oidcSubject: link } });
  if (linked) return refuseDisabled(linked);
  const account = `subject ${JSON.stringify(subject)} of ${issuer}`;
  if (!verifiedEmail) {
    throw new OidcError('oidc_no_user', `no user is linked to ${account}, and the provider vouches for no email`);
  }
  const byEmail = await prisma.appUser.findFirst({ where: { email: verifiedEmail } });
  if (byEmail) {
    refuseDisabled(byEmail);
    if (byEmail.oidcSubject !== null) {
      // Never re-linked by email: a provider that hands an old email to someone else gets no one in.
      throw new OidcError('oidc_no_user', `user ${byEmail.id} (${verifiedEmail}) is linked to another account`);
    }
    const { count } = await prisma.appUser.updateMany({
      where: { id: byEmail.id, oidcSubject: null },
      data: { ...link, updatedAt: new Date() },
    });
    if (count !== 1) throw new OidcError('oidc_failed', `user ${byEmail.id} was linked by another sign-in meanwhile`);
    logger.info({ userId: byEmail.id.toString(), issuer }, 'user linked to a single sign-on account');
    return { ...byEmail, ...link };
  }
  if (!autoCreate) {
    throw new OidcError('oidc_no_user', `no user has the email ${verifiedEmail} (${account}; OIDC_AUTO_CREATE is off)`);
  }
  const created = await prisma.appUser.create({
    data: { ...link, email: verifiedEmail, name: identity.name ?? '', role: defaultRole },
  });
  logger.info({ userId: created.id.toString(), issuer, role: defaultRole }, 'user created by single sign-on');
  return created;
}

/** GET /api/v1/auth/oidc/callback?code=…&state=… — back from the provider: a session, or /signin?error=. */
export async function finishSignIn(request: Request): Promise<Response> {
  const clear = pendingCookie(request, null);
  let next = '/';
  try {
    const config = await provider();
    const found = settings();
    const pending = unseal(readCookie(request.headers.get('cookie') ?? undefined, STATE_COOKIE), found.clientSecret);
    if (!pending)
      throw new OidcError('oidc_failed', 'no sign-in in progress (its cookie is missing, expired or forged)');
    next = safeNext(pending.next);
    // The URL the provider redirected to, as it knows it (behind a proxy request.url is internal):
    // openid-client sends it without the query as the token request's redirect_uri.
    const current = new URL(pending.redirectUri);
    current.search = new URL(request.url).search;
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const user = await userOf(await identityOf(config, tokens), found);
    return redirect(next, [clear, await openSession(request, user, 'oidc')]);
  } catch (error) {
    return failed(next, error, [clear]);
  }
}
