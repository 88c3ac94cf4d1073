// Live updates for dashboards. Each web process LISTENs on Postgres for worker commits and
// pushes fresh data to its own Socket.IO clients. Every kind of live view (the dashboard
// overview, a product page) works the same way: identical subscriptions share one room and
// one query per update, and each room is pushed at most once per second (bursts coalesce).
import pg from 'pg';
import type { Server, Socket } from 'socket.io';
import { parseSalesUpdatedNotice, SALES_UPDATED_CHANNEL, type SalesUpdatedNotice } from './live-channel';
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
 * `events.error` ({ param, message }) for a bad subscription.
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

interface Room extends Opened {
  /** Socket.IO room name: the view's push event and the key. */
  name: string;
  push: string;
  lastPushAt: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
  dirtyWhileRunning: boolean;
}

interface Options {
  io: Server;
  databaseUrl: string;
  log: Logger;
  views: AnyLiveView[];
  /** Every room is refreshed this often even without commits; default IDLE_REFRESH_MS. */
  idleRefreshMs?: number;
}

export class LiveHub {
  private readonly rooms = new Map<string, Room>();
  private listener: pg.Client | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private listening = false;

  constructor(private readonly options: Options) {}

  async start(): Promise<void> {
    this.options.io.on('connection', (socket) => this.onConnection(socket));
    this.idleTimer = setInterval(() => this.markAll(null), this.options.idleRefreshMs ?? IDLE_REFRESH_MS);
    this.idleTimer.unref();
    await this.listen();
  }

  /** Views with at least one subscriber. */
  roomCount(): number {
    return this.rooms.size;
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

  private onConnection(socket: Socket): void {
    // One subscription per kind of view and socket: a new one of the same kind replaces it.
    const current = new Map<AnyLiveView, string>();
    for (const view of this.options.views) {
      const { subscribe, push, error } = view.events;
      socket.on(subscribe, async (raw: unknown) => {
        let opened: Opened;
        try {
          opened = view.open(typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {});
        } catch (err) {
          if (err instanceof ParamError) socket.emit(error, { param: err.param, message: err.message });
          return;
        }
        const name = `${push}:${opened.key}`;
        const previous = current.get(view);
        if (previous !== undefined && previous !== name) await this.leave(socket, previous);
        current.set(view, name);
        await socket.join(name);
        if (!this.rooms.has(name)) {
          this.rooms.set(name, {
            ...opened,
            name,
            push,
            lastPushAt: 0,
            timer: null,
            running: false,
            dirtyWhileRunning: false,
          });
        }
        // A new subscriber gets its own answer at once rather than waiting for the next commit.
        try {
          const done = webMetrics().overviewDuration.startTimer({ source: 'live' });
          const data = await opened.load().finally(done);
          if (data !== null) {
            socket.emit(push, { key: opened.key, data } satisfies LivePush<unknown>);
            webMetrics().livePushes.inc({ kind: 'initial' });
          }
        } catch (err) {
          this.options.log.error({ err, room: name }, 'live updates: initial load failed');
        }
      });
    }
    socket.on('disconnect', () => {
      for (const name of current.values()) void this.leave(socket, name);
    });
  }

  private async leave(socket: Socket, name: string): Promise<void> {
    await socket.leave(name);
    if ((this.options.io.sockets.adapter.rooms.get(name)?.size ?? 0) === 0) {
      const room = this.rooms.get(name);
      if (room?.timer) clearTimeout(room.timer);
      this.rooms.delete(name);
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
    if (!this.rooms.has(room.name)) return;
    room.running = true;
    room.lastPushAt = Date.now();
    try {
      const done = webMetrics().overviewDuration.startTimer({ source: 'live' });
      const data = await room.load().finally(done);
      if (data !== null) {
        this.options.io.to(room.name).emit(room.push, { key: room.key, data } satisfies LivePush<unknown>);
        webMetrics().livePushes.inc({ kind: 'update' });
      }
    } catch (err) {
      this.options.log.error({ err, room: room.name }, 'live updates: refresh failed');
    } finally {
      room.running = false;
      if (room.dirtyWhileRunning) {
        room.dirtyWhileRunning = false;
        this.schedule(room);
      }
    }
  }
}
