// PATCH /api/v1/admin/users/:id — change name, role, scope, disabled or password; DELETE — remove the user (admins)

import { db } from '@/lib/db';
import { readJson } from '@/lib/web/auth/admin-input';
import { adminRoute, answer, noContent } from '@/lib/web/auth/admin-route';
import { deleteUser, parseUserId, parseUserPatch, updateUser } from '@/lib/web/auth/admin-users';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const PATCH = adminRoute<Context>(async (request, _admin, { params }) => {
  const id = parseUserId((await params).id);
  return answer({ user: await updateUser(db(), id, parseUserPatch(await readJson(request))) });
});

export const DELETE = adminRoute<Context>(async (_request, _admin, { params }) => {
  await deleteUser(db(), parseUserId((await params).id));
  return noContent();
});
