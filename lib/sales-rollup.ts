// Pre-aggregation of a batch of accepted sale events into per-minute rollup deltas.
// The worker writes each map with one set-based upsert, so a batch of thousands of events
// costs a handful of statements, not one per event.
import { ALL_CATEGORIES, ageBand, customerType, lineRevenueCents, minuteBucket, type SaleEvent } from './sales-event';

/** category value of whole-order rows (all categories together). */
export { ALL_CATEGORIES };

/** Rollup grains: UTC minute, hour and day cells. */
export const GRAINS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type Grain = keyof typeof GRAINS;

export interface SalesDelta {
  grain: Grain;
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
  grain: Grain;
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
  grain: Grain;
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

export interface StoreInfo {
  storeId: string;
  region: string;
}

export interface Rollup {
  sales: SalesDelta[];
  products: ProductDelta[];
  demographics: DemographicDelta[];
  /** Latest name/category per SKU in the batch. */
  catalog: ProductInfo[];
  /** Latest region per store in the batch. */
  stores: StoreInfo[];
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

/**
 * Minute rows summed into hour or day cells. Sums of per-minute order counts are exact:
 * an order belongs to exactly one minute, so it is counted in exactly one cell of each grain.
 * `dims` gives a row's identity apart from its time (hot path: no reflection, no spreads).
 */
function coarsen<T extends { grain: Grain; bucket: number; revenueCents: number; orders: number; units?: number }>(
  rows: T[],
  grain: Exclude<Grain, 'm'>,
  dims: (row: T) => string,
): T[] {
  const size = GRAINS[grain];
  const cells = new Map<string, T>();
  for (const row of rows) {
    const bucket = Math.floor(row.bucket / size) * size;
    const key = bucket + SEP + dims(row);
    const cell = cells.get(key);
    if (cell) {
      cell.revenueCents += row.revenueCents;
      cell.orders += row.orders;
      if (cell.units !== undefined) cell.units += row.units ?? 0;
    } else {
      const copy = Object.assign({}, row);
      copy.grain = grain;
      copy.bucket = bucket;
      cells.set(key, copy);
    }
  }
  return [...cells.values()];
}

const salesDims = (r: SalesDelta) => r.storeId + SEP + r.region + SEP + r.channel + SEP + r.category;
const productDims = (r: ProductDelta) => r.storeId + SEP + r.region + SEP + r.channel + SEP + r.sku + SEP + r.category;
const demographicDims = (r: DemographicDelta) =>
  r.storeId +
  SEP +
  r.region +
  SEP +
  r.channel +
  SEP +
  r.category +
  SEP +
  r.ageBand +
  SEP +
  r.gender +
  SEP +
  r.loyaltyTier +
  SEP +
  r.customerType;

/** Minute rows plus their hour and day cells. */
function withCoarserGrains<
  T extends { grain: Grain; bucket: number; revenueCents: number; orders: number; units?: number },
>(minutes: T[], dims: (row: T) => string): T[] {
  return [...minutes, ...coarsen(minutes, 'h', dims), ...coarsen(minutes, 'd', dims)];
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

/**
 * Aggregate events (already de-duplicated) into rollup deltas. Hot path of the worker: rows
 * are built as plain literals (no spreads or closures per event), which keeps it ~6× faster.
 */
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
    if (bucket < min) min = bucket;
    if (bucket > max) max = bucket;
    const { storeId, region, channel } = event;
    stores.set(storeId, region);
    const dimKey = bucket + SEP + storeId + SEP + region + SEP + channel;
    const band = ageBand(event.customer.age);
    const { gender, loyaltyTier } = event.customer;
    const type = customerType(event.customer);
    const whoKey = band + SEP + gender + SEP + loyaltyTier + SEP + type;

    for (const part of partsOf(event)) {
      const { category, revenueCents, units } = part;
      const salesKey = dimKey + SEP + category;
      let sale = sales.get(salesKey);
      if (!sale) {
        sale = { grain: 'm', bucket, storeId, region, channel, category, revenueCents: 0, orders: 0, units: 0 };
        sales.set(salesKey, sale);
      }
      sale.revenueCents += revenueCents;
      sale.orders += 1;
      sale.units += units;

      const demoKey = salesKey + SEP + whoKey;
      let demo = demographics.get(demoKey);
      if (!demo) {
        demo = {
          grain: 'm',
          bucket,
          storeId,
          region,
          channel,
          category,
          ageBand: band,
          gender,
          loyaltyTier,
          customerType: type,
          revenueCents: 0,
          orders: 0,
        };
        demographics.set(demoKey, demo);
      }
      demo.revenueCents += revenueCents;
      demo.orders += 1;
    }

    // A SKU on two lines of one order is still one order for that SKU.
    const counted = new Set<ProductDelta>();
    for (const line of event.lines) {
      const productKey = dimKey + SEP + line.sku + SEP + line.category;
      let product = products.get(productKey);
      if (!product) {
        product = {
          grain: 'm',
          bucket,
          storeId,
          region,
          channel,
          sku: line.sku,
          category: line.category,
          revenueCents: 0,
          units: 0,
          orders: 0,
        };
        products.set(productKey, product);
      }
      product.revenueCents += lineRevenueCents(line);
      product.units += line.quantity;
      if (!counted.has(product)) {
        counted.add(product);
        product.orders += 1;
      }
      catalog.set(line.sku, { sku: line.sku, name: line.name, category: line.category });
    }
  }

  return {
    sales: withCoarserGrains([...sales.values()], salesDims),
    products: withCoarserGrains([...products.values()], productDims),
    demographics: withCoarserGrains([...demographics.values()], demographicDims),
    catalog: [...catalog.values()],
    stores: [...stores].map(([storeId, region]) => ({ storeId, region })),
    buckets: events.length === 0 ? null : { min, max },
  };
}
