// Operational endpoints, the same for web and worker processes:
//   GET /healthz  liveness: the process runs and its event loop answers (always 200)
//   GET /readyz   readiness: 200 when every check passes, else 503; JSON lists each check
//   GET /metrics  Prometheus text format (lib/metrics.ts)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { renderMetrics } from './metrics';

/** One readiness check: `ok` plus details for whoever reads /readyz. */
export interface Check {
  ok: boolean;
  [detail: string]: unknown;
}

export type Checks = Record<string, Check>;

export interface OpsHandlers {
  readiness: () => Promise<Checks>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);

/** Answers the three paths; returns false for any other request (the caller handles it). */
export function handleOpsRequest(req: IncomingMessage, res: ServerResponse, handlers: OpsHandlers): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  switch (path) {
    case '/healthz':
      json(res, 200, { status: 'ok' });
      return true;
    case '/readyz':
      handlers.readiness().then(
        (checks) => {
          const ready = Object.values(checks).every((c) => c.ok);
          json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
        },
        (err: unknown) => json(res, 503, { status: 'not_ready', error: errorMessage(err) }),
      );
      return true;
    case '/metrics':
      renderMetrics().then(
        ({ contentType, body }) => send(res, 200, contentType, body),
        (err: unknown) => send(res, 500, 'text/plain', `metrics failed: ${errorMessage(err)}\n`),
      );
      return true;
    default:
      return false;
  }
}

/** The last line of an error's message (Prisma's carry the query above it). */
export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.message.trim().split('\n').at(-1)?.trim() || err.name;
}

/**
 * A check that runs `probe` (e.g. `SELECT 1`), sharing one in-flight run between
 * overlapping /readyz requests so that slow answers do not pile up.
 */
export function probeCheck(probe: () => Promise<void>): () => Promise<Check> {
  let inflight: Promise<Check> | null = null;
  return () => {
    inflight ??= (async () => {
      const started = performance.now();
      try {
        await probe();
        return { ok: true, ms: Math.round(performance.now() - started) };
      } catch (err) {
        return { ok: false, error: errorMessage(err) };
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };
}

/** A small HTTP server with only the operational endpoints (workers have no other HTTP). */
export function startOpsServer(port: number, host: string, handlers: OpsHandlers): Promise<Server> {
  const server = createServer((req, res) => {
    if (!handleOpsRequest(req, res, handlers)) json(res, 404, { error: 'not found: try /healthz, /readyz, /metrics' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use (give each process its own port, or 0 to turn it off)`)
          : err,
      );
    });
    server.listen(port, host, () => resolve(server));
  });
}
