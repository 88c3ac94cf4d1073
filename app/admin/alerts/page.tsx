// GET /admin/alerts — the alert rules the actions worker evaluates: create, change, enable or disable, delete (admins).
import type { Metadata } from 'next';
import { db } from '@/lib/db';
import { getFilterOptions } from '@/lib/queries/dashboard/get-filter-options';
import { listRules } from '@/lib/web/admin-alert-rules';
import { pagePrincipal } from '@/lib/web/auth/request';
import { AlertsPage } from './AlertsPage';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Alert rules — Admin — Pulse' };

export default async function Page() {
  const principal = await pagePrincipal();
  // server.ts admits admins only; a page rendered otherwise shows nothing of the rules.
  if (principal.kind !== 'user' || principal.role !== 'admin') throw new Error('admins only');
  const [rules, options] = await Promise.all([listRules(db()), getFilterOptions(db())]);
  return <AlertsPage initial={rules} options={options} />;
}
