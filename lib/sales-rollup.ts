// Pre-aggregation of a batch of accepted sale and refund events into per-minute rollup
// deltas. The worker writes each map with one set-based upsert, so a batch of thousands of
// events costs a handful of statements, not one per event.
//
// Refunds: revenue and units are NET everywhere (a refund subtracts its amount and quantity
// in the minute of its own occurred_at, as retailers report net sales by refund date) and a
// refund never counts as an order. The sales rollup also keeps the refunded amount and
// quantity apart, so gross sales = net revenue + refunds.
import type { Demographics } from './queries/overview.types';
import { ALL_CATEGORIES, ageBand, customerType, lineRevenueCents, minuteBucket, type SaleEvent } from './sales-event';

/** category value of whole-order rows (all categories together). */
export { ALL_CATEGORIES };

/**
 * First character of the category of "category set" rows. A sale with lines in two or more
 * categories also counts once (orders = 1, revenue and units 0) under the set of its
 * categories, so that the orders of a multi-category filter S stay exact:
 *
 *   orders(S) = Σ_{c∈S} orders_c − Σ_{set rows T} orders_T · max(|T∩S| − 1, 0)
 *
 * (an order whose categories are T is counted |T∩S| times by the per-category rows and must
 * count once). The set row's category is CATEGORY_SET_PREFIX + a hash of the sorted
 * categories, a short key whatever the number and length of the categories; the
 * `category_set` table maps it back to the categories for the queries. Refunds are not
 * orders, so they have no set rows. Like ALL_CATEGORIES, a real category starting with this
 * control character would be misread.
 */
export const CATEGORY_SET_PREFIX = '\u0001';

/**
 * store_id and channel of the region-level rows of the product and demographic rollups:
 * every store and channel of a region together. Views without a store or channel filter
 * (the common case) read these, ~20× fewer rows than the store × channel rows. The product
 * rollup also has all-regions rows (store_id, region and channel all ALL) for views without a
 * region filter either. The empty string cannot be a real store id or region (the contract
 * requires 1–128 characters) or channel.
 */
export const ALL = '';

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
  /** Net: sales minus refunds. */
  revenueCents: number;
  orders: number;
  /** Net: sold minus refunded. */
  units: number;
  refundCents: number;
  refundUnits: number;
}

export interface ProductDelta {
  grain: Grain;
  bucket: number;
  storeId: string;
  region: string;
  channel: string;
  sku: string;
  category: string;
  /** Net: sales minus refunds. */
  revenueCents: number;
  units: number;
  orders: number;
  refundCents: number;
  refundUnits: number;
}

/**
 * A sales_rollup cell's revenue and orders per customer segment: one slot per CUSTOMER_SEGMENTS
 * entry. Each event adds to one slot of each of the four dimensions, so every dimension's slots
 * add up to the cell's totals. A row per combination of the four (up to 256 per cell) made a
 * 30-day view read ~15,000 scattered rows; a row per cell reads ~150.
 */
export interface DemographicDelta {
  grain: Grain;
  bucket: number;
  storeId: string;
  region: string;
  channel: string;
  category: string;
  /** Indexed by CUSTOMER_SEGMENTS slot. */
  revenueCents: number[];
  orders: number[];
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

/** The categories behind a category-set row (`id` = its category value). */
export interface CategorySet {
  id: string;
  categories: string[];
}

export interface Rollup {
  sales: SalesDelta[];
  products: ProductDelta[];
  demographics: DemographicDelta[];
  productDemographics: ProductDemographicDelta[];
  /** Category sets of the batch's multi-category sales. */
  categorySets: CategorySet[];
  /** Latest name/category per SKU in the batch. */
  catalog: ProductInfo[];
  /** Latest region per store in the batch. */
  stores: StoreInfo[];
  /** Touched event-time range [minBucket, maxBucket] or null for an empty batch. */
  buckets: { min: number; max: number } | null;
}

interface Part {
  category: string;
  /** Signed: negative for a refund. */
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
interface Summable {
  grain: Grain;
  bucket: number;
  revenueCents: number;
  orders: number;
  units?: number;
  refundCents?: number;
  refundUnits?: number;
}

function coarsen<T extends Summable>(rows: T[], grain: Exclude<Grain, 'm'>, dims: (row: T) => string): T[] {
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
      if (cell.refundCents !== undefined) {
        cell.refundCents += row.refundCents ?? 0;
        cell.refundUnits = (cell.refundUnits ?? 0) + (row.refundUnits ?? 0);
      }
    } else {
      const copy = Object.assign({}, row);
      copy.grain = grain;
      copy.bucket = bucket;
      cells.set(key, copy);
    }
  }
  return [...cells.values()];
}

