// GET /admin/webhooks — webhooks that receive the actions (create with a secret shown once, edit, disable, rotate, delete, send test) and their delivery log (admins).
import type { Metadata } from 'next';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { listWebhooks } from '@/lib/web/admin-webhooks';
import { pagePrincipal } from '@/lib/web/auth/request';
import { WebhooksPage } from './WebhooksPage';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Webhooks — Admin — Pulse' };

export default async function Page() {
  const principal = await pagePrincipal();
  // server.ts admits admins only; a page rendered otherwise shows nothing of the webhooks.
  if (principal.kind !== 'user' || principal.role !== 'admin') throw new Error('admins only');
  const config = env();
  return (
    <WebhooksPage
      initial={await listWebhooks(db())}
      maxAttempts={config.WEBHOOK_MAX_ATTEMPTS}
      timeoutMs={config.WEBHOOK_TIMEOUT_MS}
    />
  );
}
