'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { embedToken, onEmbedTokenChange, reportEmbedTokenExpired } from '@/components/embed/embed-token';
import { LIVE_ERROR_EVENT, type LivePush, type LiveViewEvents } from '@/lib/contract/live-channel';
import { fetchJson } from './fetch-json';
import { shareEqual } from './share-equal';

/** 'connecting' until the socket first connects (polling meanwhile if that takes long); 'polling' once it was lost. */
export type LiveStatus = 'connecting' | 'live' | 'polling';

export const POLL_INTERVAL_MS = 5_000;
// A socket that neither connects nor errors within this time (a proxy holding the
// request, say) is treated as down, so the view keeps refreshing by polling.
const CONNECT_GRACE_MS = 5_000;
// Socket.IO retries by itself only after transport failures. After the server closed the
// socket (restart, deploy) or refused it in a middleware, the client must call connect();
// retry on a slow, jittered schedule so a restarting server is not stampeded.
const MANUAL_RETRY_MS = 5_000;
/**
 * A busy day brings a push every second, and each re-renders every chart of the page: updates
 * of the view on screen are applied at most this often (the newest of those in between wins).
 * A new view's first data is applied at once.
 */
export const APPLY_INTERVAL_MS = 2_000;

export interface LiveData<T> {
  /** Newest data received; it belongs to `dataKey`, which lags `key` right after a view change. */
  data: T;
  dataKey: string;
  /** Key of the view asked for. */
  key: string;
  /** `data` is for the view asked for (false while the first payload of a new view is on its way). */
  isCurrent: boolean;
  status: LiveStatus;
  /** Refreshing over HTTP: the socket is down, or has not connected within its grace. */
  polling: boolean;
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
function isOlder(next: object, current: object): boolean {
  // Views without a commit stamp (stock) carry no order: the newest arrival wins.
  if (!('freshness' in next && 'freshness' in current)) return false;
  return isOlderStamp(next as Stamped, current as Stamped);
}

function isOlderStamp(next: Stamped, current: Stamped): boolean {
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
  /** Socket.IO events of this kind of view (lib/contract/live-channel.ts). */
  events: Pick<LiveViewEvents, 'subscribe' | 'push'>;
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
export function useLiveView<T extends object>({
  key,
  subscription,
  events,
  url,
  initial,
}: LiveViewOptions<T>): LiveData<T> {
  const [snapshot, setSnapshot] = useState(initial);
  const [connection, setConnection] = useState<'connecting' | 'up' | 'down'>('connecting');
  // A socket slow to connect the first time was never lost: the page says "connecting".
  const [everConnected, setEverConnected] = useState(false);
  const [pollError, setPollError] = useState<string | null>(null);

  // Handlers registered once per socket read the current view through refs.
  const keyRef = useRef(key);
  const subscriptionRef = useRef(subscription);
  const socketRef = useRef<Socket | null>(null);
  const { subscribe, push } = events;

  // What the snapshot holds and when it was last set, and the update held back meanwhile.
  const applied = useRef({ key: initial.key, at: 0 });
  const held = useRef<{ timer: ReturnType<typeof setTimeout> | null; latest: { key: string; data: T } | null }>({
    timer: null,
    latest: null,
  });

  const store = useCallback((forKey: string, data: T) => {
    applied.current = { key: forKey, at: Date.now() };
    // Unchanged parts keep their identity, so memoised tiles skip them.
    setSnapshot((prev) =>
      prev.key !== forKey
        ? { key: forKey, data }
        : isOlder(data, prev.data)
          ? prev
          : { key: forKey, data: shareEqual(prev.data, data) },
    );
  }, []);

  const accept = useCallback(
    (forKey: string, data: T) => {
      if (forKey !== keyRef.current) return;
      const hold = held.current;
      const wait = applied.current.at + APPLY_INTERVAL_MS - Date.now();
      if (forKey !== applied.current.key || wait <= 0) {
        if (hold.timer) clearTimeout(hold.timer);
        hold.timer = null;
        hold.latest = null;
        store(forKey, data);
        return;
      }
      hold.latest = { key: forKey, data };
      hold.timer ??= setTimeout(() => {
        hold.timer = null;
        const latest = hold.latest;
        hold.latest = null;
        if (latest && latest.key === keyRef.current) store(latest.key, latest.data);
      }, wait);
    },
    [store],
  );
  useEffect(() => () => clearTimeout(held.current.timer ?? undefined), []);

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
    // In an embed the handshake carries its token (read at every connect: the portal may
    // have sent a fresh one); Pulse's own pages send the session cookie.
    let sentToken: string | null = null;
    const socket: Socket = io({
      auth: (cb) => {
        sentToken = embedToken();
        cb(sentToken ? { token: sentToken } : {});
      },
    });
    socketRef.current = socket;
    // The hub refuses a handshake (or closes a socket) whose embed token no longer holds.
    const refusedToken = (refusal: unknown) => {
      if (embedToken() && (refusal as { code?: unknown } | undefined)?.code === 'unauthorized')
        reportEmbedTokenExpired();
    };
    // A fresh token from the portal: connect again with it at once (the hub checks a socket's
    // token of its handshake, which would expire), rather than on the slow schedule.
    const stopWatching = onEmbedTokenChange(() => {
      const token = embedToken();
      if (!token || token === sentToken) return;
      if (socket.connected) socket.disconnect();
      socket.connect();
    });
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
      setEverConnected(true);
      // The server forgets subscriptions with the connection, so every (re)connect subscribes.
      socket.emit(subscribe, subscriptionRef.current);
    });
    socket.on('disconnect', () => {
      setConnection('down');
      retryUnlessActive();
    });
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      refusedToken(err.data);
      setConnection('down');
      retryUnlessActive();
    });
    socket.on(push, (payload: LivePush<T> | undefined) => {
      if (payload && typeof payload.key === 'string' && payload.data) accept(payload.key, payload.data);
    });
    // The server refused the view (a limit of lib/web/live/hub.ts): drop the socket, poll, and try
    // again later on the slow schedule, as after a server restart.
    socket.on(LIVE_ERROR_EVENT, (refusal: unknown) => {
      refusedToken(refusal);
      socket.disconnect();
    });

    return () => {
      clearTimeout(grace);
      clearTimeout(retry);
      stopWatching();
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [accept, subscribe, push]);

  // A server render for the view asked for answers it at once (the effect above stores it).
  const shown = snapshot.key === key || initial.key !== key ? snapshot : initial;
  const current = shown.key === key;

  // A view asked for before the socket first connects (the browser's time zone completing the
  // first URL, say) is fetched at once rather than when the socket is up or the grace is over.
  const awaitingSocket = connection === 'connecting';
  useEffect(() => {
    if (current || !awaitingSocket) return;
    const controller = new AbortController();
    fetchJson<T>(url, controller.signal).then(
      (data) => accept(key, data),
      () => undefined, // the socket or the polling below answers instead
    );
    return () => controller.abort();
  }, [current, awaitingSocket, key, url, accept]);

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
    data: shown.data,
    dataKey: shown.key,
    key,
    isCurrent: current,
    status: connection === 'up' ? 'live' : polling && everConnected ? 'polling' : 'connecting',
    polling,
    pollError: polling ? pollError : null,
  };
}