const salesDims = (r: Pick<SalesDelta, 'storeId' | 'region' | 'channel' | 'category'>) =>
  r.storeId + SEP + r.region + SEP + r.channel + SEP + r.category;
const productDims = (r: Pick<ProductDelta, 'storeId' | 'region' | 'channel' | 'sku' | 'category'>) =>
  r.storeId + SEP + r.region + SEP + r.channel + SEP + r.sku + SEP + r.category;
/** Minute rows plus their hour and day cells. */
function withCoarserGrains<T extends Summable>(minutes: T[], dims: (row: T) => string): T[] {
  return [...minutes, ...coarsen(minutes, 'h', dims), ...coarsen(minutes, 'd', dims)];
}

// Set ids by the JSON of their sorted categories: most orders repeat a few combinations, so
// the hash is computed once per combination and process. Cleared when large (a bounded cache).
const setIds = new Map<string, string>();
const MAX_CACHED_SET_IDS = 50_000;

/** Category-set id of distinct categories (any order): prefix + 22 base64url characters of SHA-256. */
export function categorySetId(categories: Iterable<string>): { id: string; categories: string[] } {
  const sorted = [...categories].sort();
  const key = JSON.stringify(sorted); // unambiguous whatever characters the categories hold
  let id = setIds.get(key);
  if (id === undefined) {
    // Loaded lazily: this module is also bundled for the browser (GRAINS), which never rolls up.
    const { createHash } = process.getBuiltinModule('node:crypto');
    id = CATEGORY_SET_PREFIX + createHash('sha256').update(key).digest('base64url').slice(0, 22);
    if (setIds.size >= MAX_CACHED_SET_IDS) setIds.clear();
    setIds.set(key, id);
  }
  return { id, categories: sorted };
}

/**
 * Order-level figures split by category, plus the whole-order part under ALL_CATEGORIES;
 * `sign` is -1 for a refund. A sale with several categories adds its category-set part
 * (orders only; see CATEGORY_SET_PREFIX), recorded in `sets`.
 */
function partsOf(event: SaleEvent, sign: 1 | -1, sets: Map<string, CategorySet>): Part[] {
  const byCategory = new Map<string, Part>();
  const whole: Part = { category: ALL_CATEGORIES, revenueCents: 0, units: 0 };
  for (const line of event.lines) {
    const revenue = sign * lineRevenueCents(line);
    let part = byCategory.get(line.category);
    if (!part) {
      part = { category: line.category, revenueCents: 0, units: 0 };
      byCategory.set(line.category, part);
    }
    part.revenueCents += revenue;
    part.units += sign * line.quantity;
    whole.revenueCents += revenue;
    whole.units += sign * line.quantity;
  }
  const parts = [whole, ...byCategory.values()];
  if (sign === 1 && byCategory.size > 1) {
    const set = categorySetId(byCategory.keys());
    sets.set(set.id, set);
    parts.push({ category: set.id, revenueCents: 0, units: 0 });
  }
  return parts;
}

/** Adds a part of an event to the segment slots of a demographic cell (created if missing). */
function addDemographic(
  rows: Map<string, DemographicDelta>,
  key: string,
  bucket: number,
  storeId: string,
  region: string,
  channel: string,
  category: string,
  slots: readonly number[],
  revenueCents: number,
  orders: number,
): void {
  let row = rows.get(key);
  if (!row) {
    const width = CUSTOMER_SEGMENTS.length;
    row = {
      grain: 'm',
      bucket,
      storeId,
      region,
      channel,
      category,
      revenueCents: new Array<number>(width).fill(0),
      orders: new Array<number>(width).fill(0),
    };
    rows.set(key, row);
  }
  for (const slot of slots) {
    (row.revenueCents[slot] as number) += revenueCents;
    (row.orders[slot] as number) += orders;
  }
}

