// An example portal for the embed e2e test (e2e/embed.spec.ts), on other origins than Pulse:
// its backend mints embed tokens with the key an admin made in Pulse (jose, HS256, `kid`
// header, sub = the embed, aud, iat, exp 10 min) and serves index.html, which frames the embed
// and sizes the iframe from Pulse's `pulse:resize` messages. The same page is also served from
// a third origin that is not in EMBED_ALLOWED_ORIGINS: there Pulse's CSP refuses the framing.
//
//   GET /                    the portal page (the embed with a fresh token)
//   GET /?token=expired      … with a token that expired ten minutes ago
//   GET /?token=tampered     … with a token whose signature was altered
//   GET /?token=ending       … with a token that expires in 5 s
//   GET /token               a fresh token (JSON), for `pulse:token` refreshes
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

export interface PortalOptions {
  /** Pulse's origin (`http://127.0.0.1:3691`): the iframe's source and the only sender heard. */
  pulseOrigin: string;
  embedId: string;
  kid: string;
  secret: Uint8Array;
  audience?: string;
  /** Host the portals listen on and are reached by (a different host name than Pulse's). */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  forbiddenPort?: number;
}

export interface Portal {
  /** The allowed portal's origin (list it in EMBED_ALLOWED_ORIGINS). */
  origin: string;
  /** The same page from an origin that is not allowed. */
  forbiddenOrigin: string;
  close(): Promise<void>;
}

const TOKEN_LIFE_SECONDS = 600;
const PAGE = readFileSync(fileURLToPath(new URL('index.html', import.meta.url)), 'utf8');

export async function mintEmbedToken(
  options: Pick<PortalOptions, 'embedId' | 'kid' | 'secret' | 'audience'>,
  shiftSeconds = 0,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000) + shiftSeconds;
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', kid: options.kid, typ: 'JWT' })
    .setSubject(options.embedId)
    .setAudience(options.audience ?? 'pulse')
    .setIssuedAt(now)
    .setExpirationTime(now + TOKEN_LIFE_SECONDS)
    .sign(options.secret);
}

/** The token with one signature character changed (still well-formed). */
export function tamper(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const flipped = `${signature.slice(0, 5)}${signature[5] === 'A' ? 'B' : 'A'}${signature.slice(6)}`;
  return `${header}.${payload}.${flipped}`;
}

function handler(options: PortalOptions) {
  return (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://portal.invalid');
      if (url.pathname === '/token') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ token: await mintEmbedToken(options) }));
        return;
      }
      if (url.pathname !== '/') {
        res.writeHead(404).end();
        return;
      }
      const variant = url.searchParams.get('token');
      const shift = { expired: -2 * TOKEN_LIFE_SECONDS, ending: 5 - TOKEN_LIFE_SECONDS }[variant ?? ''] ?? 0;
      const fresh = await mintEmbedToken(options, shift);
      const token = variant === 'tampered' ? tamper(fresh) : fresh;
      const src = `${options.pulseOrigin}/embed/${encodeURIComponent(options.embedId)}?token=${encodeURIComponent(token)}`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE.replaceAll('__PULSE_ORIGIN__', JSON.stringify(options.pulseOrigin)).replace('__EMBED_SRC__', src));
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts the allowed and the forbidden portal (same page, two origins). */
export async function startPortal(options: PortalOptions): Promise<Portal> {
  const host = options.host ?? 'localhost';
  const allowed = createServer(handler(options));
  const forbidden = createServer(handler(options));
  const [port, forbiddenPort] = await Promise.all([
    listen(allowed, host, options.port ?? 0),
    listen(forbidden, host, options.forbiddenPort ?? 0),
  ]);
  const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    origin: `http://${host}:${port}`,
    forbiddenOrigin: `http://${host}:${forbiddenPort}`,
    close: async () => {
      allowed.closeAllConnections();
      forbidden.closeAllConnections();
      await Promise.all([close(allowed), close(forbidden)]);
    },
  };
}
