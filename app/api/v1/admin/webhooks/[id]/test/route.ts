// POST /api/v1/admin/webhooks/:id/test — POST a signed webhook.test body to the hook now and log it (admins)

import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { parseWebhookId, sendTestDelivery } from '@/lib/web/admin-webhooks';
import { adminRoute, answer } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const POST = adminRoute<Context>(async (_request, _admin, { params }) => {
  const id = parseWebhookId((await params).id);
  return answer({ delivery: await sendTestDelivery(db(), id, env().WEBHOOK_TIMEOUT_MS) });
});
