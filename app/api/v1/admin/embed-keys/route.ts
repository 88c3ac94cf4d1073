// GET /api/v1/admin/embed-keys — signing keys (ids and dates, never secrets); POST — a new key, its secret shown once (admins)

import { db } from '@/lib/db';
import { createEmbedKey, listEmbedKeys } from '@/lib/web/auth/admin-embeds';
import { adminRoute, answer } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

export const GET = adminRoute(async () => answer({ keys: await listEmbedKeys(db()) }));

// A key has nothing to choose: any body is ignored.
export const POST = adminRoute(async () => answer({ key: await createEmbedKey(db()) }, 201));
