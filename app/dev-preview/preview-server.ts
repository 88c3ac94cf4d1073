// TEMPORARY: next dev + a fake Socket.IO feed of fixture data, to exercise the live hook.
import { createServer } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import { type OverviewQuery, toOverviewQuery, viewKey } from '../../lib/overview-params';
import { fixtureOverview } from './fixture';

const port = Number(process.env.PORT ?? 3100);
const app = next({ dev: true, hostname: '127.0.0.1', port, turbopack: true });
await app.prepare();
const handle = app.getRequestHandler();
let socketDown = false;
let lag = 120;
let empty = false;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/__preview') {
    socketDown = url.searchParams.get('down') === '1';
    lag = Number(url.searchParams.get('lag') ?? 120);
    empty = url.searchParams.get('empty') === '1';
    if (socketDown) io.disconnectSockets(true);
    res.end(JSON.stringify({ socketDown, lag }));
    return;
  }
  if (url.pathname === '/api/v1/overview') {
    console.log('poll', url.search);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(fixtureOverview(toOverviewQuery(url.searchParams), { lagMs: lag, empty })));
    return;
  }
  void handle(req, res);
});
const io = new Server(server);
io.use((_socket, nextFn) => (socketDown ? nextFn(new Error('down')) : nextFn()));
const views = new Map<string, OverviewQuery>();
io.on('connection', (socket) => {
  socket.on('subscribe', (query: OverviewQuery) => {
    console.log('subscribe', socket.id, query);
    views.set(socket.id, query);
    socket.emit('overview', { key: viewKey(query), data: fixtureOverview(query, { lagMs: lag, empty }) });
  });
  socket.on('disconnect', () => views.delete(socket.id));
});
setInterval(() => {
  for (const [id, query] of views) {
    io.to(id).emit('overview', { key: viewKey(query), data: fixtureOverview(query, { lagMs: lag, empty }) });
    // A push for another view must be ignored by the client.
    io.to(id).emit('overview', { key: 'range=7d&store=nope', data: fixtureOverview({ range: '15m' }, { empty: true }) });
  }
}, 1000);
server.listen(port, '127.0.0.1', () => console.log(`preview on ${port}`));
