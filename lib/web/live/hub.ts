// Live updates for dashboards. Each web process LISTENs on Postgres for worker commits and
// pushes fresh data to its own Socket.IO clients. Every kind of live view (the dashboard
// overview, a product page) works the same way: identical subscriptions share one room and
// one query per update, and each room is pushed at most once per second (bursts coalesce).
// The hub also guards the edge (README "Limits"): Origin, sockets per process and address,
// one view per socket, rooms, subscribe rate, and live loads that never take the API's pool.
import type { IncomingMessage } from 'node:http';
import pg from 'pg';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { ALERTS_UPDATED_CHANNEL } from '@/lib/contract/actions';
import {
  INVENTORY_UPDATED_CHANNEL,
  LIVE_ERROR_EVENT,
  type LiveChannel,
  type LivePush,
  type LiveViewEvents,
  parseSalesUpdatedNotice,
  SALES_UPDATED_CHANNEL,
  type SalesUpdatedNotice,
} from '@/lib/contract/live-channel';
import type { Env } from '@/lib/env';
import type { Logger } from '@/lib/logger';
import { webMetrics } from '@/lib/metrics';
import type { Resolution } from '@/lib/web/auth/gate';
import type { Principal } from '@/lib/web/auth/principal';
import { ScopeError } from '@/lib/web/auth/scope';
import { ParamError } from '@/lib/web/overview-params';
import {
  checkOrigin,
  clientAddress,
  type LiveLimit,
  type LiveRefusal,
  type OriginPolicy,
  Semaphore,
  TokenBucket,
} from './limits';

export const MIN_PUSH_INTERVAL_MS = 1000;
/** Sliding ranges move and "updated N s ago" must stay honest even without sales. */
export const IDLE_REFRESH_MS = 15_000;

export type { LivePush } from '@/lib/contract/live-channel';

/**
 * One kind of live view. The client emits `events.subscribe` with the view's parameters and
 * receives `events.push` payloads (LivePush) at once and after every relevant commit, or one
 * `events.error` ({ param, message }) for a bad subscription. The event names are declared in
 * lib/contract/live-channel.ts. A socket holds one view at a time, whatever its kind: each
 * subscribe replaces the one before.
 */
export interface LiveView<S, D> {
  events: LiveViewEvents;
  /**
   * The commits the view depends on: sales (default; `covers` narrows them by event time),
   * inventory (every stock commit: it carries no event-time span) or alerts (every episode
   * opened, cleared or acted on).
   */
  channel?: LiveChannel;
  /**
   * Validate raw subscription parameters (throws ParamError, or ScopeError for filters outside
   * the viewer's scope) and give the canonical key: equal keys share a room. The key is of the
   * view as held to the viewer's scope, so viewers of different scopes never share a room.
   * `asked` is the key of the view as the client asked for it (its own key, before the scope
   * filled in the filters it left open): pushes carry it, so the client knows them for its
   * view. Default: `key`.
   */
  parse(raw: Record<string, unknown>, viewer: Principal): { key: string; subscription: S; asked?: string };
  /** Event-time spans [from, to) the view's figures depend on at `nowMs`; commits outside them leave the room alone. */
  covers(subscription: S, nowMs: number): { from: number; to: number }[];
  /** The payload; null pushes nothing (an unknown product, say). */
  load(subscription: S): Promise<D | null>;
}

/** A subscription bound to its view: what a room needs, whatever the kind of view. */
interface Opened {
  channel: LiveChannel;
  key: string;
  /** The key pushes to this subscriber carry (LiveView.parse `asked`). */
  asked: string;
  covers(nowMs: number): { from: number; to: number }[];
  load(): Promise<unknown>;
}

/** A view with its subscription type hidden, so views of different kinds fit in one list. */
export interface AnyLiveView {
  events: LiveView<unknown, unknown>['events'];
  open(raw: Record<string, unknown>, viewer: Principal): Opened;
}

export function liveView<S, D>(view: LiveView<S, D>): AnyLiveView {
  return {
    events: view.events,
    open(raw, viewer) {
      const { key, subscription, asked = key } = view.parse(raw, viewer);
      return {
        channel: view.channel ?? 'sales',
        key,
        asked,
        covers: (nowMs) => view.covers(subscription, nowMs),
        load: () => view.load(subscription),
      };
    },
  };
}

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
  /** Ids of the sockets holding this view, each with the key it asked for; the room goes when the last one leaves. */
  members: Map<string, string>;
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
  /**
   * Who opens a socket: the handshake's session cookie, or the embed token the client sends as
   * `auth.token`. Nobody is refused; each socket is checked again every `recheckMs`.
   */
  authenticate(req: IncomingMessage, token: string | undefined): Promise<Resolution>;
  /** How often open sockets' sessions and tokens are checked again; default RECHECK_MS. */
  recheckMs?: number;
}

/** A socket whose user signed out, was disabled or changed scope, or whose token expired, goes within this. */
export const RECHECK_MS = 60_000;

