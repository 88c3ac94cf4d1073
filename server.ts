// Web process: Next.js (dashboard + /api) and Socket.IO (live updates) on one HTTP server.
// Run several behind a load balancer; each listens to Postgres for worker commits itself.
import { createServer } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import { disconnectDb } from './lib/db';
import { loadEnvOrExit } from './lib/env';
import { LiveHub } from './lib/live-hub';
import { LIVE_VIEWS } from './lib/live-views';
import { logger } from './lib/logger';

const config = loadEnvOrExit();
const log = logger.child({ component: 'web' });
const dev = process.env.NODE_ENV !== 'production';

const app = next({ dev, hostname: config.HOST, port: config.PORT });
const handle = app.getRequestHandler();
await app.prepare();

let hub: LiveHub | null = null;
const httpServer = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.url === '/readyz') {
    const ready = hub?.isListening() ?? false;
    res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready' : 'not ready');
    return;
  }
  void handle(req, res);
});

const io = new Server(httpServer, { serveClient: false });
hub = new LiveHub({
  io,
  databaseUrl: config.DATABASE_URL,
  log,
  views: LIVE_VIEWS,
});
await hub.start();

httpServer.listen(config.PORT, config.HOST, () => {
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  log.info({ url: `http://${shown}:${config.PORT}`, dev }, 'dashboard ready');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down web server');
  setTimeout(() => process.exit(1), 10_000).unref();
  io.close();
  await hub?.stop();
  httpServer.close();
  await disconnectDb();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
