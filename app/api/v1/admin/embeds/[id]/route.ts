// PATCH /api/v1/admin/embeds/:id — change an embed, revoke ({"revoked": true}) or restore it; DELETE — remove it (admins)

import { db } from '@/lib/db';
import { deleteEmbed, parseEmbedId, parseEmbedPatch, updateEmbed } from '@/lib/web/auth/admin-embeds';
import { readJson } from '@/lib/web/auth/admin-input';
import { adminRoute, answer, noContent } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const PATCH = adminRoute<Context>(async (request, _admin, { params }) => {
  const id = parseEmbedId((await params).id);
  return answer({ embed: await updateEmbed(db(), id, parseEmbedPatch(await readJson(request))) });
});

export const DELETE = adminRoute<Context>(async (_request, _admin, { params }) => {
  await deleteEmbed(db(), parseEmbedId((await params).id));
  return noContent();
});
