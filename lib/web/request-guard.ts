// What server.ts checks before Next sees a request: nothing here parses more than a URL, and
// no request body is read unless its route takes one, up to WEB_MAX_BODY_BYTES. Next would
// read a 100 MB POST to a page, parse a 47 MB JSON body before the route refused it, and
// answer a malformed percent-encoding in the path with a plain-text 500.
import { type IncomingMessage, IncomingMessage as Message, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { matchRoute, takesBody as routeTakesBody } from '@/lib/web/auth/access-rules';
import { pageParamError } from './search-params';

// Which routes take a request body, and with which methods, is in the access table
// (lib/web/auth/access-rules.ts `body`). Everything else takes none.
const BODILESS_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * Request header with the client's address for route handlers, which see no socket (the ops
 * token throttle keys on it). admitRequest always sets it, replacing whatever a client sent.
 */
export const CLIENT_ADDRESS_HEADER = 'x-pulse-client-address';
/** Request header with `https` or `http`: how the browser reached Pulse (session cookies are Secure over https). */
export const CLIENT_PROTO_HEADER = 'x-pulse-client-proto';

export type Rejection = 'body_too_large' | 'method_not_allowed' | 'bad_encoding';

export interface GuardOptions {
  maxBodyBytes: number;
  /** The client's address as this process trusts it (peer, or the proxy's X-Forwarded-For). */
  clientAddress: (req: IncomingMessage) => string;
  /** The scheme the browser used (the proxy's X-Forwarded-Proto when trusted). */
  clientProto: (req: IncomingMessage) => 'http' | 'https';
  /** Counts each refusal (pulse_web_requests_rejected_total). */
  onReject?: (reason: Rejection) => void;
}

/** A parameter the URL spells wrongly: its name and what is wrong. */
export interface TargetProblem {
  param: string;
  message: string;
}

// The dynamic segment's name in the routes that have one, for the error message.
function segmentParam(segments: string[], index: number): string {
  const route = segments.slice(0, index).join('/');
  if (route === 'api/v1/products' || route === 'products') return 'sku';
  if (route === 'stores') return 'id';
  return 'path';
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Malformed percent-encoding (`%FF`, a lone `%`, bytes that are not UTF-8) in the path or the
 * query. URLSearchParams would turn such a value into U+FFFD silently; Next's router fails on
 * it in a path with a 500.
 */
export function checkTarget(url: string): TargetProblem | null {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const segments = path.split('/').slice(1);
  for (const [i, segment] of segments.entries()) {
    if (!decodes(segment)) {
      const param = segmentParam(segments, i);
      return { param, message: `${param} is not valid percent-encoded UTF-8` };
    }
  }
  if (q < 0) return null;
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? pair : pair.slice(0, eq)).replaceAll('+', ' ');
    const value = eq < 0 ? '' : pair.slice(eq + 1).replaceAll('+', ' ');
    if (!decodes(key)) return { param: 'query', message: 'the query string is not valid percent-encoded UTF-8' };
    if (!decodes(value)) {
      const param = decodeURIComponent(key);
      return { param, message: `${param} is not valid percent-encoded UTF-8` };
    }
  }
  return null;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page of its own for links refused before Next renders anything (Next cannot render them). */
