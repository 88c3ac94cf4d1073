// What the live order list shows, apart from how: each push is a snapshot of the view's newest
// orders; the orders it brings that were not known before are arrivals. Arrivals wait in a
// queue and enter the list a few at a time, on a steady beat, so a row stays put long enough to
// be read however fast orders come; when they come faster than that, the oldest waiting ones
// are passed over and counted ("+N more in the last 30 s") instead of churning the list.

export interface FeedOrder {
  event_id: string;
}

export interface TickerFeed<T extends FeedOrder> {
  /** On screen, newest first. */
  rows: T[];
  /** Arrived, not on screen yet, oldest first. */
  queue: T[];
  /** Ids of the newest snapshot and of the rows and queue: an order in none of them is new. */
  known: ReadonlySet<string>;
  /** Arrivals passed over, and when: the recent ones are counted under the list. */
  skipped: { at: number; count: number }[];
  /** Arrivals so far (a paused list tells how many came since it paused). */
  arrived: number;
}

export const TICKER_ROWS = 20;
/** One step every STEP_MS lets at most ENTER_PER_STEP orders in: about one and a half a second. */
export const STEP_MS = 2_000;
export const ENTER_PER_STEP = 3;
/** Arrivals that may wait for a step; older ones are passed over, so the list lags by two steps at most. */
export const QUEUE_MAX = 2 * ENTER_PER_STEP;
/** A paused list stops stepping; arrivals beyond this many are counted rather than kept. */
const PAUSED_QUEUE_MAX = 500;
/** How far back "+N more" counts. */
export const SKIPPED_WINDOW_MS = 30_000;

export function startFeed<T extends FeedOrder>(orders: readonly T[]): TickerFeed<T> {
  return {
    rows: orders.slice(0, TICKER_ROWS),
    queue: [],
    known: new Set(orders.map((o) => o.event_id)),
    skipped: [],
    arrived: 0,
  };
}

/** A push's snapshot (newest first): its unknown orders join the queue, oldest first. */
export function receive<T extends FeedOrder>(feed: TickerFeed<T>, orders: readonly T[], now: number): TickerFeed<T> {
  const fresh = orders.filter((o) => !feed.known.has(o.event_id)).reverse();
  if (fresh.length === 0) return feed;
  const queue = [...feed.queue, ...fresh];
  const over = Math.max(0, queue.length - PAUSED_QUEUE_MAX);
  const kept = queue.slice(over);
  return {
    ...feed,
    queue: kept,
    known: new Set([...orders, ...feed.rows, ...kept].map((o) => o.event_id)),
    skipped: passOver(feed.skipped, over, now),
    arrived: feed.arrived + fresh.length,
  };
}

/**
 * One beat: arrivals beyond QUEUE_MAX are passed over (the oldest), up to ENTER_PER_STEP of the
 * rest enter at the top, and passed-over counts older than the window are forgotten. The same
 * feed when nothing changed, so a quiet list does not render.
 */
export function step<T extends FeedOrder>(feed: TickerFeed<T>, now: number): TickerFeed<T> {
  const recent = feed.skipped.filter((s) => now - s.at < SKIPPED_WINDOW_MS);
  if (feed.queue.length === 0 && recent.length === feed.skipped.length) return feed;
  const over = Math.max(0, feed.queue.length - QUEUE_MAX);
  const waiting = feed.queue.slice(over);
  const entering = waiting.slice(0, ENTER_PER_STEP);
  return {
    ...feed,
    rows: [...entering.reverse(), ...feed.rows].slice(0, TICKER_ROWS),
    queue: waiting.slice(ENTER_PER_STEP),
    skipped: passOver(recent, over, now),
  };
}

/** Arrivals passed over within the window before `now`. */
export function skippedRecently(feed: TickerFeed<FeedOrder>, now: number): number {
  return feed.skipped.reduce((n, s) => (now - s.at < SKIPPED_WINDOW_MS ? n + s.count : n), 0);
}

function passOver(skipped: TickerFeed<FeedOrder>['skipped'], count: number, now: number) {
  return count > 0 ? [...skipped, { at: now, count }] : skipped;
}

/** The list of one view: its feed, and since which arrival it is paused (null: running). */
export interface TickerState<T extends FeedOrder> {
  key: string;
  feed: TickerFeed<T>;
  pausedAt: number | null;
}

export type TickerAction<T extends FeedOrder> =
  | { type: 'data'; key: string; orders: readonly T[]; now: number }
  | { type: 'step'; now: number }
  | { type: 'pause'; on: boolean };

export function startTicker<T extends FeedOrder>(key: string, orders: readonly T[]): TickerState<T> {
  return { key, feed: startFeed(orders), pausedAt: null };
}

/**
 * Data of another view (a filter or range changed) starts the list afresh, paused or not: a
 * paused list must not keep rows the view no longer has. A paused list takes no steps.
 */
export function tickerReducer<T extends FeedOrder>(state: TickerState<T>, action: TickerAction<T>): TickerState<T> {
  switch (action.type) {
    case 'data': {
      if (action.key !== state.key) {
        return { key: action.key, feed: startFeed(action.orders), pausedAt: state.pausedAt === null ? null : 0 };
      }
      const feed = receive(state.feed, action.orders, action.now);
      return feed === state.feed ? state : { ...state, feed };
    }
    case 'step': {
      if (state.pausedAt !== null) return state;
      const feed = step(state.feed, action.now);
      return feed === state.feed ? state : { ...state, feed };
    }
    case 'pause':
      if (action.on === (state.pausedAt !== null)) return state;
      return { ...state, pausedAt: action.on ? state.feed.arrived : null };
  }
}

/** Orders that arrived since the list paused (0 when running). */
export function waitingWhilePaused(state: TickerState<FeedOrder>): number {
  return state.pausedAt === null ? 0 : state.feed.arrived - state.pausedAt;
}
