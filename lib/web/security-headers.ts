// Security headers of every web response (pages, API, static files, errors, /metrics): server.ts
// sets them before anything else answers. Framing is decided here alone: embed routes will
// pass their allow-list of origins to `securityHeaders`, and nothing else needs to change.

export interface FramePolicy {
  /** Origins that may frame the response (`https://intranet.example.com`); none = no framing. */
  frameAncestors: readonly string[];
}

export const NO_FRAMING: FramePolicy = { frameAncestors: [] };

/**
 * Scripts and styles: 'self' plus inline, because Next's App Router streams its payload in
 * inline <script> tags and the layout sets the theme inline before hydration; a nonce for all
 * of them is a change of its own. Everything else is held to this origin: fetches and the
 * Socket.IO connection ('self' covers ws:/wss: of the same host), images (the inline SVG icon
 * is a data: URL), fonts (self-hosted). Dev mode needs eval for React's debugging.
 */
function contentSecurityPolicy(frame: FramePolicy, dev: boolean): string {
  const ancestors = frame.frameAncestors.length > 0 ? frame.frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    `frame-ancestors ${ancestors}`,
    "base-uri 'self'",
    "object-src 'none'",
    "form-action 'self'",
  ].join('; ');
}

export function securityHeaders(frame: FramePolicy = NO_FRAMING, dev = false): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(frame, dev),
    // Older browsers ignore frame-ancestors; X-Frame-Options cannot name origins, so it is
    // left off where an allow-list applies (CSP governs there).
    ...(frame.frameAncestors.length === 0 ? { 'x-frame-options': 'DENY' } : {}),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
}
