// GET /admin/users — users with their role and scope: create, change, disable, reset passwords, delete (admins).
import type { Metadata } from 'next';
import { db } from '@/lib/db';
import { getFilterOptions } from '@/lib/queries/dashboard/get-filter-options';
import { listUsers } from '@/lib/web/auth/admin-users';
import { pagePrincipal } from '@/lib/web/auth/request';
import { UsersPage } from './UsersPage';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Users — Admin — Pulse' };

export default async function Page() {
  const principal = await pagePrincipal();
  // server.ts admits admins only; a page rendered otherwise shows nothing of the users.
  if (principal.kind !== 'user' || principal.role !== 'admin') throw new Error('admins only');
  const [users, options] = await Promise.all([listUsers(db()), getFilterOptions(db())]);
  return <UsersPage initial={users} options={options} selfId={principal.userId} />;
}
