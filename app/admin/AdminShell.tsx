'use client';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { AppHeader } from '@/components/common/AppHeader';
import { Breadcrumbs } from '@/components/common/Breadcrumbs';
import { cx } from '@/components/common/cx';

const TABS = [
  { href: '/admin/users', label: 'Users', id: 'users' },
  { href: '/admin/embeds', label: 'Embeds', id: 'embeds' },
  { href: '/admin/alerts', label: 'Alerts', id: 'alerts' },
  { href: '/admin/webhooks', label: 'Webhooks', id: 'webhooks' },
] as const;

/** Header, breadcrumbs and the Users | Embeds | Alerts | Webhooks tabs around an admin page. */
export function AdminShell({
  current,
  title,
  description,
  children,
}: {
  current: (typeof TABS)[number]['id'];
  title: string;
  description: ReactNode;
  children: ReactNode;
}) {
  const label = TABS.find((t) => t.id === current)?.label ?? '';
  return (
    <div className="min-h-screen">
      <AppHeader />
      <main className="mx-auto flex max-w-[1280px] flex-col gap-4 px-4 pt-5 pb-10 sm:px-6">
        <Breadcrumbs items={[{ label: 'Dashboard', href: '/' }, { label: 'Admin', href: '/admin' }, { label }]} />
        <nav aria-label="Administration" data-testid="admin-tabs" className="flex gap-1 border-b border-border">
          {TABS.map((tab) => (
            <Link
              key={tab.id}
              href={tab.href}
              data-testid={`admin-tab-${tab.id}`}
              aria-current={tab.id === current ? 'page' : undefined}
              className={cx(
                '-mb-px inline-flex h-9 items-center border-b-2 px-3 text-[13px] font-medium transition-colors',
                'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
                tab.id === current
                  ? 'border-foreground text-foreground'
                  : 'border-transparent text-muted-foreground hover:text-foreground',
              )}
            >
              {tab.label}
            </Link>
          ))}
        </nav>
        <header className="min-w-0">
          <h2 className="text-xl font-semibold tracking-tight">{title}</h2>
          <p className="mt-0.5 text-xs text-muted-foreground">{description}</p>
        </header>
        {children}
      </main>
    </div>
  );
}
