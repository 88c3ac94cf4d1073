// The admin API's route handlers: the admin check again (server.ts admitted admins only; this
// is the second line), errors through handleApiError, answers never cached.
import 'server-only';
import { NextResponse } from 'next/server';
import { handleApiError } from '@/lib/web/api-errors';
import { adminOf } from './admin-input';
import type { UserPrincipal } from './principal';
import { requestPrincipal } from './request';

type Handler<C> = (request: Request, admin: UserPrincipal, context: C) => Promise<Response>;

export function adminRoute<C = unknown>(handle: Handler<C>): (request: Request, context: C) => Promise<Response> {
  return async (request, context) => {
    try {
      return await handle(request, adminOf(requestPrincipal(request)), context);
    } catch (error) {
      return handleApiError(error);
    }
  };
}

export function answer(body: unknown, status = 200): NextResponse {
  return NextResponse.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

export const noContent = () => new NextResponse(null, { status: 204 });
