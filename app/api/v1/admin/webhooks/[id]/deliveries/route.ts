// GET /api/v1/admin/webhooks/:id/deliveries — the delivery log: latest deliveries with every try (admins)

import { db } from '@/lib/db';
import { listDeliveries, parseDeliveriesQuery, parseWebhookId } from '@/lib/web/admin-webhooks';
import { adminRoute, answer } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>(async (request, _admin, { params }) => {
  const id = parseWebhookId((await params).id);
  const query = parseDeliveriesQuery(new URL(request.url).searchParams);
  return answer({ deliveries: await listDeliveries(db(), id, query) });
});
