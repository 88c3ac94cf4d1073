// Live updates for dashboards. Each web process LISTENs on Postgres for worker commits and
// pushes fresh data to its own Socket.IO clients. Every kind of live view (the dashboard
// overview, a product page) works the same way: identical subscriptions share one room and
// one query per update, and each room is pushed at most once per second (bursts coalesce).
// The hub also guards the edge (README "Limits"): Origin, sockets per process and address,
// one view per socket, rooms, subscribe rate, and live loads that never take the API's pool.
import type { IncomingMessage } from 'node:http';
import pg from 'pg';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { Env } from './env';
import { parseSalesUpdatedNotice, SALES_UPDATED_CHANNEL, type SalesUpdatedNotice } from './live-channel';
import {
  checkOrigin,
  clientAddress,
  type LiveLimit,
  type LiveRefusal,
  type OriginPolicy,
  Semaphore,
  TokenBucket,
} from './live-limits';
import type { Logger } from './logger';
import { webMetrics } from './metrics';
import { ParamError } from './overview-params';

export const MIN_PUSH_INTERVAL_MS = 1000;
/** Sliding ranges move and "updated N s ago" must stay honest even without sales. */
export const IDLE_REFRESH_MS = 15_000;

/** What the server emits on a view's push event. */
export interface LivePush<T> {
  key: string;
  data: T;
}

/**
 * One kind of live view. The client emits `events.subscribe` with the view's parameters and
 * receives `events.push` payloads (LivePush) at once and after every relevant commit, or one
 * `events.error` ({ param, message }) for a bad subscription. A socket holds one view at a
 * time, whatever its kind: each subscribe replaces the one before.
 */
export interface LiveView<S, D> {
  events: { subscribe: string; push: string; error: string };
  /** Validate raw subscription parameters (throws ParamError) and give the canonical key: equal keys share a room. */
  parse(raw: Record<string, unknown>): { key: string; subscription: S };
  /** Event-time span [from, to) the view's figures depend on at `nowMs`; commits outside it leave the room alone. */
  covers(subscription: S, nowMs: number): { from: number; to: number };
  /** The payload; null pushes nothing (an unknown product, say). */
  load(subscription: S): Promise<D | null>;
}

/** A subscription bound to its view: what a room needs, whatever the kind of view. */
interface Opened {
  key: string;
  covers(nowMs: number): { from: number; to: number };
  load(): Promise<unknown>;
}

/** A view with its subscription type hidden, so views of different kinds fit in one list. */
export interface AnyLiveView {
  events: LiveView<unknown, unknown>['events'];
  open(raw: Record<string, unknown>): Opened;
}

export function liveView<S, D>(view: LiveView<S, D>): AnyLiveView {
  return {
    events: view.events,
    open(raw) {
      const { key, subscription } = view.parse(raw);
      return { key, covers: (nowMs) => view.covers(subscription, nowMs), load: () => view.load(subscription) };
    },
  };
}

/** Subscriptions refused by a limit get this event with a LiveRefusal ({ code, message }). */
export const LIVE_ERROR_EVENT = 'live:error';

/** Largest message a client may send: a subscription with every filter full is ~30 kB. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface LiveLimits {
  /** Engine.IO connections of the process (WEB_MAX_SOCKETS). */
  maxSockets: number;
  /** Connections from one client address (WEB_MAX_SOCKETS_PER_IP). */
  maxSocketsPerIp: number;
  /** Distinct live views with subscribers (WEB_MAX_LIVE_ROOMS). */
  maxRooms: number;
  /** Token bucket of one connection's subscribes (WEB_SUBSCRIBE_BURST, WEB_SUBSCRIBE_RATE per second). */
  subscribeBurst: number;
  subscribePerSecond: number;
  /** Live loads running at once (WEB_LIVE_MAX_LOADS); the others wait their turn. */
  maxLoads: number;
  origins: OriginPolicy;
}

export function liveLimitsFrom(config: Env): LiveLimits {
  return {
    maxSockets: config.WEB_MAX_SOCKETS,
    maxSocketsPerIp: config.WEB_MAX_SOCKETS_PER_IP,
    maxRooms: config.WEB_MAX_LIVE_ROOMS,
    subscribeBurst: config.WEB_SUBSCRIBE_BURST,
    subscribePerSecond: config.WEB_SUBSCRIBE_RATE,
    maxLoads: config.WEB_LIVE_MAX_LOADS,
    origins: { allowed: config.WEB_ALLOWED_ORIGINS, trustProxy: config.WEB_TRUST_PROXY },
  };
}

