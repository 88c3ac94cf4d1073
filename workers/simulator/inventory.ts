// Inventory events for the simulator (README "Inventory contract"): a count (snapshot) of every
// store×SKU at start, deliveries that restock some of the pairs running low, and now and then
// shrinkage (a negative adjustment). Stock is sized in days of each pair's expected demand, as a
// store plans it: most pairs hold one to six weeks (some far more: markdown candidates), a few
// start below the low-cover line (low-stock alerts and restock suggestions from the first
// evaluation) and a few just above it, crossing it during the first half hour of `npm run demo`.
// Deliveries then bring a share of the low pairs back to two to four weeks each round.
import { randomUUID } from 'node:crypto';
import type { InventoryEventJson } from '@/lib/domain/inventory-event';
import type { SaleEventJson } from '@/lib/domain/sales-event';
import { createRng, type Rng, type World } from './catalog';

/** Draws used to estimate each store×SKU's share of the lines sold. */
const DEMAND_SAMPLES = 50_000;
/** Units per line and lines per sale on average (workers/simulator/generate.ts' mixes). */
const UNITS_PER_SALE = 1.35 * 1.9;
const MINUTES_PER_DAY = 1440;
/** The default low-cover line (INVENTORY_LOW_COVER_DAYS): the initial counts are placed around it. */
const LOW_COVER_DAYS = 3;
/**
 * Days of demand a pair is counted at, by share of pairs: below the low-cover line, just above it
 * (about half an hour of demand above), stocked normally, and overstocked.
 */
const COVER_MIX: { share: number; fromDays: number; toDays: number }[] = [
  { share: 0.015, fromDays: 0.3, toDays: 2.5 },
  { share: 0.015, fromDays: LOW_COVER_DAYS, toDays: LOW_COVER_DAYS + 30 / MINUTES_PER_DAY },
  { share: 0.87, fromDays: 7, toDays: 45 },
  { share: 0.1, fromDays: 70, toDays: 120 },
];
/** The COVER_MIX band a uniform draw `u` in [0, 1) falls in. */
function coverBand(u: number): (typeof COVER_MIX)[number] {
  let below = 0;
  for (const band of COVER_MIX) {
    below += band.share;
    if (u < below) return band;
  }
  return COVER_MIX.at(-1) as (typeof COVER_MIX)[number];
}

/** Each delivery round restocks this share of the pairs under the low-cover line. */
const RESTOCK_SHARE = 0.05;

const key = (store: string, sku: string) => `${store}:${sku}`;

export class InventoryGenerator {
  private readonly rng: Rng;
  /** The simulator's own idea of on-hand (what it produced), to decide what to restock. */
  private readonly stock = new Map<string, number>();
  /** Expected units sold per minute, per store×SKU. */
  private readonly demand = new Map<string, { store: string; sku: string; perMinute: number }>();

  constructor(
    private readonly world: World,
    salesPerSecond: number,
    seed = Date.now(),
  ) {
    this.rng = createRng(seed);
    const sampling = createRng(seed + 1);
    const counts = new Map<string, number>();
    for (let i = 0; i < DEMAND_SAMPLES; i++) {
      const k = key(world.sampleStore(sampling).id, world.sampleProduct(sampling).sku);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const store of world.stores) {
      for (const product of world.products) {
        const share = (counts.get(key(store.id, product.sku)) ?? 0) / DEMAND_SAMPLES;
        this.demand.set(key(store.id, product.sku), {
          store: store.id,
          sku: product.sku,
          perMinute: share * salesPerSecond * 60 * UNITS_PER_SALE,
        });
      }
    }
  }

  private event(type: InventoryEventJson['type'], store: string, sku: string, quantity: number, now: number) {
    const k = key(store, sku);
    this.stock.set(k, type === 'snapshot' ? quantity : (this.stock.get(k) ?? 0) + quantity);
    const event: InventoryEventJson = {
      event_id: randomUUID(),
      type,
      occurred_at: new Date(now).toISOString(),
      store_id: store,
      sku,
      quantity,
    };
    return event;
  }

  /**
   * A count of every store×SKU, in days of its expected demand (COVER_MIX). Outside the low band
   * at least 80–160 units: the long tail sells a few units a day, and on the demo's first hour of
   * history one unit sold reads as 24 a day (the forecast has nothing else to go on yet), so a
   * smaller shelf would look low until a day of history has averaged it out.
   */
  initialSnapshots(now = Date.now()): InventoryEventJson[] {
    return [...this.demand.values()].map(({ store, sku, perMinute }) => {
      const band = coverBand(this.rng());
      const days = band.fromDays + this.rng() * (band.toDays - band.fromDays);
      const floor = band === COVER_MIX[0] ? 1 : 80 + Math.floor(this.rng() * 81);
      return this.event('snapshot', store, sku, Math.max(floor, Math.round(perMinute * MINUTES_PER_DAY * days)), now);
    });
  }

  /** What the simulator just sold or took back. */
  sold(sale: SaleEventJson): void {
    const sign = sale.type === 'refund' ? 1 : -1;
    for (const line of sale.lines) {
      const k = key(sale.store_id, line.sku);
      this.stock.set(k, (this.stock.get(k) ?? 0) + sign * line.quantity);
    }
  }

  /** Deliveries: a share (RESTOCK_SHARE) of the pairs under the low-cover line get two to four weeks' worth. */
  receipts(now = Date.now()): InventoryEventJson[] {
    const out: InventoryEventJson[] = [];
    for (const [k, { store, sku, perMinute }] of this.demand) {
      const perDay = perMinute * MINUTES_PER_DAY;
      const onHand = this.stock.get(k) ?? 0;
      if (onHand >= perDay * LOW_COVER_DAYS || this.rng() >= RESTOCK_SHARE) continue;
      const quantity = Math.max(1, Math.round(perDay * (14 + this.rng() * 14)));
      out.push(this.event('receipt', store, sku, quantity, now));
    }
    return out;
  }

  /** Now and then a few units go missing from a pair that has them (shrinkage). */
  shrinkage(now = Date.now()): InventoryEventJson | null {
    const store = this.world.sampleStore(this.rng);
    const product = this.world.sampleProduct(this.rng);
    const onHand = this.stock.get(key(store.id, product.sku)) ?? 0;
    if (onHand <= 0) return null;
    const lost = Math.min(onHand, 1 + Math.floor(this.rng() * 3));
    return this.event('adjustment', store.id, product.sku, -lost, now);
  }
}
