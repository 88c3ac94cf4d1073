// The page's calls to the dead-letter API (list pages, re-drive), and how a fetched page
// joins the rows already on screen.
import type { DeadLetter, DeadLetterList, RedriveResponse } from '@/lib/contract/dead-letters';

/** The server refused the ops token (or the session, when none was sent): HTTP 401. */
export class TokenRejected extends Error {}

export async function postRedrive(ids: number[], token: string | null): Promise<RedriveResponse> {
  const res = await fetch('/api/v1/dead-letters/redrive', {
    method: 'POST',
    cache: 'no-store',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ ids }),
  });
  const body = (await res.json().catch(() => null)) as (RedriveResponse & { error?: { message?: string } }) | null;
  const message = body?.error?.message ?? `HTTP ${res.status}`;
  if (res.status === 401) throw new TokenRejected(message);
  if (!res.ok || !body) throw new Error(message);
  return body;
}

export function listUrl(reason: string | undefined, limit: number, before?: number): string {
  const params = new URLSearchParams();
  if (reason) params.set('reason', reason);
  params.set('limit', String(limit));
  if (before !== undefined) params.set('before', String(before));
  return `/api/v1/dead-letters?${params}`;
}

/** The rows on screen and the cursor of the next older page (null: none left). */
export interface Loaded {
  rows: DeadLetter[];
  nextBefore: number | null;
}

/**
 * A fresh first page replaces the rows it covers (ids down to its oldest); older rows loaded
 * with "Load more" stay, so a refresh never shortens what the reader scrolled to.
 */
export function mergeFresh(current: Loaded, fresh: DeadLetterList): Loaded {
  const oldest = fresh.dead_letters.at(-1)?.id;
  if (fresh.next_before === null || oldest === undefined) {
    return { rows: fresh.dead_letters, nextBefore: fresh.next_before };
  }
  const below = current.rows.filter((r) => r.id < oldest);
  return {
    rows: [...fresh.dead_letters, ...below],
    nextBefore: below.length > 0 ? current.nextBefore : fresh.next_before,
  };
}

/** An older page goes below the rows on screen; rows a refresh already brought are not repeated. */
export function appendOlder(current: Loaded, page: DeadLetterList): Loaded {
  const oldest = current.rows.at(-1)?.id ?? Number.POSITIVE_INFINITY;
  return { rows: [...current.rows, ...page.dead_letters.filter((r) => r.id < oldest)], nextBefore: page.next_before };
}
