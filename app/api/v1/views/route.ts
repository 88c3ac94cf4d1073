// GET /api/v1/views — the signed-in user's saved views; POST — save one ({name, query})

import { db } from '@/lib/db';
import { readJson } from '@/lib/web/auth/admin-input';
import { answer } from '@/lib/web/auth/admin-route';
import { userRoute } from '@/lib/web/auth/user-route';
import { createSavedView, listSavedViews, parseNewSavedView } from '@/lib/web/saved-views';

export const dynamic = 'force-dynamic';

export const GET = userRoute(async (_request, user) =>
  answer({ views: await listSavedViews(db(), BigInt(user.userId)) }),
);

export const POST = userRoute(async (request, user) => {
  const view = parseNewSavedView(await readJson(request), user.scope);
  return answer({ view: await createSavedView(db(), BigInt(user.userId), view) }, 201);
});
