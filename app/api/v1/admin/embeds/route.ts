// GET /api/v1/admin/embeds — every embed; POST — create one for a portal (admins)

import { db } from '@/lib/db';
import { createEmbed, listEmbeds, parseNewEmbed } from '@/lib/web/auth/admin-embeds';
import { readJson } from '@/lib/web/auth/admin-input';
import { adminRoute, answer } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

export const GET = adminRoute(async () => answer({ embeds: await listEmbeds(db()) }));

export const POST = adminRoute(async (request, admin) => {
  const settings = parseNewEmbed(await readJson(request));
  return answer({ embed: await createEmbed(db(), settings, BigInt(admin.userId)) }, 201);
});
