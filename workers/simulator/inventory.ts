// Inventory events for the simulator (README "Inventory contract"): a count (snapshot) of every
// store×SKU at start, receipts that restock some of the SKUs running low, and now and then
// shrinkage (a negative adjustment). Stock is sized from each pair's share of the simulated
// demand, so the popular SKUs of the busy stores run low within a few minutes of `npm run demo`
// and not every one of them is restocked in time.
import { randomUUID } from 'node:crypto';
import type { InventoryEventJson } from '@/lib/domain/inventory-event';
import type { SaleEventJson } from '@/lib/domain/sales-event';
import { createRng, type Rng, type World } from './catalog';

/** Draws used to estimate each store×SKU's share of the lines sold. */
const DEMAND_SAMPLES = 50_000;
/** Units per line and lines per sale on average (workers/simulator/generate.ts' mixes). */
const UNITS_PER_SALE = 1.35 * 1.9;

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
   * A count of every store×SKU: between 2 and 25 minutes of its expected demand, and at least
   * 12–50 units (the long tail sells a unit an hour and should not look low from the start).
   */
  initialSnapshots(now = Date.now()): InventoryEventJson[] {
    return [...this.demand.values()].map(({ store, sku, perMinute }) => {
      const minutes = 2 + this.rng() * 23;
      const floor = 12 + Math.floor(this.rng() * 39);
      return this.event('snapshot', store, sku, Math.max(floor, Math.round(perMinute * minutes)), now);
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

  /**
   * Deliveries: about half of the pairs below two minutes of demand get 10–20 minutes' worth
   * (the others stay low until a later round).
   */
  receipts(now = Date.now()): InventoryEventJson[] {
    const out: InventoryEventJson[] = [];
    for (const [k, { store, sku, perMinute }] of this.demand) {
      const onHand = this.stock.get(k) ?? 0;
      if (onHand > Math.max(3, perMinute * 2) || this.rng() < 0.5) continue;
      const quantity = Math.max(12, Math.round(perMinute * (10 + this.rng() * 10)));
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
