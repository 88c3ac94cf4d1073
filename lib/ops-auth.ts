// Access to ops actions (re-driving dead letters). They are off unless OPS_TOKEN is set, and
// then need `Authorization: Bearer <OPS_TOKEN>`: the dashboard is made to be shown on walls
// and embedded in other pages, where nobody should be able to write to Kafka by accident.
import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './api-errors';
import { env } from './env';

/** Whether this web process accepts ops actions at all. */
export function opsActionsEnabled(): boolean {
  return env().OPS_TOKEN !== undefined;
}

// Hashing first gives equal-length inputs, so the comparison takes the same time whatever
// the length of the guess.
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Throws a 403 when ops actions are off, a 401 without the right bearer token. */
export function requireOpsToken(request: Request): void {
  const token = env().OPS_TOKEN;
  if (token === undefined) {
    throw new HttpError(403, 'ops_disabled', 'Ops actions are off: start the web server with OPS_TOKEN set');
  }
  const challenge = { 'www-authenticate': 'Bearer realm="pulse-ops"' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match) {
    throw new HttpError(
      401,
      'unauthorized',
      'This action needs the header Authorization: Bearer <OPS_TOKEN>',
      challenge,
    );
  }
  if (!timingSafeEqual(digest(match[1] as string), digest(token))) {
    throw new HttpError(401, 'unauthorized', 'The ops token is not valid', challenge);
  }
}
