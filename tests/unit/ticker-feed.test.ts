import { describe, expect, it } from 'vitest';
import {
  ENTER_PER_STEP,
  QUEUE_MAX,
  receive,
  SKIPPED_WINDOW_MS,
  skippedRecently,
  startFeed,
  startTicker,
  step,
  TICKER_ROWS,
  tickerReducer,
  waitingWhilePaused,
} from '@/components/tables/ticker-feed';

/** Orders 1…n as a push gives them: newest (highest number) first. */
function snapshot(from: number, to: number) {
  const orders = [];
  for (let n = to; n >= from; n -= 1) orders.push({ event_id: `e${n}` });
  return orders;
}
const ids = (orders: { event_id: string }[]) => orders.map((o) => o.event_id);

describe('ticker feed', () => {
  it('starts with the newest orders of the first snapshot', () => {
    const feed = startFeed(snapshot(1, 30));
    expect(feed.rows).toHaveLength(TICKER_ROWS);
    expect(feed.rows[0]?.event_id).toBe('e30');
    expect(feed.queue).toEqual([]);
  });

  it('queues only the orders not seen before, and lets them in at the next step, newest on top', () => {
    let feed = startFeed(snapshot(1, 10));
    feed = receive(feed, snapshot(1, 12), 0);
    expect(ids(feed.queue)).toEqual(['e11', 'e12']);
    expect(feed.rows[0]?.event_id).toBe('e10');
    // The same snapshot again (an idle refresh) brings nothing.
    expect(receive(feed, snapshot(1, 12), 1)).toBe(feed);
    feed = step(feed, 2_000);
    expect(ids(feed.rows.slice(0, 3))).toEqual(['e12', 'e11', 'e10']);
    expect(feed.queue).toEqual([]);
    expect(feed.arrived).toBe(2);
  });

  it('every order reaches the list when they come no faster than the list lets them in', () => {
    let feed = startFeed(snapshot(1, 5));
    const shown = new Set(ids(feed.rows));
    for (let n = 6, t = 0; n <= 40; n += ENTER_PER_STEP, t += 2_000) {
      feed = receive(feed, snapshot(1, n + ENTER_PER_STEP - 1), t);
      feed = step(feed, t + 1);
      for (const id of ids(feed.rows)) shown.add(id);
    }
    expect([...Array(40).keys()].every((i) => shown.has(`e${i + 1}`))).toBe(true);
    expect(skippedRecently(feed, 80_000)).toBe(0);
  });

  it('at a high rate lets a few in per step and counts the rest, for the window only', () => {
    let feed = startFeed(snapshot(1, 20));
    // 40 arrivals in one push: QUEUE_MAX wait, ENTER_PER_STEP of them enter, the rest are passed over.
    feed = receive(feed, snapshot(1, 60), 0);
    feed = step(feed, 1_000);
    expect(ids(feed.rows.slice(0, ENTER_PER_STEP + 1))).toEqual(['e57', 'e56', 'e55', 'e20']);
    expect(ids(feed.queue)).toEqual(['e58', 'e59', 'e60']);
    expect(skippedRecently(feed, 1_000)).toBe(40 - QUEUE_MAX);
    feed = step(feed, 3_000);
    expect(feed.rows[0]?.event_id).toBe('e60');
    // The count fades once the window has passed; the step that forgets it renders once more.
    const later = step(feed, 1_000 + SKIPPED_WINDOW_MS);
    expect(later).not.toBe(feed);
    expect(skippedRecently(later, 1_000 + SKIPPED_WINDOW_MS)).toBe(0);
    expect(step(later, 2_000 + SKIPPED_WINDOW_MS)).toBe(later);
  });

  it('keeps the rows still between steps and never shows more than TICKER_ROWS', () => {
    let feed = startFeed(snapshot(1, 20));
    const before = feed.rows;
    feed = receive(feed, snapshot(1, 25), 0);
    expect(feed.rows).toBe(before);
    for (let t = 1; t <= 5; t += 1) feed = step(feed, t * 2_000);
    expect(feed.rows).toHaveLength(TICKER_ROWS);
    expect(feed.rows[0]?.event_id).toBe('e25');
  });
});

describe('ticker state', () => {
  it('a paused list holds its rows and counts arrivals; another view replaces the rows, still paused', () => {
    let state = startTicker('range=1h', snapshot(1, 5));
    state = tickerReducer(state, { type: 'pause', on: true });
    state = tickerReducer(state, { type: 'data', key: 'range=1h', orders: snapshot(1, 7), now: 0 });
    state = tickerReducer(state, { type: 'step', now: 2_000 });
    expect(state.feed.rows[0]?.event_id).toBe('e5');
    expect(waitingWhilePaused(state)).toBe(2);

    const other = [{ event_id: 'web-1' }];
    state = tickerReducer(state, { type: 'data', key: 'range=1h&channel=web', orders: other, now: 3_000 });
    expect(ids(state.feed.rows)).toEqual(['web-1']);
    expect(state.pausedAt).not.toBeNull();
    expect(waitingWhilePaused(state)).toBe(0);

    state = tickerReducer(state, { type: 'pause', on: false });
    expect(waitingWhilePaused(state)).toBe(0);
  });
});