function productRow(
  rows: Map<string, ProductDelta>,
  key: string,
  bucket: number,
  storeId: string,
  region: string,
  channel: string,
  line: SaleEvent['lines'][number],
): ProductDelta {
  let row = rows.get(key);
  if (!row) {
    row = {
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
      refundCents: 0,
      refundUnits: 0,
    };
    rows.set(key, row);
  }
  return row;
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
  const categorySets = new Map<string, CategorySet>();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;

  for (const event of events) {
    const bucket = minuteBucket(event.occurredAt);
    if (bucket < min) min = bucket;
    if (bucket > max) max = bucket;
    const { storeId, region, channel } = event;
    stores.set(storeId, region);
    const dimKey = bucket + SEP + storeId + SEP + region + SEP + channel;
    const regionKey = bucket + SEP + ALL + SEP + region + SEP + ALL;
    const allRegionsKey = bucket + SEP + ALL + SEP + ALL + SEP + ALL;
    const slots = segmentSlots(event.customer);
    const refund = event.type === 'refund';
    const sign = refund ? -1 : 1;
    const order = refund ? 0 : 1;

    for (const part of partsOf(event, sign, categorySets)) {
      const { category, revenueCents, units } = part;
      const salesKey = dimKey + SEP + category;
      let sale = sales.get(salesKey);
      if (!sale) {
        sale = {
          grain: 'm',
          bucket,
          storeId,
          region,
          channel,
          category,
          revenueCents: 0,
          orders: 0,
          units: 0,
          refundCents: 0,
          refundUnits: 0,
        };
        sales.set(salesKey, sale);
      }
      sale.revenueCents += revenueCents;
      sale.orders += order;
      sale.units += units;
      if (refund) {
        sale.refundCents -= revenueCents;
        sale.refundUnits -= units;
      }

      const demoKey = SEP + category;
      addDemographic(
        demographics,
        dimKey + demoKey,
        bucket,
        storeId,
        region,
        channel,
        category,
        slots,
        revenueCents,
        order,
      );
      addDemographic(demographics, regionKey + demoKey, bucket, ALL, region, ALL, category, slots, revenueCents, order);
    }

    // A SKU on two lines of one order is still one order for that SKU; a refund is none.
    const counted = new Set<ProductDelta>();
    for (const line of event.lines) {
      const lineRevenue = lineRevenueCents(line);
      const lineKey = SEP + line.sku + SEP + line.category;
      for (const product of [
        productRow(products, dimKey + lineKey, bucket, storeId, region, channel, line),
        productRow(products, regionKey + lineKey, bucket, ALL, region, ALL, line),
        productRow(products, allRegionsKey + lineKey, bucket, ALL, ALL, ALL, line),
      ]) {
        product.revenueCents += sign * lineRevenue;
        product.units += sign * line.quantity;
        if (refund) {
          product.refundCents += lineRevenue;
          product.refundUnits += line.quantity;
        }
        if (!refund && !counted.has(product)) {
          counted.add(product);
          product.orders += 1;
        }
      }
      catalog.set(line.sku, { sku: line.sku, name: line.name, category: line.category });
    }
  }

  return {
    sales: withCoarserGrains([...sales.values()], salesDims),
    products: withCoarserGrains([...products.values()], productDims),
    demographics: withCoarserSlotGrains([...demographics.values()], salesDims),
    productDemographics: rollUpProductDemographics(events),
    categorySets: [...categorySets.values()],
    catalog: [...catalog.values()],
    stores: [...stores].map(([storeId, region]) => ({ storeId, region })),
    buckets: events.length === 0 ? null : { min, max },
  };
}

// ---- Customer segments (slot arrays of demographic_rollup and product_demographic_rollup) ----

export type SegmentDimension = Exclude<keyof Demographics, 'region'>;

/**
 * Slot layout of the arrays of demographic_rollup and product_demographic_rollup. APPEND ONLY:
 * stored rows are positional,
 * so a new value (a new loyalty tier, say) gets the next free slot, wherever its dimension is.
 */
export const CUSTOMER_SEGMENTS: readonly { dimension: SegmentDimension; key: string }[] = [
  { dimension: 'age_band', key: '<18' },
  { dimension: 'age_band', key: '18-24' },
  { dimension: 'age_band', key: '25-34' },
  { dimension: 'age_band', key: '35-44' },
  { dimension: 'age_band', key: '45-54' },
  { dimension: 'age_band', key: '55-64' },
  { dimension: 'age_band', key: '65+' },
  { dimension: 'age_band', key: 'unknown' },
  { dimension: 'gender', key: 'female' },
  { dimension: 'gender', key: 'male' },
  { dimension: 'gender', key: 'nonbinary' },
  { dimension: 'gender', key: 'undisclosed' },
  { dimension: 'loyalty_tier', key: 'none' },
  { dimension: 'loyalty_tier', key: 'silver' },
  { dimension: 'loyalty_tier', key: 'gold' },
  { dimension: 'loyalty_tier', key: 'platinum' },
  { dimension: 'customer_type', key: 'new' },
  { dimension: 'customer_type', key: 'returning' },
];

