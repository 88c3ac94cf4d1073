// Where a sign-in may send the browser afterwards.

/** Where to go after signing in: a path on this site only (never `//other.site`). */
export function safeNext(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
