// GET /signin — email and password (and the company's single sign-on when configured).
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { oidcConfigured } from '@/lib/web/auth/oidc-config';
import { pagePrincipal } from '@/lib/web/auth/request';
import { safeNext } from '@/lib/web/auth/sign-in-paths';
import type { PageSearchParams } from '@/lib/web/search-params';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in — Pulse' };

const MESSAGES: Record<string, string> = {
  invalid_credentials: 'Wrong email or password.',
  too_many_attempts: 'Too many failed sign-ins.',
  invalid_body: 'Enter your email and password.',
  oidc_failed: 'Single sign-on did not complete.',
  oidc_no_user: 'Your company account has no Pulse user yet: ask an admin.',
  oidc_disabled: 'Your Pulse user is disabled: ask an admin.',
};

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function SignInPage({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const params = await searchParams;
  const next = safeNext(first(params.next));
  if ((await pagePrincipal()).kind === 'user') redirect(next);
  const code = first(params.error);
  const retry = first(params.retry);
  const message = code ? `${MESSAGES[code] ?? 'Sign-in failed.'}${retry ? ` Try again in ${retry} s.` : ''}` : null;
  const input =
    'mt-1 block h-10 w-full rounded-lg border border-border bg-background px-3 text-[15px] text-foreground outline-none focus-visible:outline-2 focus-visible:outline-ring';
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm rounded-2xl border border-border bg-card p-6 shadow-sm sm:p-8">
        <h1 className="text-lg font-semibold tracking-tight text-foreground">Sign in to Pulse</h1>
        <p className="mt-1 text-[13px] text-muted-foreground">Live retail analytics</p>
        {message && (
          <p
            role="alert"
            data-testid="signin-error"
            className="mt-4 rounded-lg bg-red-50 px-3 py-2 text-[13px] text-red-800 dark:bg-red-950 dark:text-red-200"
          >
            {message}
          </p>
        )}
        <form method="post" action="/api/v1/auth/signin" className="mt-5 space-y-4">
          <input type="hidden" name="next" value={next} />
          <label className="block text-[13px] font-medium text-foreground">
            Email
            <input
              name="email"
              type="email"
              autoComplete="username"
              required
              defaultValue={first(params.email) ?? ''}
              className={input}
            />
          </label>
          <label className="block text-[13px] font-medium text-foreground">
            Password
            <input name="password" type="password" autoComplete="current-password" required className={input} />
          </label>
          <button
            type="submit"
            data-testid="signin-submit"
            className="h-10 w-full rounded-lg bg-foreground text-[14px] font-medium text-background hover:opacity-90"
          >
            Sign in
          </button>
        </form>
        {oidcConfigured() && (
          <a
            href={`/api/v1/auth/oidc/start?next=${encodeURIComponent(next)}`}
            data-testid="signin-oidc"
            className="mt-3 flex h-10 w-full items-center justify-center rounded-lg border border-border text-[14px] font-medium text-foreground hover:bg-muted"
          >
            Sign in with your company account
          </a>
        )}
      </div>
    </main>
  );
}
