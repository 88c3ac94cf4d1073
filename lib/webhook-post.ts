// One signed webhook POST (README "Webhooks"), shared by the deliverer (workers/actions/webhooks.ts)
// and the admin's "send test" (lib/web/admin-webhooks.ts), so both send exactly the same request:
// JSON body, WEBHOOK_HEADERS, a timeout, redirects not followed (a 3xx is a failure: the
// signature is for the URL the admin entered, not wherever it points).
import { WEBHOOK_HEADERS } from '@/lib/contract/actions';
import { type AttemptOutcome, signWebhook, webhookTimestamp } from '@/lib/domain/webhooks';

export const WEBHOOK_USER_AGENT = 'Pulse-Webhooks/1';

/** Longest piece of a failed answer's body kept in the delivery log. */
const ERROR_BODY_CHARS = 200;

export interface WebhookRequest {
  url: string;
  secret: string;
  actionId: string;
  actionType: string;
  /** The JSON body, exactly as signed and sent. */
  body: string;
}

export interface PostResult {
  outcome: AttemptOutcome;
  durationMs: number;
}

function describeError(error: unknown, timeoutMs: number): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message}: ${cause}` : err.message;
}

async function failureText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, ERROR_BODY_CHARS);
  return excerpt ? `HTTP ${res.status}: ${excerpt}` : `HTTP ${res.status}`;
}

/** POSTs one delivery; never throws: a refused connection or a timeout is an outcome too. */
export async function postWebhook(request: WebhookRequest, timeoutMs: number, nowMs = Date.now()): Promise<PostResult> {
  const timestamp = webhookTimestamp(nowMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        [WEBHOOK_HEADERS.signature]: signWebhook(request.secret, timestamp, request.body),
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.actionId]: request.actionId,
        [WEBHOOK_HEADERS.actionType]: request.actionType,
      },
      body: request.body,
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { outcome: { ok: true, status: res.status }, durationMs: elapsed() };
    }
    const error = await failureText(res);
    return { outcome: { ok: false, status: res.status, error }, durationMs: elapsed() };
  } catch (error) {
    return { outcome: { ok: false, status: null, error: describeError(error, timeoutMs) }, durationMs: elapsed() };
  }
}