interface Room extends Opened {
  /** Socket.IO room name: the view's push event and the key. */
  name: string;
  push: string;
  /** Ids of the sockets holding this view; the room goes when the last one leaves. */
  members: Set<string>;
  lastPushAt: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
  dirtyWhileRunning: boolean;
  /** Newest payload and when its load started: new subscribers within a second share it. */
  cached: { at: number; data: unknown } | null;
  /** Initial load in flight, shared by everyone subscribing meanwhile. */
  initial: Promise<unknown> | null;
}

/** What one socket holds. Changed only synchronously, so it always says exactly what to clean up. */
interface Holder {
  room: Room | null;
  /** An initial answer is being loaded; it answers whatever view the socket holds when done. */
  answering: boolean;
  wantsAnswer: boolean;
}

interface Options {
  databaseUrl: string;
  log: Logger;
  views: AnyLiveView[];
  limits: LiveLimits;
  /** Every room is refreshed this often even without commits; default IDLE_REFRESH_MS. */
  idleRefreshMs?: number;
}

const REFUSAL_LOG_INTERVAL_MS = 60_000;
const ALL_LIMITS: LiveLimit[] = [
  'origin',
  'sockets',
  'sockets_per_ip',
  'sockets_per_connection',
  'live_rooms',
  'subscribe_rate',
];

export class LiveHub {
  private readonly rooms = new Map<string, Room>();
  private readonly loads: Semaphore;
  /** Open Engine.IO connections per client address. */
  private readonly perAddress = new Map<string, number>();
  /** Engine.IO connections that carry a Socket.IO socket already. */
  private readonly withSocket = new WeakSet<object>();
  private readonly warned = new Map<LiveLimit, { at: number; suppressed: number }>();
  private io: Server | null = null;
  private listener: pg.Client | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private listening = false;

  constructor(private readonly options: Options) {
    this.loads = new Semaphore(options.limits.maxLoads);
  }

  /** Options for `new Server(...)`: the handshake checks and CORS for the allowed origins only. */
  serverOptions(): Partial<ServerOptions> {
    return {
      // Runs before Engine.IO answers the handshake, so a refused client gets no data at all.
      allowRequest: (req, callback) => {
        const refusal = this.admit(req);
        if (!refusal) return callback(null, true);
        this.refused(refusal, clientAddress(req, this.options.limits.origins.trustProxy));
        callback(`${refusal.code}: ${refusal.message}`, false);
      },
      // Polling responses carry CORS headers for the listed origins only; the dashboard's own
      // pages need none, and any other page cannot read them.
      cors: { origin: [...this.options.limits.origins.allowed], methods: ['GET', 'POST'] },
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
    };
  }

  async start(io: Server): Promise<void> {
    this.io = io;
    for (const limit of ALL_LIMITS) webMetrics().liveRefusals.inc({ limit }, 0);
    io.engine.on('connection', (conn: { request: IncomingMessage; once(event: 'close', fn: () => void): void }) => {
      const address = clientAddress(conn.request, this.options.limits.origins.trustProxy);
      this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
      conn.once('close', () => {
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.perAddress.set(address, left);
        else this.perAddress.delete(address);
      });
    });
    // A client may send CONNECT for the main namespace again on one connection; each would be a
    // socket of its own (and a view of its own), so only the first is accepted.
    io.use((socket, next) => {
      if (!this.withSocket.has(socket.conn)) {
        this.withSocket.add(socket.conn);
        socket.once('disconnect', () => this.withSocket.delete(socket.conn));
        return next();
      }
      const refusal: LiveRefusal = { code: 'sockets_per_connection', message: 'one live-update socket per connection' };
      this.refused(refusal, clientAddress(socket.request, this.options.limits.origins.trustProxy));
      next(Object.assign(new Error(refusal.message), { data: refusal }));
    });
    io.on('connection', (socket) => this.onConnection(socket));
    this.idleTimer = setInterval(() => this.markAll(null), this.options.idleRefreshMs ?? IDLE_REFRESH_MS);
    this.idleTimer.unref();
    await this.listen();
  }

  /** Views with at least one subscriber. */
  roomCount(): number {
    return this.rooms.size;
  }

  /** Live loads running and waiting for a slot. */
  loadCount(): { running: number; waiting: number } {
    return { running: this.loads.active, waiting: this.loads.waiting };
  }

