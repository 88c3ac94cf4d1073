// The simulator's flash sales (workers/simulator/flash-sale.ts): none before the first is due,
// then one store at its multiple of its usual rate for the set duration, then none again.
import { describe, expect, it } from 'vitest';
import { createWorld } from '@/workers/simulator/catalog';
import { FlashSales } from '@/workers/simulator/flash-sale';

const SETTINGS = { firstAfterMs: 60_000, everyMs: 600_000, durationMs: 120_000, multiplier: 4 };
const TICK = 100;

describe('FlashSales', () => {
  it('adds (multiplier − 1) × the store’s usual sales at one store for the duration only', () => {
    const world = createWorld();
    const flash = new FlashSales(world, 20, 7, 0, SETTINGS);
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
