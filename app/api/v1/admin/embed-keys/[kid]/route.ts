// DELETE /api/v1/admin/embed-keys/:kid — remove a signing key: tokens signed with it stop working (admins)

import { db } from '@/lib/db';
import { deleteEmbedKey, parseKeyId } from '@/lib/web/auth/admin-embeds';
import { adminRoute, noContent } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

export const DELETE = adminRoute<{ params: Promise<{ kid: string }> }>(async (_request, _admin, { params }) => {
  await deleteEmbedKey(db(), parseKeyId((await params).kid));
  return noContent();
});
