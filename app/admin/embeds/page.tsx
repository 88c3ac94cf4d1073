// GET /admin/embeds — embeds for portals (create, revoke, delete, iframe snippet) and the keys portals sign tokens with (admins).
import type { Metadata } from 'next';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { getFilterOptions } from '@/lib/queries/dashboard/get-filter-options';
import { listEmbedKeys, listEmbeds } from '@/lib/web/auth/admin-embeds';
import { pagePrincipal } from '@/lib/web/auth/request';
import { EmbedsPage } from './EmbedsPage';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Embeds — Admin — Pulse' };

export default async function Page() {
  const principal = await pagePrincipal();
  // server.ts admits admins only; a page rendered otherwise shows nothing of the embeds.
  if (principal.kind !== 'user' || principal.role !== 'admin') throw new Error('admins only');
  const [embeds, keys, options] = await Promise.all([listEmbeds(db()), listEmbedKeys(db()), getFilterOptions(db())]);
  const config = env();
  return (
    <EmbedsPage
      initialEmbeds={embeds}
      initialKeys={keys}
      options={options}
      audience={config.EMBED_TOKEN_AUDIENCE}
      maxTtlSeconds={config.EMBED_TOKEN_MAX_TTL_SECONDS}
    />
  );
}
