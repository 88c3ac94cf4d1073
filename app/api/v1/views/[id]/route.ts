// PATCH /api/v1/views/:id — rename a saved view or give it the current query; DELETE — remove it (its owner only)

import { db } from '@/lib/db';
import { readJson } from '@/lib/web/auth/admin-input';
import { answer, noContent } from '@/lib/web/auth/admin-route';
import { userRoute } from '@/lib/web/auth/user-route';
import { deleteSavedView, parseSavedViewId, parseSavedViewPatch, updateSavedView } from '@/lib/web/saved-views';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const PATCH = userRoute<Context>(async (request, user, { params }) => {
  const id = parseSavedViewId((await params).id);
  const patch = parseSavedViewPatch(await readJson(request), user.scope);
  return answer({ view: await updateSavedView(db(), BigInt(user.userId), id, patch) });
});

export const DELETE = userRoute<Context>(async (_request, user, { params }) => {
  await deleteSavedView(db(), BigInt(user.userId), parseSavedViewId((await params).id));
  return noContent();
});
