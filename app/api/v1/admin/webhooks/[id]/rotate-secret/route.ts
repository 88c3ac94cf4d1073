// POST /api/v1/admin/webhooks/:id/rotate-secret — a new signing secret at once, in the answer once (admins)

import { db } from '@/lib/db';
import { parseWebhookId, rotateWebhookSecret } from '@/lib/web/admin-webhooks';
import { adminRoute, answer } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const POST = adminRoute<Context>(async (_request, _admin, { params }) =>
  answer({ webhook: await rotateWebhookSecret(db(), parseWebhookId((await params).id)) }),
);
