// GET /api/v1/auth/oidc/start?next=/path — single sign-on: to the company's OpenID Connect
// provider (lib/web/auth/oidc.ts), which sends the browser back to /api/v1/auth/oidc/callback.
import { startSignIn } from '@/lib/web/auth/oidc';
import { oidcConfigured } from '@/lib/web/auth/oidc-config';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  if (!oidcConfigured()) {
    const body = { error: { code: 'not_found', message: 'single sign-on is not configured (OIDC_ISSUER)' } };
    return Promise.resolve(Response.json(body, { status: 404 }));
  }
  return startSignIn(request);
}
