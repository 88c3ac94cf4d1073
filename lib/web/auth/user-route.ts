// Route handlers of a signed-in user's own things (saved views): the user is the one server.ts
// admitted (embed tokens and the ops token have no user: 403), errors through handleApiError,
// answers never cached.
import 'server-only';
import { handleApiError } from '@/lib/web/api-errors';
import { HttpError } from '@/lib/web/http-error';
import type { UserPrincipal } from './principal';
import { requestPrincipal } from './request';

type Handler<C> = (request: Request, user: UserPrincipal, context: C) => Promise<Response>;

export function userRoute<C = unknown>(handle: Handler<C>): (request: Request, context: C) => Promise<Response> {
  return async (request, context) => {
    try {
      const principal = requestPrincipal(request);
      if (principal.kind === 'anonymous') throw new HttpError(401, 'unauthorized', 'Sign in to see this');
      if (principal.kind !== 'user') throw new HttpError(403, 'forbidden', 'Only a signed-in user has saved views');
      return await handle(request, principal, context);
    } catch (error) {
      return handleApiError(error);
    }
  };
}
