// Web process: Next.js (dashboard + /api) and Socket.IO (live updates) on one HTTP server.
// Run several behind a load balancer; each listens to Postgres for worker commits itself.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import { db, disconnectDb } from '@/lib/db';
import { loadEnvOrExit } from '@/lib/env';
import { logger } from '@/lib/logger';
import { registerWebGauges, webMetrics } from '@/lib/metrics';
import { type Checks, handleOpsRequest, probeCheck } from '@/lib/ops-http';
import { JIT_ON_WARNING, jitIsOn, pingDatabase } from '@/lib/queries/ping-database';
import { type GateConfig, gateRequest, resolvePrincipal } from '@/lib/web/auth/gate';
import { setPrincipalKey } from '@/lib/web/auth/principal';
import { FailureThrottle } from '@/lib/web/auth/throttle';
import { ensureFirstAdmin } from '@/lib/web/auth/users';
import { disconnectRedriveClients } from '@/lib/web/dead-letters/redrive-clients';
import { LiveHub, liveLimitsFrom } from '@/lib/web/live/hub';
import { clientAddress, ownOrigin } from '@/lib/web/live/limits';
import { disconnectLiveDb, LIVE_VIEWS } from '@/lib/web/live/views';
import { admitRequest, type GuardOptions } from '@/lib/web/request-guard';
import { securityHeaders } from '@/lib/web/security-headers';

const config = loadEnvOrExit();
const log = logger.child({ component: 'web' });
const dev = process.env.NODE_ENV !== 'production';

// Signs the principal server.ts hands to Next (lib/web/auth/principal.ts); new on every start.
setPrincipalKey(randomBytes(32));
// The first admin, when configured. The web server starts without its database too (readiness
// says so), so this retries in the background until PostgreSQL answers.
// Not ready until then: a client told "ready" must be able to sign in.
let firstAdminReady = false;
function firstAdmin(attempt = 0): void {
  ensureFirstAdmin(db(), config.PULSE_ADMIN_EMAIL, config.PULSE_ADMIN_PASSWORD)
    .then(async (outcome) => {
      firstAdminReady = true;
      // The dashboard's queries are the ones JIT slows the most (seconds instead of milliseconds).
      if (await jitIsOn(db()).catch(() => false)) log.warn(JIT_ON_WARNING);
      if (outcome === 'created')
        log.info({ email: config.PULSE_ADMIN_EMAIL }, 'first admin created from PULSE_ADMIN_EMAIL');
    })
    .catch((err: unknown) => {
      if (attempt === 0)
        log.warn({ err }, 'cannot create the first admin yet (database unavailable?); retrying every 5 s');
      setTimeout(() => firstAdmin(attempt + 1), 5000).unref();
    });
}
firstAdmin();

const app = next({ dev, hostname: config.HOST, port: config.PORT });
const handle = app.getRequestHandler();
await app.prepare();

let hub: LiveHub | null = null;
let stopping = false;
const databaseCheck = probeCheck(() => pingDatabase(db(), 2000));
// The web process reads Postgres only (worker progress included); it never talks to Kafka,
// so a broker outage does not make it unready — the dashboard shows the lag instead.
const readiness = async (): Promise<Checks> => {
  if (stopping) return { shutdown: { ok: false, error: 'shutting down' } };
  return {
    shutdown: { ok: true },
    database: await databaseCheck(),
    first_admin: firstAdminReady
      ? { ok: true }
      : { ok: false, error: 'creating the first admin from PULSE_ADMIN_EMAIL (waiting for the database)' },
    live: hub?.isListening()
      ? { ok: true }
      : { ok: false, error: 'LISTEN connection for worker commits is down (reconnecting)' },
  };
};
const headers = Object.entries(securityHeaders(undefined, dev));
// Embeds may be framed by the portals in EMBED_ALLOWED_ORIGINS; nothing else by anyone.
const embedHeaders = Object.entries(securityHeaders({ frameAncestors: config.EMBED_ALLOWED_ORIGINS }, dev));
const guard: GuardOptions = {
  maxBodyBytes: config.WEB_MAX_BODY_BYTES,
  clientAddress: (req) => clientAddress(req, config.WEB_TRUST_PROXY),
  clientProto: (req) => (ownOrigin(req, config.WEB_TRUST_PROXY)?.startsWith('https:') ? 'https' : 'http'),
  onReject: (reason) => webMetrics().requestsRejected.inc({ reason }),
};
const gate: GateConfig = {
  opsToken: config.OPS_TOKEN,
  embedAudience: config.EMBED_TOKEN_AUDIENCE,
  embedMaxTtlSeconds: config.EMBED_TOKEN_MAX_TTL_SECONDS,
  trustProxy: config.WEB_TRUST_PROXY,
  allowedOrigins: config.WEB_ALLOWED_ORIGINS,
  opsThrottle: new FailureThrottle(config.OPS_AUTH_MAX_FAILURES, config.OPS_AUTH_WINDOW_SECONDS * 1000),
};
const PROBES = new Set(['/healthz', '/readyz']);
function onRequest(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] as string;
  for (const [name, value] of path.startsWith('/embed/') ? embedHeaders : headers) res.setHeader(name, value);
  // Load balancers' probes stay cheap and open; /metrics needs an admin or the ops token.
  if (PROBES.has(path) && handleOpsRequest(req, res, { readiness })) return;
  admitRequest(req, res, guard)
    .then(async (admitted) => {
      if (!admitted || !(await gateRequest(db(), admitted, res, gate))) return;
      if (handleOpsRequest(admitted, res, { readiness })) return;
      await handle(admitted, res);
    })
    .catch((err: unknown) => {
      log.error({ err, url: req.url }, 'request failed');
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal_error"}}\n');
    });
}
const httpServer = createServer(onRequest);
// With a listener here Node no longer answers `Expect: 100-continue` by itself, which invited
// the body before the guard could refuse it. Socket.IO's polling goes on as before.
httpServer.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
  if (!req.url?.startsWith('/socket.io/')) return onRequest(req, res);
  res.writeContinue();
  httpServer.emit('request', req, res);
});

hub = new LiveHub({
  databaseUrl: config.DATABASE_URL,
  log,
  views: LIVE_VIEWS,
  limits: liveLimitsFrom(config),
  // Each handshake carries the session cookie (dashboard) or an embed token (auth.token).
  authenticate: (req, token) => resolvePrincipal(db(), req, gate, token),
});
// The hub's options check Origin and the connection limits before any handshake is answered.
const io = new Server(httpServer, { serveClient: false, ...hub.serverOptions() });
registerWebGauges({
  socketClients: () => io.engine.clientsCount,
  liveRooms: () => hub?.roomCount() ?? 0,
  listening: () => hub?.isListening() ?? false,
  liveLoads: () => hub?.loadCount() ?? { running: 0, waiting: 0 },
});
await hub.start(io);

httpServer.listen(config.PORT, config.HOST, () => {
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  log.info({ url: `http://${shown}:${config.PORT}`, dev }, 'dashboard ready');
});

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true; // /readyz answers 503 from now on
  log.info({ signal }, 'shutting down web server');
  setTimeout(() => process.exit(1), 10_000).unref();
  io.close();
  await hub?.stop();
  httpServer.close();
  await Promise.allSettled([disconnectRedriveClients(), disconnectDb(), disconnectLiveDb()]);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
