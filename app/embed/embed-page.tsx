// What the embed pages (app/embed/[embed]/**) share: the principal (server.ts admitted only the
// token of this embed), the view opening with the embed's defaults, and the frame.
import 'server-only';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { EmbedFrame } from '@/components/embed/EmbedFrame';
import { embedPath } from '@/lib/contract/embed-path';
import { env } from '@/lib/env';
import type { EmbedPrincipal } from '@/lib/web/auth/principal';
import { pagePrincipal } from '@/lib/web/auth/request';
import { applyScope } from '@/lib/web/auth/scope';
import { QUERY_KEYS } from '@/lib/web/overview-params';
import { type PageSearchParams, toSearchParams } from '@/lib/web/search-params';

/** The embed's principal; the gate lets nobody else reach these pages. */
export async function embedPrincipal(): Promise<EmbedPrincipal> {
  const principal = await pagePrincipal();
  if (principal.kind !== 'embed') notFound();
  return principal;
}

/**
 * The view of the URL; a URL without view parameters (the portal's first load) opens with the
 * embed's defaults, when they lie inside its lock (else with none).
 */
export async function embedSearch(principal: EmbedPrincipal, raw: Promise<PageSearchParams>): Promise<URLSearchParams> {
  const search = toSearchParams(await raw);
  if (QUERY_KEYS.some((key) => search.has(key))) return search;
  try {
    applyScope(principal.defaults, principal.scope);
  } catch {
    return search;
  }
  for (const key of QUERY_KEYS) {
    const value = principal.defaults[key];
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) search.append(key, v);
  }
  return search;
}

/** A Pulse path (a store page's redirect) inside this embed. */
export const inEmbed = (principal: EmbedPrincipal) => (path: string) => embedPath(principal.embedId, path);

export function EmbedPage({ principal, children }: { principal: EmbedPrincipal; children: ReactNode }) {
  return (
    <EmbedFrame
      settings={{
        embedId: principal.embedId,
        view: principal.view,
        links: principal.links,
        allowedOrigins: env().EMBED_ALLOWED_ORIGINS,
        scope: principal.scope,
        token: principal.token,
      }}
      accent={principal.accent}
    >
      {children}
    </EmbedFrame>
  );
}
