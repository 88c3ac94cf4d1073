import { embedToken, reportEmbedTokenExpired } from '@/components/embed/embed-token';

/**
 * GET a JSON API resource; a failure throws with the API's error message (or the HTTP status).
 * In an embed the request carries the embed's token (`Authorization: Bearer`), and a 401
 * `token_expired` marks the token expired (EmbedFrame.tsx then says so).
 */
export async function fetchJson<T>(url: string, signal: AbortSignal): Promise<T> {
  const token = embedToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { signal, cache: 'no-store', headers });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      if (body.error?.message) message = body.error.message;
      if (res.status === 401 && body.error?.code === 'token_expired') reportEmbedTokenExpired();
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(message);
  }
  return (await res.json()) as T;
}
