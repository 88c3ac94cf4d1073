// The simulator's flash sales (workers/simulator/flash-sale.ts): none before the first is due,
// then one store at its multiple of its usual rate for the set duration, then none again; and
// when the first is due, with and without seeded history.
import { describe, expect, it } from 'vitest';
import { createWorld } from '@/workers/simulator/catalog';
import { ANOMALY_WINDOW_MS, FLASH_SALES, FlashSales, firstFlashSaleAt } from '@/workers/simulator/flash-sale';

const SETTINGS = { firstAfterMs: 60_000, everyMs: 600_000, durationMs: 120_000, multiplier: 4 };
const TICK = 100;

describe('FlashSales', () => {
  it('adds (multiplier − 1) × the store’s usual sales at one store for the duration only', () => {
    const world = createWorld();
    const flash = new FlashSales(world, 20, 7, firstFlashSaleAt(0, 0, SETTINGS), SETTINGS);
    const extra = new Map<string, number>();
    let started = 0;
    let firstAt: number | null = null;
    let lastAt = 0;
    for (let t = 0; t < 400_000; t += TICK) {
      const tick = flash.tick(t, TICK);
      if (!tick) continue;
      if (tick.started) started += 1;
      firstAt ??= t;
      lastAt = t;
      extra.set(tick.store.id, (extra.get(tick.store.id) ?? 0) + tick.count);
    }
    expect(started).toBe(1);
    expect(firstAt).toBe(60_000);
    expect(lastAt).toBe(60_000 + 120_000 - TICK);
    expect(extra.size).toBe(1);
    // The store's usual rate: its share of 20 sales a second, from the world's weights (sampled).
    const [store, count] = [...extra][0] as [string, number];
    const samples = 50_000;
    let hits = 0;
    const rng = (() => {
      let s = 99;
      return () => {
        s = (s * 1664525 + 1013904223) >>> 0;
        return s / 2 ** 32;
      };
    })();
    for (let i = 0; i < samples; i++) if (world.sampleStore(rng).id === store) hits += 1;
    const expected = 3 * 20 * (hits / samples) * 120;
    expect(count).toBeGreaterThan(expected * 0.9);
    expect(count).toBeLessThan(expected * 1.1);
  });
});

const MIN = 60_000;
/** A start time 3 min 20 s into a window. */
const NOW = 5_000 * ANOMALY_WINDOW_MS + 200_000;
const WINDOW_START = 5_000 * ANOMALY_WINDOW_MS;

describe('firstFlashSaleAt', () => {
  it('without history: firstAfterMs after start, as before', () => {
    expect(firstFlashSaleAt(NOW, 0)).toBe(NOW + FLASH_SALES.firstAfterMs);
  });

  it('with an hour of history: at the start of the current window, which lies in the history', () => {
    expect(firstFlashSaleAt(NOW, 60 * MIN)).toBe(WINDOW_START);
    expect(firstFlashSaleAt(WINDOW_START, 60 * MIN)).toBe(WINDOW_START);
    expect(firstFlashSaleAt(WINDOW_START + ANOMALY_WINDOW_MS - 1, 60 * MIN)).toBe(WINDOW_START);
  });

  it('with too short a history for a baseline: on the first window boundary firstAfterMs after its start', () => {
    // History from NOW − 10 min; + 22 min = NOW + 12 min = WINDOW_START + 15 min 20 s → the next boundary.
    expect(firstFlashSaleAt(NOW, 10 * MIN)).toBe(WINDOW_START + 4 * ANOMALY_WINDOW_MS);
  });

  it('starts the later ones on window boundaries too, about everyMs apart', () => {
    const flash = new FlashSales(createWorld(), 20, 7, WINDOW_START, FLASH_SALES);
    const starts: number[] = [];
    for (let t = WINDOW_START; t < WINDOW_START + 6 * FLASH_SALES.everyMs; t += TICK) {
      const tick = flash.tick(t, TICK);
      if (tick?.started) starts.push(tick.started.startsAt);
    }
    expect(starts.length).toBeGreaterThanOrEqual(4);
    for (const [i, at] of starts.entries()) {
      expect(at % ANOMALY_WINDOW_MS).toBe(0);
      if (i > 0) expect(at - (starts[i - 1] as number)).toBeGreaterThanOrEqual((FLASH_SALES.everyMs * 2) / 3);
    }
  });

  it('lasts long enough to fill the window it starts on, however far into the history that is', () => {
    expect(FLASH_SALES.durationMs).toBeGreaterThanOrEqual(ANOMALY_WINDOW_MS);
    const first = firstFlashSaleAt(NOW, 60 * MIN);
    const flash = new FlashSales(createWorld(), 20, 7, first);
    const flashing: number[] = [];
    // The simulator's history ticks: from an hour back in steps of TICK, past the window's end.
    for (let t = NOW - 60 * MIN; t < first + 2 * ANOMALY_WINDOW_MS; t += TICK) {
      if (flash.tick(t, TICK)) flashing.push(t);
    }
    expect(flashing[0]).toBeGreaterThanOrEqual(first);
    expect(flashing[0]).toBeLessThan(first + TICK);
    expect(flashing.at(-1)).toBeGreaterThanOrEqual(first + ANOMALY_WINDOW_MS - TICK);
    // Every tick of the window in between is a flash-sale tick.
    expect(flashing.filter((t) => t < first + ANOMALY_WINDOW_MS).length).toBe(ANOMALY_WINDOW_MS / TICK);
  });
});
