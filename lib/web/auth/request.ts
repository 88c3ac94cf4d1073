// The principal server.ts admitted, as pages and route handlers read it, and the scope that
// holds their views. Every view a page, API route or CSV export computes goes through
// `scopedQuery`: the gate has already refused filters outside the scope (403); here no filter
// becomes the whole scope, so totals are computed over the scope only.
import 'server-only';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { HttpError } from '@/lib/web/api-errors';
import type { OverviewQuery } from '@/lib/web/overview-params';
import { decodePrincipal, PRINCIPAL_HEADER, type Principal, scopeOf } from './principal';
import { applyScope, type Scope } from './scope';

/** In a route handler. */
export function requestPrincipal(request: Request): Principal {
  return decodePrincipal(request.headers.get(PRINCIPAL_HEADER));
}

/** In a page (server component). */
export async function pagePrincipal(): Promise<Principal> {
  return decodePrincipal((await headers()).get(PRINCIPAL_HEADER));
}

/** The scope of a reader (user or embed); throws 401 for anyone else. */
export function readerScope(principal: Principal): Scope {
  if (principal.kind === 'anonymous' || principal.kind === 'ops') {
    throw new HttpError(401, 'unauthorized', 'Sign in to see this');
  }
  return scopeOf(principal);
}

/** The query narrowed to what the principal may see; throws ScopeError (403) for filters outside it. */
export function scopedQuery<Q extends OverviewQuery>(query: Q, principal: Principal): Q {
  return applyScope(query, readerScope(principal));
}

/**
 * The scope of a dashboard page's viewer. server.ts has checked access already; should a page
 * ever be reached without it (Next run on its own), nobody is sent to sign in rather than shown
 * everything.
 */
export async function pageScope(): Promise<Scope> {
  const principal = await pagePrincipal();
  if (principal.kind === 'user' || principal.kind === 'embed') return scopeOf(principal);
  redirect('/signin');
}

/** For admin pages: the same guard, for admins only. */
export async function requireAdminPage(): Promise<void> {
  const principal = await pagePrincipal();
  if (principal.kind !== 'user') redirect('/signin');
  if (principal.role !== 'admin') notFound(); // server.ts answers 403 before this
}
