// GET /api/v1/admin/users — every user with role, scope and live sessions; POST — create a user (admins)

import { db } from '@/lib/db';
import { readJson } from '@/lib/web/auth/admin-input';
import { adminRoute, answer } from '@/lib/web/auth/admin-route';
import { createUser, listUsers, parseNewUser } from '@/lib/web/auth/admin-users';

export const dynamic = 'force-dynamic';

export const GET = adminRoute(async () => answer({ users: await listUsers(db()) }));

export const POST = adminRoute(async (request) =>
  answer({ user: await createUser(db(), parseNewUser(await readJson(request))) }, 201),
);
