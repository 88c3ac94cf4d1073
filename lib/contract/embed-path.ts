// Embeds' paths and words shared by the server (pages, the gate) and the client (links, the frame).

/** Pulse's path (`/products/A?range=1h`) inside the embed (`/embed/<id>/products/A?range=1h`). */
export function embedPath(embedId: string, path: string): string {
  const q = path.indexOf('?');
  const pathname = q < 0 ? path : path.slice(0, q);
  const search = q < 0 ? '' : path.slice(q);
  return `/embed/${encodeURIComponent(embedId)}${pathname === '/' ? '' : pathname}${search}`;
}

/** What an embed shows when its token does not open it (expired, tampered, revoked): the viewer can only reload. */
export const EMBED_EXPIRED_MESSAGE = 'This view’s access expired — reload the portal page';
