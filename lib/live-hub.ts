// Live updates for dashboards. Each web process LISTENs on Postgres for worker commits and
// pushes fresh overviews to its own Socket.IO clients. Identical views share one room and
// one query per update, and each room is pushed at most once per second (bursts coalesce).
import pg from 'pg';
import type { Server, Socket } from 'socket.io';
import { parseSalesUpdatedNotice, SALES_UPDATED_CHANNEL, type SalesUpdatedNotice } from './live-channel';
import type { Logger } from './logger';
import { webMetrics } from './metrics';
import {
  type OverviewQuery,
  ParamError,
  parseOverviewQuery,
  parseTopOptions,
  toOverviewQuery,
  viewKey,
} from './overview-params';
import type { Overview } from './queries/overview.types';

export const MIN_PUSH_INTERVAL_MS = 1000;
/** Sliding ranges move and "updated N s ago" must stay honest even without sales. */
const IDLE_REFRESH_MS = 15_000;

export interface OverviewPush {
  key: string;
  data: Overview;
}

interface Room {
  key: string;
  query: OverviewQuery;
  lastPushAt: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
  dirtyWhileRunning: boolean;
}

interface Options {
  io: Server;
  databaseUrl: string;
  log: Logger;
  loadOverview: (query: OverviewQuery) => Promise<Overview>;
}

const roomName = (key: string) => `view:${key}`;

export class LiveHub {
  private readonly rooms = new Map<string, Room>();
  private listener: pg.Client | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private listening = false;

  constructor(private readonly options: Options) {}

  async start(): Promise<void> {
    this.options.io.on('connection', (socket) => this.onConnection(socket));
    this.idleTimer = setInterval(() => this.markAll(null), IDLE_REFRESH_MS);
    this.idleTimer.unref();
    await this.listen();
  }

  isListening(): boolean {
    return this.listening;
  }

  /** Views with at least one subscriber. */
  roomCount(): number {
    return this.rooms.size;
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
    let current: string | null = null;
    socket.on('subscribe', async (raw: unknown) => {
      let query: OverviewQuery;
      try {
        query = toOverviewQuery(typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {});
        parseOverviewQuery(query);
        parseTopOptions(query);
      } catch (err) {
        if (err instanceof ParamError) socket.emit('overview:error', { param: err.param, message: err.message });
        return;
      }
      const key = viewKey(query);
      if (current !== null && current !== key) await this.leave(socket, current);
      current = key;
      await socket.join(roomName(key));
      if (!this.rooms.has(key)) {
        this.rooms.set(key, { key, query, lastPushAt: 0, timer: null, running: false, dirtyWhileRunning: false });
      }
      // A new subscriber gets its own answer at once rather than waiting for the next commit.
      try {
        socket.emit('overview', { key, data: await this.options.loadOverview(query) } satisfies OverviewPush);
        webMetrics().livePushes.inc({ kind: 'initial' });
      } catch (err) {
        this.options.log.error({ err, key }, 'live updates: initial overview failed');
      }
    });
    socket.on('disconnect', () => {
      if (current !== null) void this.leave(socket, current);
    });
  }

  private async leave(socket: Socket, key: string): Promise<void> {
    await socket.leave(roomName(key));
    if ((this.options.io.sockets.adapter.rooms.get(roomName(key))?.size ?? 0) === 0) {
      const room = this.rooms.get(key);
      if (room?.timer) clearTimeout(room.timer);
      this.rooms.delete(key);
    }
  }

  /** Schedule a push for every room whose range overlaps the changed minutes. */
  private markAll(notice: SalesUpdatedNotice | null): void {
    const now = Date.now();
    for (const room of this.rooms.values()) {
      if (notice && notice.accepted > 0) {
        const f = parseOverviewQuery(room.query, now);
        if (notice.to < f.from.getTime() || notice.from >= f.to.getTime()) continue;
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
    if (!this.rooms.has(room.key)) return;
    room.running = true;
    room.lastPushAt = Date.now();
    try {
      const data = await this.options.loadOverview(room.query);
      this.options.io.to(roomName(room.key)).emit('overview', { key: room.key, data } satisfies OverviewPush);
      webMetrics().livePushes.inc({ kind: 'update' });
    } catch (err) {
      this.options.log.error({ err, key: room.key }, 'live updates: refresh failed');
    } finally {
      room.running = false;
      if (room.dirtyWhileRunning) {
        room.dirtyWhileRunning = false;
        this.schedule(room);
      }
    }
  }
}
