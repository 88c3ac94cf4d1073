'use client';
// What an embed's client components need to know about it: where its links go, which origins
// its messages go to and come from, and its lock (lib/web/auth/scope.ts). Null on Pulse's own
// pages, where every hook below leaves things as they are.
import Link from 'next/link';
import {
  type ComponentProps,
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useSyncExternalStore,
} from 'react';
import { embedPath } from '@/lib/contract/embed-path';
import { applyScope, type Scope } from '@/lib/web/auth/scope';
import { type OverviewQuery, toOverviewQuery } from '@/lib/web/overview-params';
import { embedToken, onEmbedTokenChange } from './embed-token';

export interface EmbedSettings {
  embedId: string;
  /** What the embed's own page (`/embed/<id>`) shows. */
  view: 'dashboard' | 'product' | 'store';
  /** Drill-down links stay inside the embed, or open Pulse's own page in a new tab. */
  links: 'embed' | 'new_tab';
  /** The portals' origins (EMBED_ALLOWED_ORIGINS): targetOrigin of messages, and the only senders heard. */
  allowedOrigins: readonly string[];
  /** The embed's lock, narrowed by the token: filters from the portal must stay inside it. */
  scope: Scope;
  /** The token the page was opened with (`?token=`); a fresh one from the portal replaces it (embed-token.ts). */
  token: string;
}

const EmbedContext = createContext<EmbedSettings | null>(null);

export function EmbedProvider({ settings, children }: { settings: EmbedSettings; children: ReactNode }) {
  return <EmbedContext.Provider value={settings}>{children}</EmbedContext.Provider>;
}

export function useEmbed(): EmbedSettings | null {
  return useContext(EmbedContext);
}

function withToken(path: string, token: string | null): string {
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** Post a message to the portal framing this page, to each allowed origin (only a match is delivered). */
export function postToPortal(settings: EmbedSettings, message: Record<string, unknown>): void {
  if (typeof window === 'undefined' || window.parent === window) return;
  for (const origin of settings.allowedOrigins) window.parent.postMessage(message, origin);
}

/** A message from the portal framing this page, from an allowed origin; null otherwise. */
export function portalMessage(settings: EmbedSettings, event: MessageEvent): Record<string, unknown> | null {
  if (event.source !== window.parent || !settings.allowedOrigins.includes(event.origin)) return null;
  const data: unknown = event.data;
  return typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string'
    ? (data as Record<string, unknown>)
    : null;
}

/** Where a page of another view (a route's answer) goes: Pulse's path, or the embed's. */
export function useViewPath(): (path: string) => string {
  const embed = useEmbed();
  return useCallback((path: string) => (embed ? embedPath(embed.embedId, path) : path), [embed]);
}

/**
 * A drill-down link (product, store, dashboard): Pulse's page on Pulse; in an embed, the
 * embed's page with the current token, or Pulse's page in a new tab (`links: new_tab`).
 */
export function ViewLink({ href, ...props }: Omit<ComponentProps<typeof Link>, 'href'> & { href: string }) {
  const embed = useEmbed();
  if (!embed) return <Link href={href} {...props} />;
  if (embed.links === 'new_tab') return <a href={href} target="_blank" rel="noopener" {...props} />;
  return <EmbedLink embed={embed} href={href} {...props} />;
}

function EmbedLink({ embed, href, ...props }: ComponentProps<typeof Link> & { embed: EmbedSettings; href: string }) {
  // The current token: a fresh one from the portal re-renders the link.
  const token = useSyncExternalStore(
    onEmbedTokenChange,
    () => embedToken() ?? embed.token,
    () => embed.token,
  );
  return <Link href={withToken(embedPath(embed.embedId, href), token)} prefetch={false} {...props} />;
}

/**
 * The portal side of a view in an embed: tells the portal which view is shown
 * (`pulse:view`) and takes `pulse:set-filters` from it, within the lock. No-op elsewhere.
 */
export function useEmbedView(query: OverviewQuery, navigate: (next: OverviewQuery) => void): void {
  const embed = useEmbed();
  const latest = useRef({ query, navigate });
  latest.current = { query, navigate };

  useEffect(() => {
    if (!embed) return;
    postToPortal(embed, { type: 'pulse:view', path: window.location.pathname, query });
  }, [embed, query]);

  useEffect(() => {
    if (!embed) return;
    const onMessage = (event: MessageEvent) => {
      const message = portalMessage(embed, event);
      if (message?.type !== 'pulse:set-filters') return;
      const filters = message.filters;
      if (typeof filters !== 'object' || filters === null) return;
      try {
        const given = toOverviewQuery(filters as Record<string, unknown>);
        const next = { ...latest.current.query, ...given };
        applyScope(next, embed.scope); // throws outside the lock: the portal's filters are ignored
        latest.current.navigate(next);
      } catch (err) {
        console.warn('pulse: filters from the portal ignored:', (err as Error).message);
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [embed]);
}
