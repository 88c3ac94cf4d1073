// Parameters of the dead-letter API: the list's query string and the re-drive body, parsed with
// the contract's schemas (lib/contract/dead-letters.ts). Errors name the parameter, like the
// view parameters (ParamError → 400 through lib/web/api-errors.ts).
import {
  DEAD_LETTER_PAGE_SIZE,
  deadLetterQuerySchema,
  MAX_DEAD_LETTER_PAGE_SIZE,
  MAX_REDRIVE_IDS,
  redriveBodySchema,
} from '@/lib/contract/dead-letters';
import { ParamError, paramErrorOf } from '@/lib/web/overview-params';

export { DEAD_LETTER_PAGE_SIZE, MAX_DEAD_LETTER_PAGE_SIZE, MAX_REDRIVE_IDS };

export interface DeadLetterQuery {
  /** Only this reason (`x-dlq-reason`). */
  reason?: string;
  limit: number;
  /** Cursor: only dead letters with a smaller id (older), from the previous page's `next_before`. */
  before?: bigint;
}

const QUERY_ORDER = ['reason', 'limit', 'before'];

function single(params: URLSearchParams, key: string): string | undefined {
  const all = params.getAll(key);
  if (all.length > 1) throw new ParamError(key, `${key} may be given only once`);
  return all[0] === '' ? undefined : all[0];
}

/** `limit` as the schema checks it: its number when it is 1–4 digits, else NaN (refused). */
function limitNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^[0-9]{1,4}$/.test(text) ? Number(text) : Number.NaN;
}

export function parseDeadLetterQuery(params: URLSearchParams): DeadLetterQuery {
  const given = { reason: single(params, 'reason'), limit: single(params, 'limit'), before: single(params, 'before') };
  const result = deadLetterQuerySchema.safeParse({ ...given, limit: limitNumber(given.limit) });
  if (!result.success) throw paramErrorOf(result.error, QUERY_ORDER);
  const { reason, limit, before } = result.data;
  return { reason, limit: limit ?? DEAD_LETTER_PAGE_SIZE, before: before === undefined ? undefined : BigInt(before) };
}

/** `{ "ids": [...] }` → distinct ids in the order given. */
export function parseRedriveBody(body: unknown): bigint[] {
  const result = redriveBodySchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    const param = path[0] === 'ids' ? 'ids' : 'body';
    const at = typeof path[1] === 'number' ? ` (ids[${path[1]}])` : '';
    throw new ParamError(param, `${issue?.message ?? 'the body is invalid'}${at}`);
  }
  return [...new Set(result.data.ids.map((id) => BigInt(id)))];
}
