// What the admin pages share on the client: the API call and the look of their form controls
// (buttons: components/common/buttons.ts).

/** A refusal of the admin API: its message, and the field at fault (`error.param`) when it names one. */
export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** A JSON request to the admin API (same origin: the session cookie goes along); throws an AdminApiError with the API's message. */
export async function sendJson<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(url, {
    method,
    cache: 'no-store',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const parsed = (await res.json().catch(() => null)) as (T & { error?: { message?: string; param?: string } }) | null;
  if (!res.ok || parsed === null)
    throw new AdminApiError(parsed?.error?.message ?? `HTTP ${res.status}`, parsed?.error?.param);
  return parsed;
}

/** Copies text; false when the browser refuses (no clipboard permission, insecure origin). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export const INPUT =
  'mt-1 block h-9 w-full min-w-0 rounded-lg border border-border bg-background px-3 text-[13px] text-foreground outline-none focus-visible:outline-2 focus-visible:outline-ring disabled:opacity-60';
export const LABEL = 'block text-xs font-medium text-foreground';
export const HINT = 'mt-1 text-[11px] text-muted-foreground';

export const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
