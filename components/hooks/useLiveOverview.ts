'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { type OverviewQuery, viewKey } from '../../lib/overview-params';
import type { Overview } from '../../lib/queries/overview.types';
import { fetchJson } from './fetch-json';

/** Socket.IO protocol of server.ts (see the dashboard brief). */
export interface OverviewPush {
  key: string;
  data: Overview;
}
interface ServerToClientEvents {
  overview: (payload: OverviewPush) => void;
}
interface ClientToServerEvents {
  subscribe: (query: OverviewQuery) => void;
}

export type LiveStatus = 'connecting' | 'live' | 'polling';

export const POLL_INTERVAL_MS = 5_000;
// A socket that neither connects nor errors within this time (a proxy holding the
// request, say) is treated as down, so the view keeps refreshing by polling.
const CONNECT_GRACE_MS = 5_000;
// Socket.IO retries by itself only after transport failures. After the server closed the
// socket (restart, deploy) or refused it in a middleware, the client must call connect();
// retry on a slow, jittered schedule so a restarting server is not stampeded.
const MANUAL_RETRY_MS = 5_000;

export interface LiveOverview {
  /** Newest data received; it belongs to `dataKey`, which lags `key` right after a filter change. */
  data: Overview;
  dataKey: string;
  /** Key of the view asked for. */
  key: string;
  /** `data` is for the view asked for (false while the first payload of a new view is on its way). */
  isCurrent: boolean;
  status: LiveStatus;
  /** Last polling failure, shown while polling; null when the last poll succeeded. */
  pollError: string | null;
}

interface Snapshot {
  key: string;
  data: Overview;
}

function instant(iso: string | null): number {
  return iso === null ? Number.NEGATIVE_INFINITY : Date.parse(iso);
}

/**
 * Socket pushes, polls and server renders of the same view can arrive out of order;
 * never replace data with an older reading of the same view.
 */
function isOlder(next: Overview, current: Overview): boolean {
  const a = instant(next.freshness.as_of);
  const b = instant(current.freshness.as_of);
  if (a !== b) return a < b;
  return Date.parse(next.range.to) < Date.parse(current.range.to);
}

function fetchOverview(key: string, signal: AbortSignal): Promise<Overview> {
  return fetchJson<Overview>(`/api/v1/overview${key ? `?${key}` : ''}`, signal);
}

/**
 * Live data for one dashboard view: subscribes over Socket.IO (re-subscribing after every
 * reconnect and whenever the view changes), ignores pushes for other views, and polls the
 * HTTP API every 5 s while the socket is down.
 */
export function useLiveOverview(query: OverviewQuery, initial: Snapshot): LiveOverview {
  const key = viewKey(query);
  const [snapshot, setSnapshot] = useState<Snapshot>(initial);
  const [connection, setConnection] = useState<'connecting' | 'up' | 'down'>('connecting');
  const [pollError, setPollError] = useState<string | null>(null);

  // Handlers registered once per socket read the current view through refs.
  const keyRef = useRef(key);
  const queryRef = useRef(query);
  const socketRef = useRef<Socket<ServerToClientEvents, ClientToServerEvents> | null>(null);

  const accept = useCallback((forKey: string, data: Overview) => {
    if (forKey !== keyRef.current) return;
    setSnapshot((prev) => (prev.key === forKey && isOlder(data, prev.data) ? prev : { key: forKey, data }));
  }, []);

  // Move the subscription when the view changes; the server replies at once for the new
  // view. Runs before the effects below, so they already see the new view in the refs.
  useEffect(() => {
    queryRef.current = query;
    if (keyRef.current === key) return;
    keyRef.current = key;
    const socket = socketRef.current;
    if (socket?.connected) socket.emit('subscribe', query);
  }, [key, query]);

  // A server render (first load or after navigation) brings fresh data for its view.
  useEffect(() => {
    accept(initial.key, initial.data);
  }, [accept, initial.key, initial.data]);

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io();
    socketRef.current = socket;
    const grace = setTimeout(() => {
      if (!socket.connected) setConnection('down');
    }, CONNECT_GRACE_MS);
    let retry: ReturnType<typeof setTimeout> | undefined;
    const retryUnlessActive = () => {
      if (socket.active || retry !== undefined) return;
      retry = setTimeout(
        () => {
          retry = undefined;
          if (!socket.connected) socket.connect();
        },
        MANUAL_RETRY_MS * (0.75 + Math.random() / 2),
      );
    };

    socket.on('connect', () => {
      setConnection('up');
      // The server forgets subscriptions with the connection, so every (re)connect subscribes.
      socket.emit('subscribe', queryRef.current);
    });
    socket.on('disconnect', () => {
      setConnection('down');
      retryUnlessActive();
    });
    socket.on('connect_error', () => {
      setConnection('down');
      retryUnlessActive();
    });
    socket.on('overview', (payload) => {
      if (payload && typeof payload.key === 'string' && payload.data) accept(payload.key, payload.data);
    });

    return () => {
      clearTimeout(grace);
      clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [accept]);

  const polling = connection === 'down';
  useEffect(() => {
    if (!polling) return;
    let controller: AbortController | null = null;
    const poll = async () => {
      if (document.visibilityState === 'hidden') return;
      controller?.abort();
      const current = new AbortController();
      controller = current;
      try {
        const data = await fetchOverview(key, current.signal);
        accept(key, data);
        setPollError(null);
      } catch (err) {
        if (current.signal.aborted) return;
        setPollError(err instanceof Error ? err.message : String(err));
      }
    };
    void poll();
    const interval = setInterval(() => void poll(), POLL_INTERVAL_MS);
    return () => {
      clearInterval(interval);
      controller?.abort();
    };
  }, [polling, key, accept]);

  return {
    data: snapshot.data,
    dataKey: snapshot.key,
    key,
    isCurrent: snapshot.key === key,
    status: connection === 'up' ? 'live' : connection === 'down' ? 'polling' : 'connecting',
    pollError: polling ? pollError : null,
  };
}