  isListening(): boolean {
    return this.listening;
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    for (const room of this.rooms.values()) if (room.timer) clearTimeout(room.timer);
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(attempt = 0): Promise<void> {
    const { databaseUrl, log } = this.options;
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'pulse-live-hub' });
    const retry = (err: unknown) => {
      this.listening = false;
      if (this.closed) return;
      const delay = Math.min(30_000, 500 * 2 ** attempt);
      log.warn({ err, delay }, 'live updates: LISTEN connection lost, reconnecting');
      client.removeAllListeners();
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen(attempt + 1), delay).unref();
    };
    client.on('error', retry);
    client.on('notification', (msg) => {
      webMetrics().notifications.inc();
      this.markAll(parseSalesUpdatedNotice(msg.payload));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SALES_UPDATED_CHANNEL}`);
    } catch (err) {
      retry(err);
      return;
    }
    this.listener = client;
    this.listening = true;
    if (attempt > 0) this.markAll(null); // changes may have been missed while disconnected
    log.info('live updates: listening for worker commits');
  }

  /** The handshake checks, cheapest refusal first; null admits. */
  private admit(req: IncomingMessage): LiveRefusal | null {
    const { limits } = this.options;
    // JSONP polling answers executable script, which any page may include and read.
    if (new URL(req.url ?? '/', 'http://localhost').searchParams.has('j')) {
      return { code: 'origin', message: 'JSONP polling is not served' };
    }
    const origin = checkOrigin(req, limits.origins);
    if (origin) return origin;
    if ((this.io?.engine.clientsCount ?? 0) >= limits.maxSockets) {
      return { code: 'sockets', message: `this server holds its limit of ${limits.maxSockets} live connections` };
    }
    const address = clientAddress(req, limits.origins.trustProxy);
    if ((this.perAddress.get(address) ?? 0) >= limits.maxSocketsPerIp) {
      return {
        code: 'sockets_per_ip',
        message: `${limits.maxSocketsPerIp} live connections from one address at most`,
      };
    }
    return null;
  }

  /** Count a refusal, and log it — once a minute per limit, so an attack cannot flood the log. */
  private refused(refusal: LiveRefusal, address?: string): void {
    webMetrics().liveRefusals.inc({ limit: refusal.code });
    const now = Date.now();
    const last = this.warned.get(refusal.code);
    if (last && now - last.at < REFUSAL_LOG_INTERVAL_MS) {
      last.suppressed += 1;
      return;
    }
    this.warned.set(refusal.code, { at: now, suppressed: 0 });
    this.options.log.warn(
      { limit: refusal.code, address, suppressedSinceLast: last?.suppressed ?? 0 },
      `live updates refused: ${refusal.message}`,
    );
  }

  private onConnection(socket: Socket): void {
    const { limits } = this.options;
    const holder: Holder = { room: null, answering: false, wantsAnswer: false };
    const bucket = new TokenBucket(limits.subscribeBurst, limits.subscribePerSecond);
    const refuse = (refusal: LiveRefusal) => {
      this.refused(refusal, clientAddress(socket.request, limits.origins.trustProxy));
      socket.emit(LIVE_ERROR_EVENT, refusal);
    };
    for (const view of this.options.views) {
      const { subscribe, push, error } = view.events;
      // Synchronous from start to end: subscribes are handled one at a time, in order, and the
      // socket holds exactly one view (or none) whenever any other code runs.
      socket.on(subscribe, (raw: unknown) => {
        if (!bucket.take()) {
          refuse({
            code: 'subscribe_rate',
            message: `at most ${limits.subscribeBurst} subscriptions at once and ${limits.subscribePerSecond} per second per connection; this one was ignored`,
          });
          return;
        }
        let opened: Opened;
        try {
          opened = view.open(typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {});
        } catch (err) {
          if (err instanceof ParamError) socket.emit(error, { param: err.param, message: err.message });
          return;
        }
        const name = `${push}:${opened.key}`;
        if (holder.room?.name !== name) {
          this.release(socket, holder);
          const room = this.rooms.get(name) ?? this.openRoom(name, push, opened);
          if (!room) {
            refuse({
              code: 'live_rooms',
              message: `this server shows its limit of ${limits.maxRooms} distinct live views; poll the HTTP API meanwhile`,
            });
            return;
          }
          room.members.add(socket.id);
          holder.room = room;
          this.settle(socket.join(name));
        }
        // A new subscriber gets its own answer at once rather than waiting for the next commit.
        this.answer(socket, holder);
      });
    }
    socket.on('disconnect', () => this.release(socket, holder));
  }

  private openRoom(name: string, push: string, opened: Opened): Room | null {
    if (this.rooms.size >= this.options.limits.maxRooms) return null;
    const room: Room = {
      ...opened,
      name,
      push,
      members: new Set(),
      lastPushAt: 0,
      timer: null,
      running: false,
      dirtyWhileRunning: false,
      cached: null,
      initial: null,
    };
    this.rooms.set(name, room);
    return room;
  }

  /** Give up the socket's view; the room goes with its last member. */
  private release(socket: Socket, holder: Holder): void {
    const room = holder.room;
    if (!room) return;
    holder.room = null;
    room.members.delete(socket.id);
    this.settle(socket.leave(room.name));
    if (room.members.size === 0 && this.rooms.get(room.name) === room) {
      if (room.timer) clearTimeout(room.timer);
      this.rooms.delete(room.name);
    }
  }

  /** join/leave are synchronous with the in-memory adapter; another adapter's failure is only logged. */
  private settle(result: Promise<void> | void): void {
    result?.catch((err: unknown) => this.options.log.error({ err }, 'live updates: room join/leave failed'));
  }

  /** Send the socket the data of the view it holds; one answer at a time per socket. */
  private answer(socket: Socket, holder: Holder): void {
    holder.wantsAnswer = true;
    if (holder.answering) return; // the running answer goes on to the newest view when done
    holder.answering = true;
    void (async () => {
      try {
        while (holder.wantsAnswer && holder.room && socket.connected) {
          holder.wantsAnswer = false;
          const room = holder.room;
          const data = await this.initialData(room);
          if (data !== null && holder.room === room && socket.connected) {
            socket.emit(room.push, { key: room.key, data } satisfies LivePush<unknown>);
            webMetrics().livePushes.inc({ kind: 'initial' });
          }
        }
      } finally {
        holder.answering = false;
      }
    })();
  }

  private initialData(room: Room): Promise<unknown> {
    // Pushes reach every member, so a payload loaded this recently is as fresh as a new load.
    if (room.cached && Date.now() - room.cached.at < MIN_PUSH_INTERVAL_MS) return Promise.resolve(room.cached.data);
    room.initial ??= this.load(room, 'initial').finally(() => {
      room.initial = null;
    });
    return room.initial;
  }

  /** One load through the live pool, at most `maxLoads` at once; null when failed or no longer wanted. */
  private async load(room: Room, kind: 'initial' | 'update'): Promise<unknown> {
    const release = await this.loads.acquire();
    try {
      if (this.rooms.get(room.name) !== room) return null; // everyone left while it waited
      const startedAt = Date.now();
      const done = webMetrics().overviewDuration.startTimer({ source: 'live' });
      const data = await room.load().finally(done);
      room.cached = { at: startedAt, data };
      return data;
    } catch (err) {
      this.options.log.error({ err, room: room.name }, `live updates: ${kind} load failed`);
      return null;
    } finally {
      release();
    }
  }

  /** Schedule a push for every room whose span overlaps the changed minutes. */
  private markAll(notice: SalesUpdatedNotice | null): void {
    const now = Date.now();
    for (const room of this.rooms.values()) {
      if (notice && notice.accepted > 0) {
        const span = room.covers(now);
        if (notice.to < span.from || notice.from >= span.to) continue;
      }
      this.schedule(room);
    }
  }

  private schedule(room: Room): void {
    if (room.running) {
      room.dirtyWhileRunning = true;
      return;
    }
    if (room.timer) return; // already scheduled: this change rides along (coalescing)
    const wait = Math.max(0, room.lastPushAt + MIN_PUSH_INTERVAL_MS - Date.now());
    room.timer = setTimeout(() => void this.push(room), wait);
  }

  private async push(room: Room): Promise<void> {
    room.timer = null;
    if (this.rooms.get(room.name) !== room) return;
    room.running = true;
    room.lastPushAt = Date.now();
    try {
      const data = await this.load(room, 'update');
      if (data !== null && this.rooms.get(room.name) === room) {
        this.io?.to(room.name).emit(room.push, { key: room.key, data } satisfies LivePush<unknown>);
        webMetrics().livePushes.inc({ kind: 'update' });
      }
    } finally {
      room.running = false;
      if (room.dirtyWhileRunning) {
        room.dirtyWhileRunning = false;
        this.schedule(room);
      }
    }
  }
}
