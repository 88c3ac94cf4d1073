// GET /api/v1/auth/oidc/callback — back from the OpenID Connect provider: a session cookie and
// the page the user asked for, or /signin?error=oidc_failed|oidc_no_user|oidc_disabled.
import { finishSignIn } from '@/lib/web/auth/oidc';
import { oidcConfigured } from '@/lib/web/auth/oidc-config';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  if (!oidcConfigured()) {
    const body = { error: { code: 'not_found', message: 'single sign-on is not configured (OIDC_ISSUER)' } };
    return Promise.resolve(Response.json(body, { status: 404 }));
  }
  return finishSignIn(request);
}
