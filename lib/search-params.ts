/** `searchParams` as Next hands it to a page: repeated keys arrive as arrays. */
export type PageSearchParams = Record<string, string | string[] | undefined>;

/** Back to URLSearchParams, keeping repeated keys, so the view parser can reject them by name. */
export function toSearchParams(raw: PageSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, v);
  }
  return params;
}
