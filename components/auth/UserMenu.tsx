'use client';
import Link from 'next/link';
import { useViewer } from './ViewerContext';

const ROLE_LABEL = { admin: 'Admin', merchandiser: 'Merchandiser', viewer: 'Viewer' } as const;

/** Signed-in user, role and scope, and sign-out (a plain form: works before hydration too). */
export function UserMenu() {
  const viewer = useViewer();
  if (!viewer) return null;
  return (
    <details className="relative tv:hidden" data-testid="user-menu">
      <summary className="inline-flex h-8 cursor-pointer list-none items-center gap-1.5 rounded-lg px-2.5 text-[13px] font-medium text-muted-foreground transition-colors hover:bg-muted hover:text-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring">
        <span className="hidden max-w-40 truncate lg:inline" data-testid="user-email">
          {viewer.email}
        </span>
        <span className="rounded bg-muted px-1.5 py-0.5 text-[11px] text-foreground" data-testid="user-role">
          {ROLE_LABEL[viewer.role]}
        </span>
      </summary>
      <div className="absolute right-0 mt-1 w-72 max-w-[calc(100vw-1.5rem)] rounded-lg border border-border bg-card p-3 text-[13px] shadow-lg">
        <p className="font-medium text-foreground">{viewer.name || viewer.email}</p>
        <p className="mt-0.5 truncate text-muted-foreground">{viewer.email}</p>
        <p className="mt-1 text-muted-foreground" data-testid="user-scope">
          {viewer.scope ? `Scope: ${viewer.scope}` : 'Scope: everything'}
        </p>
        <nav className="mt-2 flex gap-3 lg:hidden" aria-label="Pages">
          <Link href="/" className="font-medium text-foreground underline-offset-2 hover:underline">
            Dashboard
          </Link>
          <Link
            href="/inventory"
            data-testid="menu-inventory-link"
            className="font-medium text-foreground underline-offset-2 hover:underline"
          >
            Inventory
          </Link>
        </nav>
        {viewer.role === 'admin' && (
          <nav className="mt-2 flex gap-3 lg:hidden" aria-label="Administration">
            <Link href="/admin/users" className="font-medium text-foreground underline-offset-2 hover:underline">
              Admin
            </Link>
            <Link href="/ops/dead-letters" className="font-medium text-foreground underline-offset-2 hover:underline">
              Ops
            </Link>
          </nav>
        )}
        <form method="post" action="/api/v1/auth/signout" className="mt-3">
          <button
            type="submit"
            data-testid="sign-out"
            className="h-8 w-full rounded-md border border-border px-3 font-medium text-foreground hover:bg-muted"
          >
            Sign out
          </button>
        </form>
      </div>
    </details>
  );
}
