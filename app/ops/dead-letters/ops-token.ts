// The ops token, asked for when an admin's session is refused mid re-drive: kept for this tab
// only (sessionStorage). A window event tells the page's parts when it was given or dropped.
const TOKEN_KEY = 'pulse-ops-token';
const TOKEN_EVENT = 'pulse-ops-token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token is asked for again next time
  }
}

/** Tells listeners (onTokenChange) that the kept token may have changed. */
export function announceTokenChange(): void {
  window.dispatchEvent(new Event(TOKEN_EVENT));
}

/** Calls `listener` on every announceTokenChange; returns the unsubscribe. */
export function onTokenChange(listener: () => void): () => void {
  window.addEventListener(TOKEN_EVENT, listener);
  return () => window.removeEventListener(TOKEN_EVENT, listener);
}
