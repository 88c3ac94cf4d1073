// Web process: Next.js (dashboard + /api) and Socket.IO (live updates) on one HTTP server.
// Run several behind a load balancer; each listens to Postgres for worker commits itself.
import { createServer } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import { db, disconnectDb } from './lib/db';
import { loadEnvOrExit } from './lib/env';
import { LiveHub, liveLimitsFrom } from './lib/live-hub';
import { disconnectLiveDb, LIVE_VIEWS } from './lib/live-views';
import { logger } from './lib/logger';
import { registerWebGauges } from './lib/metrics';
import { type Checks, handleOpsRequest, probeCheck } from './lib/ops-http';
import { pingDatabase } from './lib/queries/ping-database';
import { disconnectRedriveClients } from './lib/redrive-clients';

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
const httpServer = createServer((req, res) => {
  if (handleOpsRequest(req, res, { readiness })) return;
  void handle(req, res);
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