const REFUSAL_LOG_INTERVAL_MS = 60_000;
const ALL_LIMITS: LiveLimit[] = [
  'origin',
  'sockets',
  'sockets_per_ip',
  'sockets_per_connection',
  'live_rooms',
  'subscribe_rate',
  'unauthorized',
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
  private recheckTimer: NodeJS.Timeout | null = null;
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
    // Who is asking: nobody gets no socket; the principal holds the socket's views to its scope.
    io.use((socket, next) => {
      this.identify(socket)
        .then((refusal) => {
          if (!refusal) return next();
          this.refused(refusal, clientAddress(socket.request, this.options.limits.origins.trustProxy));
          next(Object.assign(new Error(refusal.message), { data: refusal }));
        })
        .catch((err: unknown) => {
          this.options.log.error({ err }, 'live updates: authentication failed');
          next(new Error('authentication failed; try again'));
        });
    });
    io.on('connection', (socket) => this.onConnection(socket));
    this.recheckTimer = setInterval(() => void this.recheck(), this.options.recheckMs ?? RECHECK_MS);
    this.recheckTimer.unref();
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
    if (this.recheckTimer) clearInterval(this.recheckTimer);
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
      if (msg.channel === INVENTORY_UPDATED_CHANNEL) this.markChannel('inventory');
      else if (msg.channel === ALERTS_UPDATED_CHANNEL) this.markChannel('alerts');
      else this.markAll(parseSalesUpdatedNotice(msg.payload));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SALES_UPDATED_CHANNEL}`);
      await client.query(`LISTEN ${INVENTORY_UPDATED_CHANNEL}`);
      await client.query(`LISTEN ${ALERTS_UPDATED_CHANNEL}`);
    } catch (err) {
      retry(err);
      return;
    }
    this.listener = client;
    this.listening = true;
    if (attempt > 0) this.markAll(null); // changes may have been missed while disconnected
    log.info('live updates: listening for worker commits');
  }

  /** Resolves the socket's principal into socket.data.viewer; a refusal for nobody or bad credentials. */
  private async identify(socket: Socket): Promise<LiveRefusal | null> {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const resolution = await this.options.authenticate(socket.request, typeof token === 'string' ? token : undefined);
    if ('refused' in resolution) return { code: 'unauthorized', message: resolution.refused.message };
    const viewer = resolution.principal;
    if (viewer.kind !== 'user' && viewer.kind !== 'embed') {
      return { code: 'unauthorized', message: 'sign in (or open an embed with its token) to receive live updates' };
    }
    socket.data.viewer = viewer;
    return null;
  }

  /** Sockets whose principal is gone or changed (sign-out, disabled, new scope, expired token) are told and closed. */
  private async recheck(): Promise<void> {
    for (const socket of this.io?.of('/').sockets.values() ?? []) {
      const before = JSON.stringify(socket.data.viewer);
      const refusal = await this.identify(socket).catch(() => null);
      if (!refusal && JSON.stringify(socket.data.viewer) === before) continue;
      socket.emit(
        LIVE_ERROR_EVENT,
        refusal ?? { code: 'unauthorized', message: 'your access changed: reload the page' },
      );
      socket.disconnect(true);
    }
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
          const params = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
          opened = view.open(params, socket.data.viewer as Principal);
        } catch (err) {
          if (err instanceof ParamError || err instanceof ScopeError) {
            socket.emit(error, {
              param: err.param,
              message: err.message,
              code: err instanceof ScopeError ? err.code : 'invalid_parameter',
            });
          }
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
          holder.room = room;
          this.settle(socket.join(name));
        }
        // The same room may be asked for under another key (`{}` or the scope's own filters).
        holder.room.members.set(socket.id, opened.asked);
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
      members: new Map(),
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
            const key = room.members.get(socket.id) ?? room.key;
            socket.emit(room.push, { key, data } satisfies LivePush<unknown>);
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

  /** A stock or alerts commit: every room of that channel is pushed again (coalesced, at most once per second each). */
  private markChannel(channel: LiveChannel): void {
    for (const room of this.rooms.values()) if (room.channel === channel) this.schedule(room);
  }

  /**
   * A sales commit (`notice`): schedule a push for every sales room one of whose spans overlaps
   * the changed minutes. Null (idle refresh, reconnect): every room of either channel.
   */
  private markAll(notice: SalesUpdatedNotice | null): void {
    const now = Date.now();
    for (const room of this.rooms.values()) {
      if (notice && room.channel !== 'sales') continue;
      if (notice && notice.accepted > 0) {
        const touched = room.covers(now).some((span) => notice.to >= span.from && notice.from < span.to);
        if (!touched) continue;
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
        // Each member gets the key it asked for: one emit per distinct key (usually one).
        const byKey = new Map<string, string[]>();
        for (const [id, asked] of room.members) byKey.set(asked, [...(byKey.get(asked) ?? []), id]);
        for (const [key, ids] of byKey) {
          const to = key === room.key ? this.io?.to(room.name) : this.io?.to(ids);
          to?.emit(room.push, { key, data } satisfies LivePush<unknown>);
        }
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
