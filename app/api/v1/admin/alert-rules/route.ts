// GET /api/v1/admin/alert-rules — every alert rule with its open alerts; POST — create one (admins)

import { db } from '@/lib/db';
import { createRule, listRules, parseNewAlertRule } from '@/lib/web/admin-alert-rules';
import { readJson } from '@/lib/web/auth/admin-input';
import { adminRoute, answer } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

export const GET = adminRoute(async () => answer({ rules: await listRules(db()) }));

export const POST = adminRoute(async (request, admin) => {
  const settings = parseNewAlertRule(await readJson(request));
  return answer({ rule: await createRule(db(), settings, BigInt(admin.userId)) }, 201);
});
