// A counted sale or refund as the worker stores it: one `sale_fact` row per event, already split
// the way the rollups need it (whole order, per category, category set; per product), with signed
// figures. The rollups are built from these rows set-based in SQL (lib/queries/facts/roll-facts.ts),
// so the worker's transaction writes one row per event instead of ~30 rollup rows.

import { lineRevenueCents, minuteBucket, type SaleEvent } from './sales-event';
import {
  type CategorySet,
  CUSTOMER_SEGMENTS,
  type ProductInfo,
  partsOf,
  type SegmentDimension,
  type StoreInfo,
  segmentSlots,
} from './sales-rollup';

export interface SaleFact {
  eventId: string;
  refund: boolean;
  orderId: string;
  occurredAt: number;
  storeId: string;
  region: string;
  channel: string;
  /** CUSTOMER_SEGMENTS index (0-based) of the customer's slot in each of SEGMENT_DIMENSIONS. */
  slots: number[];
  /** `*` (whole order), each category, and the category-set id of a multi-category sale. */
  parts: string[];
  /** Net revenue of each part (negative for a refund); a set part has none. */
  partRevenue: number[];
  partUnits: number[];
  /** Each distinct SKU × category of the lines: one product order however many lines name it. */
  skus: string[];
  skuCategories: string[];
  skuRevenue: number[];
  skuUnits: number[];
  /** Lines of the event, and the line with the most revenue (the first of equals), for the ticker. */
  items: number;
  topSku: string;
  topItem: string;
}

/** Order of the dimensions in SaleFact.slots (and in `sale_fact.slots`, 1-based there). */
export const SEGMENT_DIMENSIONS: readonly SegmentDimension[] = ['age_band', 'gender', 'loyalty_tier', 'customer_type'];

/** For each CUSTOMER_SEGMENTS slot, the 1-based position in `sale_fact.slots` of its dimension. */
export const SLOT_DIMENSION_POSITIONS: readonly number[] = CUSTOMER_SEGMENTS.map(
  (s) => SEGMENT_DIMENSIONS.indexOf(s.dimension) + 1,
);

export interface FactBatch {
  facts: SaleFact[];
  categorySets: CategorySet[];
  /** Latest name/category per SKU in the batch. */
  catalog: ProductInfo[];
  /** Latest region per store in the batch. */
  stores: StoreInfo[];
  /** Touched event-time minutes [min, max], or null for an empty batch. */
  buckets: { min: number; max: number } | null;
}

const SEP = '\u0001';

export function factOf(event: SaleEvent, sets: Map<string, CategorySet>): SaleFact {
  const refund = event.type === 'refund';
  const sign = refund ? -1 : 1;
  const parts = partsOf(event, sign, sets);
  const products = new Map<string, { sku: string; category: string; revenue: number; units: number }>();
  let top = event.lines[0] as SaleEvent['lines'][number];
  for (const line of event.lines) {
    if (lineRevenueCents(line) > lineRevenueCents(top)) top = line;
    const key = line.sku + SEP + line.category;
    let product = products.get(key);
    if (!product) {
      product = { sku: line.sku, category: line.category, revenue: 0, units: 0 };
      products.set(key, product);
    }
    product.revenue += sign * lineRevenueCents(line);
    product.units += sign * line.quantity;
  }
  const skus = [...products.values()];
  return {
    eventId: event.eventId,
    refund,
    orderId: event.orderId,
    occurredAt: event.occurredAt,
    storeId: event.storeId,
    region: event.region,
    channel: event.channel,
    slots: segmentSlots(event.customer),
    parts: parts.map((p) => p.category),
    partRevenue: parts.map((p) => p.revenueCents),
    partUnits: parts.map((p) => p.units),
    skus: skus.map((p) => p.sku),
    skuCategories: skus.map((p) => p.category),
    skuRevenue: skus.map((p) => p.revenue),
    skuUnits: skus.map((p) => p.units),
    items: event.lines.length,
    topSku: top.sku,
    topItem: top.name,
  };
}

/** Facts of events already de-duplicated, plus the dimension values they carry. */
export function factsOf(events: readonly SaleEvent[]): FactBatch {
  const sets = new Map<string, CategorySet>();
  const catalog = new Map<string, ProductInfo>();
  const stores = new Map<string, string>();
  const facts: SaleFact[] = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    facts.push(factOf(event, sets));
    const bucket = minuteBucket(event.occurredAt);
    if (bucket < min) min = bucket;
    if (bucket > max) max = bucket;
    stores.set(event.storeId, event.region);
    for (const line of event.lines) catalog.set(line.sku, { sku: line.sku, name: line.name, category: line.category });
  }
  return {
    facts,
    categorySets: [...sets.values()],
    catalog: [...catalog.values()],
    stores: [...stores].map(([storeId, region]) => ({ storeId, region })),
    buckets: events.length === 0 ? null : { min, max },
  };
}
