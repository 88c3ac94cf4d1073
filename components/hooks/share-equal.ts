/**
 * `next` with every part deep-equal to the same part of `prev` replaced by `prev`'s (JSON-like
 * values: objects, arrays, primitives). A push rebuilds the whole view; sharing what did not
 * change lets memoised tiles and rows skip rendering it again.
 */
export function shareEqual<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return prev as T;
  if (Array.isArray(prev) && Array.isArray(next)) {
    const shared = next.map((item, i) => shareEqual(prev[i], item));
    const same = prev.length === next.length && shared.every((item, i) => item === prev[i]);
    return (same ? prev : shared) as T;
  }
  if (isPlainObject(prev) && isPlainObject(next)) {
    const keys = Object.keys(next);
    const shared: Record<string, unknown> = {};
    for (const key of keys) shared[key] = shareEqual(prev[key], next[key]);
    const same = keys.length === Object.keys(prev).length && keys.every((key) => shared[key] === prev[key]);
    return (same ? prev : shared) as T;
  }
  return next;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