const SEGMENT_SLOT = new Map(CUSTOMER_SEGMENTS.map((s, i) => [s.dimension + SEP + s.key, i]));

/** 1-based positions (as SQL arrays and WITH ORDINALITY number them) of one dimension's slots. */
export function segmentPositions(dimension: SegmentDimension): number[] {
  return CUSTOMER_SEGMENTS.flatMap((s, i) => (s.dimension === dimension ? [i + 1] : []));
}

function slotOf(dimension: SegmentDimension, key: string): number {
  const slot = SEGMENT_SLOT.get(dimension + SEP + key);
  if (slot === undefined) throw new Error(`no customer segment slot for ${dimension} ${key}`);
  return slot;
}

/** The customer's slot in each of the four segment dimensions. */
function segmentSlots(customer: SaleEvent['customer']): number[] {
  return [
    slotOf('age_band', ageBand(customer.age)),
    slotOf('gender', customer.gender),
    slotOf('loyalty_tier', customer.loyaltyTier),
    slotOf('customer_type', customerType(customer)),
  ];
}

/** One product cell (the dimensions of ProductDelta) with revenue and orders per segment slot. */
export interface ProductDemographicDelta {
  grain: Grain;
  bucket: number;
  storeId: string;
  region: string;
  channel: string;
  sku: string;
  category: string;
  /** Indexed by CUSTOMER_SEGMENTS slot. */
  revenueCents: number[];
  orders: number[];
}

interface SlotRow {
  grain: Grain;
  bucket: number;
  revenueCents: number[];
  orders: number[];
}

function coarsenSlots<T extends SlotRow>(rows: T[], grain: Exclude<Grain, 'm'>, dims: (row: T) => string): T[] {
  const size = GRAINS[grain];
  const cells = new Map<string, T>();
  for (const row of rows) {
    const bucket = Math.floor(row.bucket / size) * size;
    const key = bucket + SEP + dims(row);
    const cell = cells.get(key);
    if (cell) {
      for (let i = 0; i < row.revenueCents.length; i++) {
        (cell.revenueCents[i] as number) += row.revenueCents[i] as number;
        (cell.orders[i] as number) += row.orders[i] as number;
      }
    } else {
      cells.set(key, { ...row, grain, bucket, revenueCents: [...row.revenueCents], orders: [...row.orders] });
    }
  }
  return [...cells.values()];
}

/** Minute slot rows plus their hour and day cells. */
function withCoarserSlotGrains<T extends SlotRow>(minutes: T[], dims: (row: T) => string): T[] {
  return [...minutes, ...coarsenSlots(minutes, 'h', dims), ...coarsenSlots(minutes, 'd', dims)];
}

/**
 * Each product line's revenue under the customer's age band, gender, loyalty tier and
 * new/returning slots; orders once per product and order (like ProductDelta), so every
 * dimension's slots add up to the product's totals.
 */
export function rollUpProductDemographics(events: readonly SaleEvent[]): ProductDemographicDelta[] {
  const cells = new Map<string, ProductDemographicDelta>();
  const width = CUSTOMER_SEGMENTS.length;
  for (const event of events) {
    const bucket = minuteBucket(event.occurredAt);
    const { storeId, region, channel, customer } = event;
    const slots = segmentSlots(customer);
    const refund = event.type === 'refund';
    const counted = new Set<ProductDemographicDelta>();
    for (const line of event.lines) {
      const key = bucket + SEP + storeId + SEP + region + SEP + channel + SEP + line.sku + SEP + line.category;
      let cell = cells.get(key);
      if (!cell) {
        cell = {
          grain: 'm',
          bucket,
          storeId,
          region,
          channel,
          sku: line.sku,
          category: line.category,
          revenueCents: new Array<number>(width).fill(0),
          orders: new Array<number>(width).fill(0),
        };
        cells.set(key, cell);
      }
      // A refund takes its amount back from the refund's customer segments and is no order.
      const revenue = refund ? -lineRevenueCents(line) : lineRevenueCents(line);
      const first = !refund && !counted.has(cell);
      if (first) counted.add(cell);
      for (const slot of slots) {
        (cell.revenueCents[slot] as number) += revenue;
        if (first) (cell.orders[slot] as number) += 1;
      }
    }
  }
  return withCoarserSlotGrains([...cells.values()], productDims);
}
