// Flash sales for the simulator: now and then one store sells several times its usual rate for a
// few minutes (a promotion, a local event), so that `npm run demo` shows a sales anomaly (the
// store revenue rule, README "Actions contract") and its end. Between flash sales the stream is
// exactly what it was without them.
import { createRng, type Rng, type StoreInfo, type World } from './catalog';

/**
 * The seeded store revenue rule's window (prisma/migrations/20261209000000_actions: 5 minutes):
 * a flash sale starting on one of its boundaries fills a whole window with its durationMs.
 */
export const ANOMALY_WINDOW_MS = 5 * 60_000;

export interface FlashSaleSettings {
  /** First flash sale this long after the sales start: the anomaly rule needs a few windows of baseline first. */
  firstAfterMs: number;
  /** Then one every `everyMs` ± a third. */
  everyMs: number;
  /** How long one lasts: at least ANOMALY_WINDOW_MS, so one that starts on a window boundary fills that window. */
  durationMs: number;
  /** The store's sales rate during it, as a multiple of its usual rate. */
  multiplier: number;
}

export const FLASH_SALES: FlashSaleSettings = {
  firstAfterMs: 22 * 60_000,
  everyMs: 30 * 60_000,
  durationMs: 7 * 60_000,
  multiplier: 4,
};

/**
 * When the first flash sale starts, for a simulator starting at `nowMs` that seeds `historyMs`
 * of past sales first. Without history: firstAfterMs from now. With it: at the start of a
 * window (the anomaly is judged when that window closes), firstAfterMs after the history's
 * start, but not before the current window: the rule judges only the last closed window, so a
 * flash sale wholly in the past would never be alerted. An hour of history gives the current
 * window, which starts in the history and closes within ANOMALY_WINDOW_MS.
 */
export function firstFlashSaleAt(nowMs: number, historyMs: number, settings: FlashSaleSettings = FLASH_SALES): number {
  if (historyMs <= 0) return nowMs + settings.firstAfterMs;
  const currentWindow = Math.floor(nowMs / ANOMALY_WINDOW_MS) * ANOMALY_WINDOW_MS;
  const afterBaseline = Math.ceil((nowMs - historyMs + settings.firstAfterMs) / ANOMALY_WINDOW_MS) * ANOMALY_WINDOW_MS;
  return Math.max(currentWindow, afterBaseline);
}

export interface FlashSale {
  store: StoreInfo;
  startsAt: number;
  endsAt: number;
}

export class FlashSales {
  private readonly rng: Rng;
  private readonly share = new Map<string, number>();
  private next: number;
  private current: FlashSale | null = null;
  private carry = 0;

  constructor(
    private readonly world: World,
    private readonly salesPerSecond: number,
    seed: number,
    /** When the first flash sale starts (firstFlashSaleAt). */
    firstAtMs: number,
    private readonly settings: FlashSaleSettings = FLASH_SALES,
  ) {
    this.rng = createRng(seed + 7);
    // Each store's share of the sales, from the world's own store weights (sampled).
    const sampling = createRng(seed + 8);
    const samples = 20_000;
    for (let i = 0; i < samples; i++) {
      const id = world.sampleStore(sampling).id;
      this.share.set(id, (this.share.get(id) ?? 0) + 1 / samples);
    }
    this.next = firstAtMs;
  }

  /** The flash sale starting at `nowMs`, if one does (for the simulator's log). */
  private start(nowMs: number): FlashSale | null {
    if (this.current && nowMs >= this.current.endsAt) this.current = null;
    if (this.current || nowMs < this.next) return null;
    const store = this.world.stores[Math.floor(this.rng() * this.world.stores.length)] as StoreInfo;
    this.current = { store, startsAt: nowMs, endsAt: nowMs + this.settings.durationMs };
    // The next on a window boundary too: it then fills a whole window, so every one is alerted.
    const next = nowMs + this.settings.everyMs * (2 / 3 + (this.rng() * 2) / 3);
    this.next = Math.ceil(next / ANOMALY_WINDOW_MS) * ANOMALY_WINDOW_MS;
    this.carry = 0;
    return this.current;
  }

  /**
   * The extra sales of one tick of `tickMs` at `nowMs`: the store and how many, or null outside
   * a flash sale; `started` is set on the tick a flash sale begins.
   */
  tick(nowMs: number, tickMs: number): { store: StoreInfo; count: number; started: FlashSale | null } | null {
    const started = this.start(nowMs);
    const sale = this.current;
    if (!sale || nowMs >= sale.endsAt) return null;
    const perSecond = (this.settings.multiplier - 1) * this.salesPerSecond * (this.share.get(sale.store.id) ?? 0);
    this.carry += (perSecond * tickMs) / 1000;
    const count = Math.floor(this.carry);
    this.carry -= count;
    return { store: sale.store, count, started };
  }
}
