// Parameters of the dead-letter API: the list's query string and the re-drive body. Errors
// name the parameter, like the view parameters (ParamError → 400 through lib/api-errors.ts).
import { z } from 'zod';
import { ParamError } from './overview-params';
import { DEAD_LETTER_PAGE_SIZE, MAX_DEAD_LETTER_PAGE_SIZE, MAX_REDRIVE_IDS } from './queries/dead-letters.types';

export { DEAD_LETTER_PAGE_SIZE, MAX_DEAD_LETTER_PAGE_SIZE, MAX_REDRIVE_IDS };

export interface DeadLetterQuery {
  /** Only this reason (`x-dlq-reason`). */
  reason?: string;
  limit: number;
  /** Cursor: only dead letters with a smaller id (older), from the previous page's `next_before`. */
  before?: bigint;
}

// Reasons are data (rows keep the reason of the worker version that wrote them), so any
// well-formed reason is a valid filter; an unknown one simply matches nothing.
const REASON = /^[a-z][a-z0-9_]{0,63}$/;
const ID = /^[1-9][0-9]{0,17}$/;

function single(params: URLSearchParams, key: string): string | undefined {
  const all = params.getAll(key);
  if (all.length > 1) throw new ParamError(key, `${key} may be given only once`);
  return all[0] === '' ? undefined : all[0];
}

export function parseDeadLetterQuery(params: URLSearchParams): DeadLetterQuery {
  const reason = single(params, 'reason');
  if (reason !== undefined && !REASON.test(reason)) {
    throw new ParamError('reason', 'reason must be a rejection reason such as invalid_json or currency_mismatch');
  }
  const limitText = single(params, 'limit');
  const limit =
    limitText === undefined ? DEAD_LETTER_PAGE_SIZE : /^[0-9]{1,4}$/.test(limitText) ? Number(limitText) : 0;
  if (limit < 1 || limit > MAX_DEAD_LETTER_PAGE_SIZE) {
    throw new ParamError('limit', `limit must be an integer from 1 to ${MAX_DEAD_LETTER_PAGE_SIZE}`);
  }
  const beforeText = single(params, 'before');
  if (beforeText !== undefined && !ID.test(beforeText)) {
    throw new ParamError('before', 'before must be a dead letter id (the next_before of the previous page)');
  }
  return { reason, limit, before: beforeText === undefined ? undefined : BigInt(beforeText) };
}

const redriveBody = z.object(
  {
    ids: z
      .array(
        z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(ID)], {
          error: 'each id must be a positive integer',
        }),
        { error: 'ids must be an array of dead letter ids' },
      )
      .min(1, 'ids must name at least one dead letter')
      .max(MAX_REDRIVE_IDS, `ids may name at most ${MAX_REDRIVE_IDS} dead letters per request`),
  },
  { error: 'the body must be a JSON object such as {"ids": [1, 2]}' },
);

/** `{ "ids": [...] }` → distinct ids in the order given. */
export function parseRedriveBody(body: unknown): bigint[] {
  const result = redriveBody.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    const param = path[0] === 'ids' ? 'ids' : 'body';
    const at = typeof path[1] === 'number' ? ` (ids[${path[1]}])` : '';
    throw new ParamError(param, `${issue?.message ?? 'the body is invalid'}${at}`);
  }
  return [...new Set(result.data.ids.map((id) => BigInt(id)))];
}
