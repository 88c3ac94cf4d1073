// The rules of the rollups, and the pieces of them production code shares. The worker stores
// one fact per event (sale-fact.ts, split into the parts below); the hour and day rollups are
// built from the facts set-based in SQL (lib/queries/facts/fact-rows.ts, roll-facts.ts) and the
// queries read minute cells and facts not rolled up yet from sale_fact. tests/support/
// rollup-model.ts implements the same rules in JavaScript as the tests' reference model.
//
// Every sale counts in the minute, hour and day cell of its own occurred_at, under its store,
// region and channel and under the region-level and all-regions rows (ALL), once as a whole
// order (ALL_CATEGORIES), once per category of its lines and, for a multi-category sale, once
// under its category set (CATEGORY_SET_PREFIX). A product counts once per order however many
// lines name it. The demographic rollups keep revenue and orders per CUSTOMER_SEGMENTS slot.
//
// Refunds: revenue and units are NET everywhere (a refund subtracts its amount and quantity
// in the cells of its own occurred_at, as retailers report net sales by refund date) and a
// refund never counts as an order. The sales and product rollups also keep the refunded
// amount and quantity apart, so gross sales = net revenue + refunds.
import { createHash } from 'node:crypto';
import type { DemographicDimension } from './dimensions';
import { GRAINS, type Grain } from './grains';
import { ALL_CATEGORIES, ageBand, customerType, lineRevenueCents, type SaleEvent } from './sales-event';

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

export { GRAINS, type Grain };

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

export interface Part {
  category: string;
  /** Signed: negative for a refund. */
  revenueCents: number;
  units: number;
}

// \u0001 cannot appear in a valid JSON-decoded id in practice and keeps keys unambiguous.
const SEP = '\u0001';

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
export function partsOf(event: SaleEvent, sign: 1 | -1, sets: Map<string, CategorySet>): Part[] {
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

// ---- Customer segments (slot arrays of demographic_rollup and product_demographic_rollup) ----

export type SegmentDimension = Exclude<DemographicDimension, 'region'>;

/**
 * Slot layout of the arrays of demographic_rollup and product_demographic_rollup. APPEND ONLY:
 * stored rows are positional,
 * so a new value (a new loyalty tier, say) gets the next free slot, wherever its dimension is.
 * Each event adds to one slot of each of the four dimensions, so every dimension's slots add up
 * to the cell's totals. A row per combination of the four (up to 256 per cell) made a 30-day
 * view read ~15,000 scattered rows; a row per cell reads ~150.
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
export function segmentSlots(customer: SaleEvent['customer']): number[] {
  return [
    slotOf('age_band', ageBand(customer.age)),
    slotOf('gender', customer.gender),
    slotOf('loyalty_tier', customer.loyaltyTier),
    slotOf('customer_type', customerType(customer)),
  ];
}
