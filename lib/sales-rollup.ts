// Pre-aggregation of a batch of accepted sale events into per-minute rollup deltas.
// The worker writes each map with one set-based upsert, so a batch of thousands of events
// costs a handful of statements, not one per event.
import { ageBand, customerType, lineRevenueCents, minuteBucket, type SaleEvent } from './sales-event';

/** category value of whole-order rows (all categories together). */
export const ALL_CATEGORIES = '*';

export interface SalesDelta {
  bucket: number;
  storeId: string;
  region: string;
  channel: string;
  category: string;
  revenueCents: number;
  orders: number;
  units: number;
}

export interface ProductDelta {
  bucket: number;
  storeId: string;
  region: string;
  channel: string;
  sku: string;
  category: string;
  revenueCents: number;
  units: number;
  orders: number;
}

export interface DemographicDelta {
  bucket: number;
  storeId: string;
  region: string;
  channel: string;
  category: string;
  ageBand: string;
  gender: string;
  loyaltyTier: string;
  customerType: string;
  revenueCents: number;
  orders: number;
}

export interface ProductInfo {
  sku: string;
  name: string;
  category: string;
}

export interface Rollup {
  sales: SalesDelta[];
  products: ProductDelta[];
  demographics: DemographicDelta[];
  /** Latest name/category per SKU in the batch. */
  catalog: ProductInfo[];
  /** Latest region per store in the batch. */
  stores: { storeId: string; region: string }[];
  /** Touched event-time range [minBucket, maxBucket] or null for an empty batch. */
  buckets: { min: number; max: number } | null;
}

interface Part {
  category: string;
  revenueCents: number;
  units: number;
}

// \u0001 cannot appear in a valid JSON-decoded id in practice and keeps keys unambiguous.
const SEP = '\u0001';

function upsert<T extends { revenueCents: number; orders: number }>(
  map: Map<string, T>,
  key: string,
  create: () => T,
  revenueCents: number,
  extra?: (row: T) => void,
): void {
  let row = map.get(key);
  if (!row) {
    row = create();
    map.set(key, row);
  }
  row.revenueCents += revenueCents;
  row.orders += 1;
  extra?.(row);
}

/** Order-level figures split by category, plus the whole-order part under ALL_CATEGORIES. */
function partsOf(event: SaleEvent): Part[] {
  const byCategory = new Map<string, Part>();
  const whole: Part = { category: ALL_CATEGORIES, revenueCents: 0, units: 0 };
  for (const line of event.lines) {
    const revenue = lineRevenueCents(line);
    let part = byCategory.get(line.category);
    if (!part) {
      part = { category: line.category, revenueCents: 0, units: 0 };
      byCategory.set(line.category, part);
    }
    part.revenueCents += revenue;
    part.units += line.quantity;
    whole.revenueCents += revenue;
    whole.units += line.quantity;
  }
  return [whole, ...byCategory.values()];
}

/** Aggregate events (already de-duplicated) into rollup deltas. */
export function rollUp(events: readonly SaleEvent[]): Rollup {
  const sales = new Map<string, SalesDelta>();
  const products = new Map<string, ProductDelta>();
  const demographics = new Map<string, DemographicDelta>();
  const catalog = new Map<string, ProductInfo>();
  const stores = new Map<string, string>();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;

  for (const event of events) {
    const bucket = minuteBucket(event.occurredAt);
    min = Math.min(min, bucket);
    max = Math.max(max, bucket);
    stores.set(event.storeId, event.region);
    const dims = { bucket, storeId: event.storeId, region: event.region, channel: event.channel };
    const dimKey = [bucket, event.storeId, event.region, event.channel].join(SEP);
    const who = {
      ageBand: ageBand(event.customer.age),
      gender: event.customer.gender,
      loyaltyTier: event.customer.loyaltyTier,
      customerType: customerType(event.customer),
    };
    const whoKey = [who.ageBand, who.gender, who.loyaltyTier, who.customerType].join(SEP);

    for (const part of partsOf(event)) {
      const { category } = part;
      upsert(
        sales,
        dimKey + SEP + category,
        () => ({ ...dims, category, revenueCents: 0, orders: 0, units: 0 }),
        part.revenueCents,
        (row) => {
          row.units += part.units;
        },
      );
      upsert(
        demographics,
        [dimKey, category, whoKey].join(SEP),
        () => ({ ...dims, category, ...who, revenueCents: 0, orders: 0 }),
        part.revenueCents,
      );
    }

    // A SKU on two lines of one order is still one order for that SKU.
    const skuParts = new Map<string, ProductDelta>();
    for (const line of event.lines) {
      const key = line.sku + SEP + line.category;
      let part = skuParts.get(key);
      if (!part) {
        part = { ...dims, sku: line.sku, category: line.category, revenueCents: 0, units: 0, orders: 0 };
        skuParts.set(key, part);
      }
      part.revenueCents += lineRevenueCents(line);
      part.units += line.quantity;
      catalog.set(line.sku, { sku: line.sku, name: line.name, category: line.category });
    }
    for (const [skuKey, part] of skuParts) {
      upsert(
        products,
        dimKey + SEP + skuKey,
        () => ({ ...part, revenueCents: 0, units: 0, orders: 0 }),
        part.revenueCents,
        (row) => {
          row.units += part.units;
        },
      );
    }
  }

  return {
    sales: [...sales.values()],
    products: [...products.values()],
    demographics: [...demographics.values()],
    catalog: [...catalog.values()],
    stores: [...stores].map(([storeId, region]) => ({ storeId, region })),
    buckets: events.length === 0 ? null : { min, max },
  };
}
