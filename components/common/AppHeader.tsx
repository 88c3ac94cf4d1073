'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { UserMenu } from '@/components/auth/UserMenu';
import { useViewer } from '@/components/auth/ViewerContext';
import { ThemeSelect } from '@/components/theme/ThemeSelect';

// Narrow screens find Admin and Ops in the user menu instead.
const NAV_LINK =
  'hidden lg:inline-flex h-8 items-center rounded-lg px-2.5 text-[13px] font-medium text-muted-foreground transition-colors hover:bg-muted hover:text-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring tv:hidden';

/**
 * Top bar shared by the dashboard and its error states. In TV mode only the essentials stay.
 * `search` (the product search of view pages) comes first among the controls.
 */
export function AppHeader({ search, children }: { search?: ReactNode; children?: ReactNode }) {
  const admin = useViewer()?.role === 'admin';
  const pathname = usePathname();
  const inventory = pathname === '/inventory';
  return (
    // Below `lg` the controls wrap under the name (a second row) rather than covering it or
    // going off-screen; a phone does not keep that taller header stuck over its small viewport.
    <header className="z-10 border-b border-border bg-card/85 backdrop-blur supports-[backdrop-filter]:bg-card/70 sm:sticky sm:top-0">
      <div className="mx-auto flex min-h-14 max-w-[1280px] flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-2 sm:px-6 lg:flex-nowrap tv:max-w-none tv:px-8">
        <h1 className="flex shrink-0 items-center gap-2.5 text-[15px] tracking-tight whitespace-nowrap tv:text-lg">
          <PulseMark />
          <span className="font-semibold text-foreground">Pulse</span>
          {/* Only where it fits beside the controls on one line (a tablet has no room for it). */}
          <span className="hidden text-muted-foreground xl:inline tv:hidden">— live retail analytics</span>
        </h1>
        <div className="flex min-w-0 flex-wrap items-center justify-end gap-1 sm:gap-2 lg:flex-nowrap">
          {search}
          {/* Dashboard ⇄ inventory; narrow screens find both in the user menu. */}
          {inventory ? (
            <Link href="/" data-testid="dashboard-link" className={NAV_LINK}>
              Dashboard
            </Link>
          ) : (
            <Link
              href="/inventory"
              data-testid="inventory-link"
              title="Stock on hand per store and SKU"
              className={NAV_LINK}
            >
              Inventory
            </Link>
          )}
          {admin && (
            <>
              <Link
                href="/admin/users"
                data-testid="admin-link"
                title="Users, embeds and alert rules"
                className={NAV_LINK}
              >
                Admin
              </Link>
              <Link
                href="/ops/dead-letters"
                data-testid="ops-link"
                title="Operations: dead letters and re-drive"
                className={NAV_LINK}
              >
                Ops
              </Link>
            </>
          )}
          {children}
          <ThemeSelect className="tv:hidden" />
          <UserMenu />
        </div>
      </div>
    </header>
  );
}

function PulseMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6 rounded-md bg-foreground p-1 text-background">
      <path
        d="M2 12h4l2.5-6 4 12 3-8 1.5 2H22"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
