// GET /api/v1/admin/webhooks — every webhook with its delivery counts; POST — create one, its secret in the answer once (admins)

import { db } from '@/lib/db';
import { createWebhook, listWebhooks, parseNewWebhook } from '@/lib/web/admin-webhooks';
import { readJson } from '@/lib/web/auth/admin-input';
import { adminRoute, answer } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

export const GET = adminRoute(async () => answer({ webhooks: await listWebhooks(db()) }));

export const POST = adminRoute(async (request) => {
  const input = parseNewWebhook(await readJson(request));
  return answer({ webhook: await createWebhook(db(), input) }, 201);
});
