// PATCH /api/v1/admin/webhooks/:id — change name, url, types or enabled; DELETE — remove it with its delivery log (admins)

import { db } from '@/lib/db';
import { deleteWebhook, parseWebhookId, parseWebhookPatch, updateWebhook } from '@/lib/web/admin-webhooks';
import { readJson } from '@/lib/web/auth/admin-input';
import { adminRoute, answer, noContent } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const PATCH = adminRoute<Context>(async (request, _admin, { params }) => {
  const id = parseWebhookId((await params).id);
  return answer({ webhook: await updateWebhook(db(), id, parseWebhookPatch(await readJson(request))) });
});

export const DELETE = adminRoute<Context>(async (_request, _admin, { params }) => {
  await deleteWebhook(db(), parseWebhookId((await params).id));
  return noContent();
});
