// Whether single sign-on (OpenID Connect) is configured: OIDC_ISSUER and OIDC_CLIENT_ID set
// (lib/env.ts then insists on OIDC_CLIENT_SECRET as well).
import { env } from '@/lib/env';

export function oidcConfigured(): boolean {
  const { OIDC_ISSUER, OIDC_CLIENT_ID } = env();
  return OIDC_ISSUER !== undefined && OIDC_CLIENT_ID !== undefined;
}
