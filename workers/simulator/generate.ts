// Turns the synthetic world into contract-v1 sale and refund events (plain JSON objects, as
// producers send).
import { randomUUID } from 'node:crypto';
import type { SaleEventJson } from '@/lib/domain/sales-event';
import { createRng, type Rng, type StoreInfo, type World, weighted } from './catalog';

export type { SaleEventJson };

const lineCount = weighted([1, 2, 3, 4, 5], [52, 26, 12, 6, 4]);
const quantity = weighted([1, 2, 3, 4], [78, 15, 5, 2]);

export class SaleGenerator {
  private readonly rng: Rng;
  private readonly seen = new Set<string>();
  private sequence = 0;

  constructor(
    private readonly world: World,
    seed = Date.now(),
    private readonly currency = 'USD',
  ) {
    this.rng = createRng(seed);
  }

  /** A sale happening `now`, at `atStore` when given (a flash sale), else at a store drawn by weight. */
  next(now = Date.now(), atStore?: StoreInfo): SaleEventJson {
    const rng = this.rng;
    const store = atStore ?? this.world.sampleStore(rng);
    const channel = this.world.sampleChannel(rng);
    const guest = rng() < 0.08;
    const profile = this.world.customers[Math.floor(rng() * this.world.customers.length)];
    let customer: SaleEventJson['customer'];
    if (guest || !profile) {
      customer = { id: null, age: null, gender: 'undisclosed', loyalty_tier: 'none', first_order: rng() < 0.6 };
    } else {
      customer = {
        id: profile.id,
        age: profile.age,
        gender: profile.gender,
        loyalty_tier: profile.loyaltyTier,
        first_order: !this.seen.has(profile.id),
      };
      this.seen.add(profile.id);
    }
    const lines: SaleEventJson['lines'] = [];
    const skus = new Set<string>();
    const wanted = lineCount(rng);
    for (let i = 0; i < wanted * 3 && lines.length < wanted; i++) {
      const product = this.world.sampleProduct(rng);
      if (skus.has(product.sku)) continue;
      skus.add(product.sku);
      const qty = quantity(rng);
      const gross = qty * product.priceCents;
      const discount = rng() < 0.18 ? Math.round(gross * (0.05 + rng() * 0.25)) : 0;
      lines.push({
        sku: product.sku,
        name: product.name,
        category: product.category,
        quantity: qty,
        unit_price_cents: product.priceCents,
        discount_cents: discount,
      });
    }
    this.sequence += 1;
    // Events arrive a little after they happen (POS batching, mobile networks).
    const occurred = new Date(now - Math.floor(rng() * 1500));
    return {
      event_id: randomUUID(),
      type: 'sale',
      occurred_at: occurred.toISOString(),
      order_id: `ORD-${store.id}-${now.toString(36)}-${this.sequence}`,
      store_id: store.id,
      channel,
      region: store.region,
      currency: this.currency,
      customer,
      lines,
    };
  }

  /**
   * A refund of part of an earlier sale, happening `now`: some of its lines, some of each
   * line's units, the discount returned pro rata (never more than was paid).
   */
  refundOf(sale: SaleEventJson, now = Date.now()): SaleEventJson {
    const rng = this.rng;
    const lines: SaleEventJson['lines'] = [];
    for (const line of sale.lines) {
      if (lines.length > 0 && rng() < 0.5) continue;
      const qty = 1 + Math.floor(rng() * line.quantity);
      lines.push({
        ...line,
        quantity: qty,
        discount_cents: Math.floor(((line.discount_cents ?? 0) * qty) / line.quantity),
      });
    }
    return {
      ...sale,
      event_id: randomUUID(),
      type: 'refund',
      occurred_at: new Date(Math.max(now, Date.parse(sale.occurred_at))).toISOString(),
      lines,
    };
  }
}
