// PATCH /api/v1/admin/alert-rules/:id — change a rule, disable ({"enabled": false}) or enable it; DELETE — remove one with no open alert (admins)

import { db } from '@/lib/db';
import { deleteRule, parseAlertRuleId, parseAlertRulePatch, updateRule } from '@/lib/web/admin-alert-rules';
import { readJson } from '@/lib/web/auth/admin-input';
import { adminRoute, answer, noContent } from '@/lib/web/auth/admin-route';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

export const PATCH = adminRoute<Context>(async (request, admin, { params }) => {
  const id = parseAlertRuleId((await params).id);
  const patch = parseAlertRulePatch(await readJson(request));
  return answer({ rule: await updateRule(db(), id, patch, BigInt(admin.userId)) });
});

export const DELETE = adminRoute<Context>(async (_request, _admin, { params }) => {
  await deleteRule(db(), parseAlertRuleId((await params).id));
  return noContent();
});
