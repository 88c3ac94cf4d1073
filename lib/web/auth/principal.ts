// Who is asking: a signed-in user, a portal's embed token, the ops token, or nobody. server.ts
// works it out once per request (lib/web/auth/gate.ts) and hands it to pages and route handlers in
// a header it signs with a key of this process; a header it did not sign counts as nobody, so a
// client cannot claim to be someone by sending one.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EmbedView, Role } from '@/lib/contract/access';
import type { OverviewQuery } from '@/lib/web/overview-params';
import type { Scope } from './scope';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  name: string;
  role: Role;
  scope: Scope;
}

export interface EmbedPrincipal {
  kind: 'embed';
  embedId: string;
  name: string;
  view: EmbedView;
  /** The SKU or store id of a product or store embed. */
  target: string | null;
  /** The embed's locked filters, narrowed by the token's own (never widened). */
  scope: Scope;
  /** What the embed opens with. */
  defaults: OverviewQuery;
  theme: 'light' | 'dark';
  accent: string | null;
  links: 'embed' | 'new_tab';
  /** The token itself: the embed's page uses it for its API calls and live updates. */
  token: string;
  /** When the token expires (ISO). */
  expiresAt: string;
}

/** A client holding OPS_TOKEN (Prometheus, scripts): ops routes only, no dashboard. */
export interface OpsPrincipal {
  kind: 'ops';
}

export interface Anonymous {
  kind: 'anonymous';
}

export type Principal = UserPrincipal | EmbedPrincipal | OpsPrincipal | Anonymous;

export const ANONYMOUS: Anonymous = { kind: 'anonymous' };

/** Request header carrying the principal from server.ts to Next (set by server.ts only). */
export const PRINCIPAL_HEADER = 'x-pulse-principal';
/** Environment variable holding this process's signing key (set by server.ts at start). */
const KEY_VARIABLE = 'PULSE_PRINCIPAL_KEY';

function key(): Buffer | null {
  const value = process.env[KEY_VARIABLE];
  return value ? Buffer.from(value, 'base64url') : null;
}

export function setPrincipalKey(value: Buffer): void {
  process.env[KEY_VARIABLE] = value.toString('base64url');
}

const mac = (secret: Buffer, body: string) => createHmac('sha256', secret).update(body).digest();

export function encodePrincipal(principal: Principal): string {
  const secret = key();
  if (!secret) throw new Error(`${KEY_VARIABLE} is not set: the web server must be started with server.ts`);
  const body = Buffer.from(JSON.stringify(principal)).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The principal server.ts signed; nobody when the header is missing, unsigned or forged. */
export function decodePrincipal(header: string | null | undefined): Principal {
  const secret = key();
  if (!secret || !header) return ANONYMOUS;
  const [body, signature] = header.split('.');
  if (!body || !signature) return ANONYMOUS;
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return ANONYMOUS;
  return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Principal;
}

/** The scope a principal's views are held to (users and embeds; ops and nobody see no views). */
export function scopeOf(principal: Principal): Scope {
  return principal.kind === 'user' || principal.kind === 'embed' ? principal.scope : {};
}
