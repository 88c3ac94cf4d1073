// What the admin API's handlers share: the admin check (server.ts checked it already; handlers
// check again) and bodies parsed with their zod contract (lib/contract/admin-*.ts), a problem
// turned into a 400 naming the field. Pure: no I/O.
import type { z } from 'zod';
import { HttpError } from '@/lib/web/http-error';
import { ParamError } from '@/lib/web/overview-params';
import type { Principal, UserPrincipal } from './principal';

/** The acting admin, or a 403 for anyone else. */
export function adminOf(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user' || principal.role !== 'admin') {
    throw new HttpError(403, 'forbidden', 'Only an admin may do this');
  }
  return principal;
}

/** The body validated by `schema`; the first problem becomes a ParamError naming its field (`scope.stores`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
  let param = path.filter((p) => typeof p === 'string').join('.') || 'body';
  let message = issue?.message ?? 'the body is invalid';
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    param = [...path.filter((p) => typeof p === 'string'), key].join('.');
    message = `${param} is not a field of this request`;
  } else if (path.length > 0 && !message.startsWith(param)) {
    message = `${param}: ${message}`;
  }
  throw new ParamError(param, message);
}

/** A request's JSON body; 400 when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new ParamError('body', 'the body must be a JSON object');
  }
}
