// The reference model of the rollup rules (lib/domain/sales-rollup.ts), in JavaScript: events
// in, every minute, hour and day row of the four rollup tables out. Production builds the rollups
// from sale facts in SQL (lib/queries/facts); the tests compare those rows with this model's.
// It was the worker's pre-aggregation engine before facts replaced it, so it is written for
// speed (plain literals, no spreads per event), and it splits events into parts itself rather
// than through sale-fact.ts, so a wrong split in production shows up as a difference.
import { GRAINS, type Grain } from '@/lib/domain/grains';
import { lineRevenueCents, minuteBucket, type SaleEvent } from '@/lib/domain/sales-event';
import {
  ALL,
  ALL_CATEGORIES,
  type CategorySet,
  CUSTOMER_SEGMENTS,
  categorySetId,
  type ProductInfo,
  type StoreInfo,
  segmentSlots,
} from '@/lib/domain/sales-rollup';

const SEP = '\u0001';

interface Part {
  category: string;
  /** Signed: negative for a refund. */
  revenueCents: number;
  units: number;
}

/**
 * The whole order under ALL_CATEGORIES, each category of its lines and, for a multi-category
 * sale (not a refund: no order), its category set with orders only.
 */
function partsOf(event: SaleEvent, sign: 1 | -1, sets: Map<string, CategorySet>): Part[] {
  const whole: Part = { category: ALL_CATEGORIES, revenueCents: 0, units: 0 };
  const byCategory = new Map<string, Part>();
  for (const line of event.lines) {
    const part = byCategory.get(line.category) ?? { category: line.category, revenueCents: 0, units: 0 };
    byCategory.set(line.category, part);
    for (const p of [whole, part]) {
      p.revenueCents += sign * lineRevenueCents(line);
      p.units += sign * line.quantity;
    }
  }
  const parts = [whole, ...byCategory.values()];
  if (sign === 1 && byCategory.size > 1) {
    const set = categorySetId(byCategory.keys());
    sets.set(set.id, set);
    parts.push({ category: set.id, revenueCents: 0, units: 0 });
  }
  return parts;
}

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
 * entry, every dimension's slots adding up to the cell's totals.
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

/** A rollup row's time: its grain and the start of its bucket. */
interface Cell {
  grain: Grain;
  bucket: number;
}

/** How a kind of row becomes a coarser cell: `start` copies the cell's first row, `add` folds in the others. */
interface CellSum<R extends Cell> {
  start<T extends R>(row: T): T;
  add(cell: R, row: R): void;
}

/**
 * Minute rows summed into hour or day cells. Sums of per-minute order counts are exact:
 * an order belongs to exactly one minute, so it is counted in exactly one cell of each grain.
 * `dims` gives a row's identity apart from its time; `sum` says how a kind of row is summed
 * (plain figures or segment slots).
 */
function coarsen<R extends Cell, T extends R>(
  rows: T[],
  grain: Exclude<Grain, 'm'>,
  dims: (row: T) => string,
  sum: CellSum<R>,
): T[] {
  const size = GRAINS[grain];
  const { add, start } = sum;
  const cells = new Map<string, T>();
  for (const row of rows) {
    const bucket = Math.floor(row.bucket / size) * size;
    const key = bucket + SEP + dims(row);
    const cell = cells.get(key);
    if (cell) {
      add(cell, row);
    } else {
      const copy = start(row);
      copy.grain = grain;
      copy.bucket = bucket;
      cells.set(key, copy);
    }
  }
  return [...cells.values()];
}

/** Minute rows plus their hour and day cells. */
function withCoarserGrains<R extends Cell, T extends R>(minutes: T[], dims: (row: T) => string, sum: CellSum<R>): T[] {
  return [...minutes, ...coarsen(minutes, 'h', dims, sum), ...coarsen(minutes, 'd', dims, sum)];
}

/** Rows of plain figures (sales and product rollups). */
interface Summable extends Cell {
  revenueCents: number;
  orders: number;
  units?: number;
  refundCents?: number;
  refundUnits?: number;
}

const summed: CellSum<Summable> = {
  start: (row) => Object.assign({}, row),
  add(cell, row) {
    cell.revenueCents += row.revenueCents;
    cell.orders += row.orders;
    if (cell.units !== undefined) cell.units += row.units ?? 0;
    if (cell.refundCents !== undefined) {
      cell.refundCents += row.refundCents ?? 0;
      cell.refundUnits = (cell.refundUnits ?? 0) + (row.refundUnits ?? 0);
    }
  },
};

const salesDims = (r: Pick<SalesDelta, 'storeId' | 'region' | 'channel' | 'category'>) =>
  r.storeId + SEP + r.region + SEP + r.channel + SEP + r.category;
const productDims = (r: Pick<ProductDelta, 'storeId' | 'region' | 'channel' | 'sku' | 'category'>) =>
  r.storeId + SEP + r.region + SEP + r.channel + SEP + r.sku + SEP + r.category;

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

/** Every rollup row of events (already de-duplicated), at all three grains. */
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
    sales: withCoarserGrains([...sales.values()], salesDims, summed),
    products: withCoarserGrains([...products.values()], productDims, summed),
    demographics: withCoarserGrains([...demographics.values()], salesDims, slotsSummed),
    productDemographics: rollUpProductDemographics(events),
    categorySets: [...categorySets.values()],
    catalog: [...catalog.values()],
    stores: [...stores].map(([storeId, region]) => ({ storeId, region })),
    buckets: events.length === 0 ? null : { min, max },
  };
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

/** Rows of segment slots (demographic and product demographic rollups). */
interface SlotRow extends Cell {
  revenueCents: number[];
  orders: number[];
}

const slotsSummed: CellSum<SlotRow> = {
  start: (row) => ({ ...row, revenueCents: [...row.revenueCents], orders: [...row.orders] }),
  add(cell, row) {
    for (let i = 0; i < row.revenueCents.length; i++) {
      (cell.revenueCents[i] as number) += row.revenueCents[i] as number;
      (cell.orders[i] as number) += row.orders[i] as number;
    }
  },
};

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
  return withCoarserGrains([...cells.values()], productDims, slotsSummed);
}
