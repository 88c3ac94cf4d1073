// The handlers of POST /api/v1/alerts/{id}/acknowledge, /snooze, /accept and /dismiss: the role
// check again (server.ts admitted admins and merchandisers only; this is the second line), the
// body parsed with its contract, the action applied in the caller's scope (outside it: 404) with
// the signed-in user as the actor, errors through handleApiError, answers never cached.
import 'server-only';
import type { AlertActionName } from '@/lib/contract/alerts';
import { db } from '@/lib/db';
import { actOnEpisode, type EpisodeAction } from '@/lib/queries/actions/act-on-episode';
import {
  parseAcknowledgeBody,
  parseAlertId,
  parseDecisionBody,
  parseSnoozeBody,
  readOptionalJson,
} from '@/lib/web/alerts-params';
import { handleApiError } from '@/lib/web/api-errors';
import { ACTORS } from '@/lib/web/auth/access-rules';
import { answer } from '@/lib/web/auth/admin-route';
import type { Principal, UserPrincipal } from '@/lib/web/auth/principal';
import { requestPrincipal } from '@/lib/web/auth/request';
import { HttpError } from '@/lib/web/http-error';

type Context = { params: Promise<{ id: string }> };

/** The acting user: an admin or merchandiser; 401 for nobody, 403 for anyone else. */
export function actorOf(principal: Principal): UserPrincipal {
  if (principal.kind === 'anonymous') throw new HttpError(401, 'unauthorized', 'Sign in to see this');
  if (principal.kind !== 'user' || !ACTORS.includes(principal.role)) {
    throw new HttpError(403, 'forbidden', 'Only an admin or merchandiser may act on alerts and suggestions');
  }
  return principal;
}

function actionOf(name: AlertActionName, body: unknown): EpisodeAction {
  if (name === 'acknowledge') {
    parseAcknowledgeBody(body);
    return { name };
  }
  if (name === 'snooze') return { name, until: parseSnoozeBody(body) };
  return { name, ...parseDecisionBody(body) };
}

export function alertActionRoute(name: AlertActionName): (request: Request, context: Context) => Promise<Response> {
  return async (request, { params }) => {
    try {
      const user = actorOf(requestPrincipal(request));
      const id = parseAlertId((await params).id);
      const action = actionOf(name, await readOptionalJson(request));
      const result = await actOnEpisode(db(), id, action, { userId: user.userId, email: user.email }, user.scope);
      return answer(result);
    } catch (error) {
      return handleApiError(error);
    }
  };
}
