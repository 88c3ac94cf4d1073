// The embed token of the page, for the client's API fetches (fetch-json.ts) and its Socket.IO
// handshake (useLiveView.ts). Set by the embed's frame (EmbedFrame.tsx) before anything fetches;
// null on Pulse's own pages, which use the session cookie. Module state: one page, one embed.

let token: string | null = null;
let expired = false;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

/** The token API calls and sockets carry, or null outside embeds. */
export function embedToken(): string | null {
  return token;
}

/** A (fresh) token from the page or the portal; clears the expired state. */
export function setEmbedToken(next: string | null): void {
  if (next === token && !expired) return;
  token = next;
  expired = false;
  notify();
}

/** The server refused the token as expired (API 401 token_expired, or the socket handshake). */
export function reportEmbedTokenExpired(): void {
  if (token === null || expired) return;
  expired = true;
  notify();
}

export function isEmbedTokenExpired(): boolean {
  return expired;
}

/** The token's `exp` in milliseconds (read, not verified: the server verifies), or null. */
export function tokenExpiry(value: string): number | null {
  try {
    const payload = value.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Called on every change of the token or its expired state; returns the unsubscribe. */
export function onEmbedTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
