'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { fetchJson } from './fetch-json';

/** What server.ts pushes for a live view (lib/live-hub.ts LivePush). */
interface Push<T> {
  key: string;
  data: T;
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
/** lib/live-hub.ts LIVE_ERROR_EVENT: a subscription refused by a server limit ({ code, message }). */
const LIVE_ERROR_EVENT = 'live:error';

export interface LiveData<T> {
  /** Newest data received; it belongs to `dataKey`, which lags `key` right after a view change. */
  data: T;
  dataKey: string;
  /** Key of the view asked for. */
  key: string;
  /** `data` is for the view asked for (false while the first payload of a new view is on its way). */
  isCurrent: boolean;
  status: LiveStatus;
  /** Last polling failure, shown while polling; null when the last poll succeeded. */
  pollError: string | null;
}

/** Data stamped with the newest pipeline commit and the end of its range (overview, product). */
interface Stamped {
  range: { to: string };
  freshness: { as_of: string | null };
}

function instant(iso: string | null): number {
  return iso === null ? Number.NEGATIVE_INFINITY : Date.parse(iso);
}

/**
 * Socket pushes, polls and server renders of the same view can arrive out of order;
 * never replace data with an older reading of the same view.
 */
function isOlder(next: Stamped, current: Stamped): boolean {
  const a = instant(next.freshness.as_of);
  const b = instant(current.freshness.as_of);
  if (a !== b) return a < b;
  return Date.parse(next.range.to) < Date.parse(current.range.to);
}

export interface LiveViewOptions<T> {
  /** Canonical key of the view asked for; pushes for other keys are ignored. */
  key: string;
  /** Sent with the subscribe event on every (re)connect and whenever `key` changes. */
  subscription: object;
  /** Socket.IO events of this kind of view (lib/live-views.ts). */
  events: { subscribe: string; push: string };
  /** The HTTP API answering the same view, polled while the socket is down. */
  url: string;
  /** Server-rendered data for the view of `initial.key`. */
  initial: { key: string; data: T };
}

/**
 * Live data for one view: subscribes over Socket.IO (re-subscribing after every reconnect
 * and whenever the view changes), ignores pushes for other views, and polls the HTTP API
 * every 5 s while the socket is down.
 */
export function useLiveView<T extends Stamped>({
  key,
  subscription,
  events,
  url,
  initial,
}: LiveViewOptions<T>): LiveData<T> {
  const [snapshot, setSnapshot] = useState(initial);
  const [connection, setConnection] = useState<'connecting' | 'up' | 'down'>('connecting');
  const [pollError, setPollError] = useState<string | null>(null);

  // Handlers registered once per socket read the current view through refs.
  const keyRef = useRef(key);
  const subscriptionRef = useRef(subscription);
  const socketRef = useRef<Socket | null>(null);
  const { subscribe, push } = events;

  const accept = useCallback((forKey: string, data: T) => {
    if (forKey !== keyRef.current) return;
    setSnapshot((prev) => (prev.key === forKey && isOlder(data, prev.data) ? prev : { key: forKey, data }));
  }, []);

  // Move the subscription when the view changes; the server replies at once for the new
  // view. Runs before the effects below, so they already see the new view in the refs.
  useEffect(() => {
    subscriptionRef.current = subscription;
    if (keyRef.current === key) return;
    keyRef.current = key;
    const socket = socketRef.current;
    if (socket?.connected) socket.emit(subscribe, subscription);
  }, [key, subscription, subscribe]);

  // A server render (first load or after navigation) brings fresh data for its view.
  useEffect(() => {
    accept(initial.key, initial.data);
  }, [accept, initial.key, initial.data]);

  useEffect(() => {
    const socket: Socket = io();
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
      socket.emit(subscribe, subscriptionRef.current);
    });
    socket.on('disconnect', () => {
      setConnection('down');
      retryUnlessActive();
    });
    socket.on('connect_error', () => {
      setConnection('down');
      retryUnlessActive();
    });
    socket.on(push, (payload: Push<T> | undefined) => {
      if (payload && typeof payload.key === 'string' && payload.data) accept(payload.key, payload.data);
    });
    // The server refused the view (a limit of lib/live-hub.ts): drop the socket, poll, and try
    // again later on the slow schedule, as after a server restart.
    socket.on(LIVE_ERROR_EVENT, () => socket.disconnect());

    return () => {
      clearTimeout(grace);
      clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [accept, subscribe, push]);

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
        const data = await fetchJson<T>(url, current.signal);
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
  }, [polling, key, url, accept]);

  return {
    data: snapshot.data,
    dataKey: snapshot.key,
    key,
    isCurrent: snapshot.key === key,
    status: connection === 'up' ? 'live' : connection === 'down' ? 'polling' : 'connecting',
    pollError: polling ? pollError : null,
  };
}
