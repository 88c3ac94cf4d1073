// Embed tokens: JWTs a portal's backend signs (HS256, with a key an admin made in Pulse) to open
// one embed for a short while. Claims (README "Embedding in your portal"):
//   header  kid      the key's id (Admin → Embeds → Signing keys)
//   sub     the embed's id
//   aud     EMBED_TOKEN_AUDIENCE (default "pulse")
//   iat/exp issued and expiry times; at most EMBED_TOKEN_MAX_TTL_SECONDS apart
//   filters optional { store?, region?, channel?, category? }: narrows the embed's locked
//           filters for this viewer (a portal user's own stores, say); it can never widen them
import type { Embed, PrismaClient } from '@prisma/client';
import { errors, type JWTPayload, jwtVerify } from 'jose';
import { EMBED_VIEWS, type EmbedView, type Lock, toLock } from '@/lib/contract/access';
import { type OverviewQuery, toOverviewQuery } from '@/lib/web/overview-params';
import type { EmbedPrincipal } from './principal';
import { intersectScopes, ScopeError } from './scope';

export class EmbedTokenError extends Error {
  constructor(
    readonly code: 'invalid_token' | 'token_expired' | 'embed_revoked',
    message: string,
  ) {
    super(message);
    this.name = 'EmbedTokenError';
  }
}

export interface EmbedTokenOptions {
  audience: string;
  maxTtlSeconds: number;
}

/** The token's embed as a principal; throws EmbedTokenError with a message for the portal's developer. */
export async function verifyEmbedToken(
  prisma: PrismaClient,
  token: string,
  options: EmbedTokenOptions,
): Promise<EmbedPrincipal> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        if (!header.kid) throw new EmbedTokenError('invalid_token', 'the token header names no kid (signing key id)');
        const key = await prisma.embedKey.findUnique({ where: { kid: header.kid } });
        if (!key)
          throw new EmbedTokenError(
            'invalid_token',
            `signing key ${JSON.stringify(header.kid)} is unknown or was removed`,
          );
        return new Uint8Array(key.secret);
      },
      { algorithms: ['HS256'], audience: options.audience, requiredClaims: ['sub', 'exp', 'iat'], clockTolerance: 30 },
    ));
  } catch (err) {
    if (err instanceof EmbedTokenError) throw err;
    if (err instanceof errors.JWTExpired)
      throw new EmbedTokenError('token_expired', 'the embed token has expired: the portal must mint a new one');
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') {
      throw new EmbedTokenError('invalid_token', `the token's audience is not ${JSON.stringify(options.audience)}`);
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      throw new EmbedTokenError(
        'invalid_token',
        'the token signature does not match its key (tampered, or signed with another key)',
      );
    }
    throw new EmbedTokenError('invalid_token', `the embed token is not valid: ${(err as Error).message}`);
  }
  const { sub, exp = 0, iat = 0 } = payload;
  if (exp - iat > options.maxTtlSeconds) {
    throw new EmbedTokenError('invalid_token', `the token may live at most ${options.maxTtlSeconds} s (exp − iat)`);
  }
  const embed = await prisma.embed.findUnique({ where: { id: String(sub) } });
  if (!embed) throw new EmbedTokenError('invalid_token', `no embed ${JSON.stringify(sub)}`);
  if (embed.revokedAt) throw new EmbedTokenError('embed_revoked', 'this embed was revoked by an admin');
  if (embed.expiresAt && embed.expiresAt <= new Date())
    throw new EmbedTokenError('embed_revoked', 'this embed has expired');
  let scope: Lock;
  try {
    scope = intersectScopes(toLock(embed.locked), toLock(payload.filters));
  } catch (err) {
    if (err instanceof ScopeError) throw new EmbedTokenError('invalid_token', `the token's filters: ${err.message}`);
    throw err;
  }
  return {
    kind: 'embed',
    embedId: embed.id,
    ...embedLook(embed),
    scope,
    token,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

/** How a stored embed opens and looks (values the table's checks allow; anything else falls back). */
export function embedLook(
  embed: Embed,
): Pick<EmbedPrincipal, 'name' | 'view' | 'target' | 'defaults' | 'theme' | 'accent' | 'links'> {
  let defaults: OverviewQuery = {};
  try {
    defaults = toOverviewQuery((embed.defaults ?? {}) as Record<string, unknown>);
  } catch {
    defaults = {};
  }
  return {
    name: embed.name,
    view: (EMBED_VIEWS as readonly string[]).includes(embed.view) ? (embed.view as EmbedView) : 'dashboard',
    target: embed.target,
    defaults,
    theme: embed.theme === 'dark' ? 'dark' : 'light',
    accent: embed.accent,
    links: embed.links === 'new_tab' ? 'new_tab' : 'embed',
  };
}

/** A JWT's shape (three base64url parts), to tell an embed token from the ops token. */
export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);
}
