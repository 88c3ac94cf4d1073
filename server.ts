// Web process: Next.js (dashboard + /api) and Socket.IO (live updates) on one HTTP server.
// Run several behind a load balancer; each listens to Postgres for worker commits itself.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import { db, disconnectDb } from './lib/db';
import { loadEnvOrExit } from './lib/env';
import { LiveHub, liveLimitsFrom } from './lib/live-hub';
import { clientAddress } from './lib/live-limits';
import { disconnectLiveDb, LIVE_VIEWS } from './lib/live-views';
import { logger } from './lib/logger';
import { registerWebGauges, webMetrics } from './lib/metrics';
import { type Checks, handleOpsRequest, probeCheck } from './lib/ops-http';
import { pingDatabase } from './lib/queries/ping-database';
import { disconnectRedriveClients } from './lib/redrive-clients';
import { admitRequest, type GuardOptions } from './lib/request-guard';
import { securityHeaders } from './lib/security-headers';

const config = loadEnvOrExit();
const log = logger.child({ component: 'web' });
const dev = process.env.NODE_ENV !== 'production';

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
    live: hub?.isListening()
      ? { ok: true }
      : { ok: false, error: 'LISTEN connection for worker commits is down (reconnecting)' },
  };
};
const headers = Object.entries(securityHeaders(undefined, dev));
const guard: GuardOptions = {
  maxBodyBytes: config.WEB_MAX_BODY_BYTES,
  clientAddress: (req) => clientAddress(req, config.WEB_TRUST_PROXY),
  onReject: (reason) => webMetrics().requestsRejected.inc({ reason }),
};
function onRequest(req: IncomingMessage, res: ServerResponse): void {
  for (const [name, value] of headers) res.setHeader(name, value);
  if (handleOpsRequest(req, res, { readiness })) return;
  admitRequest(req, res, guard)
    .then((admitted) => admitted && handle(admitted, res))
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