function badLinkPage(problem: TargetProblem): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Invalid link — Pulse</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:4rem 1.5rem;color:#18181b;background:#fafafa}
main{max-width:32rem;margin:auto;padding:1.5rem;border:1px solid #e4e4e7;border-radius:.75rem;background:#fff}
p.k{margin:0;font-size:.75rem;letter-spacing:.05em;text-transform:uppercase;color:#b91c1c}h1{margin:.25rem 0;font-size:1.125rem}
code{background:#f4f4f5;padding:0 .3em;border-radius:.25rem}a{display:inline-block;margin-top:1rem;color:#18181b}</style>
</head><body><main role="alert" data-testid="param-error" data-param="${escapeHtml(problem.param)}">
<p class="k">Invalid link</p>
<h1>This view can’t be shown: the <code>${escapeHtml(problem.param)}</code> parameter is not valid.</h1>
<p>${escapeHtml(problem.message)}.</p>
<a href="/">Open the default view (last hour, all stores)</a>
</main></body></html>
`;
}

/** How long a refused upload may go on arriving (and be dropped) after the answer. */
const LINGER_MS = 1000;

/**
 * Closing a socket with unread input makes the kernel reset the connection, and a client
 * still sending (fetch does not wait for 100-continue) loses the 413 with it. So Node's close
 * after the answer becomes: half-close, drop what still arrives, and cut it after LINGER_MS.
 */
function lingerOnClose(socket: Socket): void {
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}

function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  problem: TargetProblem | { message: string },
  headers: Record<string, string> = {},
  close = false,
): void {
  const api = (req.url ?? '').startsWith('/api/');
  if (close) {
    // The body stays unread: the connection goes once the answer is out, else Node would
    // read (and drop) all the rest of it to reuse the connection.
    res.setHeader('connection', 'close');
    lingerOnClose(req.socket);
  }
  if (api || !('param' in problem)) {
    const body = JSON.stringify({
      error: { code, message: problem.message, ...('param' in problem ? { param: problem.param } : {}) },
    });
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(`${body}\n`);
    return;
  }
  res.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(badLinkPage(problem));
}

/** Next sets 200 for a page that shows an invalid-link message; the status is decided here. */
function forceStatus(res: ServerResponse, status: number): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, code: number, ...rest: unknown[]) {
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, code === 200 ? status : code, ...rest);
  } as typeof res.writeHead;
}

/** The body already read, handed to Next as if it came from the socket. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new Message(req.socket);
  const headers: IncomingMessage['headers'] = { ...req.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  delete headers.expect;
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.headers = headers;
  copy.rawHeaders = Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).flatMap((v) => [name, v]),
  );
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

/** Reads at most `limit` bytes; null when the body is longer (reading stops there). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/**
 * Answers what must not reach Next and returns the request to hand to Next otherwise (a copy
 * holding the body when one was read), or null when it answered.
 */
export async function admitRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: GuardOptions,
): Promise<IncomingMessage | null> {
  req.headers[CLIENT_ADDRESS_HEADER] = options.clientAddress(req);
  req.headers[CLIENT_PROTO_HEADER] = options.clientProto(req);
  const url = req.url ?? '/';
  const method = req.method ?? 'GET';
  const path = url.split('?')[0] as string;
  const declared = Number(req.headers['content-length'] ?? 0);
  const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
  const route = matchRoute(path);
  const takesBody = routeTakesBody(route, method);
  const methods: readonly string[] = route?.rule.methods ?? BODILESS_METHODS;

  if (!methods.includes(method) && !(method === 'OPTIONS' && !takesBody)) {
    options.onReject?.('method_not_allowed');
    const allow = methods.join(', ');
    refuse(req, res, 405, 'method_not_allowed', { message: `${method} is not allowed here` }, { allow }, hasBody);
    return null;
  }
  const limit = takesBody ? options.maxBodyBytes : 0;
  if (hasBody && (declared > limit || limit === 0)) {
    options.onReject?.('body_too_large');
    const message = limit === 0 ? 'this route takes no request body' : `the request body may be at most ${limit} bytes`;
    refuse(req, res, 413, 'payload_too_large', { message }, {}, true);
    return null;
  }
  if (url.startsWith('/')) {
    const problem = checkTarget(url);
    if (problem) {
      options.onReject?.('bad_encoding');
      refuse(req, res, 400, 'invalid_parameter', problem, {}, hasBody);
      return null;
    }
  }
  if (!takesBody || !hasBody) {
    if ((method === 'GET' || method === 'HEAD') && !path.startsWith('/api/') && !path.startsWith('/_next/')) {
      const q = url.indexOf('?');
      if (pageParamError(path, new URLSearchParams(q < 0 ? '' : url.slice(q + 1)))) forceStatus(res, 400);
    }
    return req;
  }
  if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
  const body = await readBody(req, limit);
  if (body === null) {
    options.onReject?.('body_too_large');
    refuse(req, res, 413, 'payload_too_large', { message: `the request body may be at most ${limit} bytes` }, {}, true);
    return null;
  }
  return replay(req, body);
}
