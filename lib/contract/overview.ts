// Shape of GET /api/v1/overview, GET /api/v1/products/{sku}, GET /api/v1/filters and of the
// `overview`/`product` Socket.IO events: zod schemas, from which the types below are inferred and
// the OpenAPI document (lib/web/openapi.ts) is generated. Shared by the API, the socket server
// and the dashboard (components import the types).
// Amounts (`*_cents`) and units are ExactNumber: a JSON number up to 2^53 − 1, beyond that a
// string of decimal digits (lib/domain/exact-number.ts); counts of orders are numbers.

import { z } from 'zod';
import { CHANNELS, type Channel } from '@/lib/domain/dimensions';
import { GRANULARITIES, type Granularity } from '@/lib/domain/grains';
import { COMPARISONS, type Comparison } from '@/lib/domain/time-buckets';
import { component, exactNumber, instant } from './common';

export {
  AGE_BANDS,
  type AgeBand,
  CHANNELS,
  type Channel,
  CUSTOMER_TYPES,
  type CustomerType,
  GENDERS,
  type Gender,
  LOYALTY_TIERS,
  type LoyaltyTier,
} from '@/lib/domain/dimensions';

/**
 * Filters of the dashboard; `from`/`to` are minute-aligned UTC instants, `to` exclusive.
 * A dimension is either absent (no filter) or a non-empty, sorted list of distinct values
 * (any of them matches). What the view parameters resolve to (lib/web/overview-params.ts), not
 * a shape on the wire.
 */
export interface OverviewFilters {
  from: Date;
  to: Date;
  /** IANA time zone of calendar presets and hour/day buckets. */
  tz: string;
  granularity: Granularity;
  /** What the view is compared with (lib/domain/time-buckets.ts comparisonPeriod). */
  compare: Comparison;
  store?: string[];
  region?: string[];
  channel?: Channel[];
  /** Revenue and units count the lines in these categories; orders those with at least one such line. */
  category?: string[];
}

const text = (description = '') => (description ? z.string().describe(description) : z.string());
const count = (description = '') => (description ? z.int().describe(description) : z.int());
const channel = z.enum(CHANNELS);
const granularity = z.enum(GRANULARITIES);
const range = z.object({ from: instant(), to: instant() });
const compare = z
  .enum(COMPARISONS)
  .describe(
    'What the view is compared with: the period of equal length just before, or the same wall-clock span 1 day (`yesterday`) or 7 days (`last_week`) earlier',
  );

/** Revenue and units are net of refunds; a refund counts in the bucket of its own time. */
export const totalsSchema = component(
  'Totals',
  z.object({
    revenue_cents: exactNumber('Net sales: gross − refunds'),
    gross_cents: exactNumber('Σ over sales of quantity × unit price − discount'),
    refund_cents: exactNumber('Σ over refunds issued in the range (positive)'),
    orders: count('Distinct sale events (refunds are not orders)'),
    units: exactNumber('Net units: sold − refunded'),
    /** Rounded half-up to a whole cent; 0 when there are no orders. */
    aov_cents: exactNumber('net sales ÷ orders, rounded half up'),
  }),
);
export type Totals = z.infer<typeof totalsSchema>;

export const topProductSchema = component(
  'TopProduct',
  z.object({
    sku: text(),
    name: text('Latest name seen'),
    category: text(),
    revenue_cents: exactNumber(),
    units: exactNumber(),
    rank: count('1-based'),
    previous_rank: z.int().nullable().describe('Rank in the period compared with (`previous`); null = new'),
    previous_revenue_cents: exactNumber('Revenue in the period compared with (`previous`); 0 = unsold there'),
    previous_units: exactNumber('Units in the period compared with (`previous`)'),
    share: z.number().describe('Share of the view total revenue (0–1)'),
  }),
);
export type TopProduct = z.infer<typeof topProductSchema>;

export const productChangeSchema = component(
  'ProductChange',
  z.object({
    sku: text(),
    name: text(),
    category: text(),
    revenue_cents: exactNumber(),
    units: exactNumber(),
    previous_revenue_cents: exactNumber(),
    change_cents: exactNumber(),
  }),
);
export type ProductChange = z.infer<typeof productChangeSchema>;

export const mixSliceSchema = component(
  'Slice',
  z.object({
    key: text(),
    revenue_cents: exactNumber(),
    orders: count(),
    share: z.number().describe('Share of revenue, 0–1'),
  }),
);
export type MixSlice = z.infer<typeof mixSliceSchema>;

export const demographicSliceSchema = component(
  'DemographicSlice',
  z.object({ key: text(), revenue_cents: exactNumber(), orders: count() }),
);
export type DemographicSlice = z.infer<typeof demographicSliceSchema>;

const slices = z.array(demographicSliceSchema);
/** Revenue and orders per customer attribute (and region); the keys are DEMOGRAPHIC_DIMENSIONS. */
function demographics(description: string) {
  return z
    .object({ age_band: slices, gender: slices, loyalty_tier: slices, customer_type: slices, region: slices })
    .describe(description);
}
export type Demographics = z.infer<ReturnType<typeof demographics>>;

export const trendPointSchema = component(
  'TrendPoint',
  z.object({
    bucket: instant('Nominal bucket start in `tz` (ISO 8601 UTC)'),
    start: instant('Where the data of the bucket starts (differs from `bucket` for a partial first bucket)'),
    revenue_cents: exactNumber('Net sales'),
    gross_cents: exactNumber(),
    refund_cents: exactNumber(),
    orders: count(),
    units: exactNumber('Net units'),
    aov_cents: exactNumber(),
  }),
);
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const freshnessSchema = component(
  'Freshness',
  z.object({
    /** Or the newest check by an idle worker that found nothing new; null before the first event. */
    as_of: instant().nullable().describe('Newest worker commit'),
    lag_ms: z.int().nullable().describe('Kafka → PostgreSQL delay of the newest committed message'),
    backlog: count('Messages in Kafka not yet counted (sum over partitions, as of the last fetch)'),
    behind_ms: count(
      'How far the counted data is behind the newest event in Kafka (0 when caught up); dashboards warn above 10 s',
    ),
  }),
);
export type Freshness = z.infer<typeof freshnessSchema>;

/** A counted sale or refund, newest first, for the live order ticker. */
export const recentOrderSchema = component(
  'RecentOrder',
  z.object({
    event_id: text(),
    /** A refund's amount and units are positive here: what was returned. */
    kind: z.enum(['sale', 'refund']),
    order_id: text(),
    occurred_at: instant(),
    store_id: text(),
    region: text(),
    channel,
    items: count('Order lines'),
    units: exactNumber(),
    revenue_cents: exactNumber(),
    top_item: text('Name of the biggest line'),
    top_sku: z.string().nullable().describe('Its SKU; null for sales counted before it was recorded'),
  }),
);
export type RecentOrder = z.infer<typeof recentOrderSchema>;

const filterList = <T extends z.ZodType>(items: T, description: string) => z.array(items).describe(description);

export const overviewSchema = component(
  'Overview',
  z.object({
    currency: text('ISO 4217 reporting currency'),
    range,
    tz: text(),
    granularity,
    filters: z
      .object({
        store: filterList(z.string(), 'Store ids'),
        region: filterList(z.string(), 'Regions'),
        channel: filterList(channel, 'Channels'),
        category: filterList(z.string(), 'Categories'),
      })
      .describe('The filters of the view, values sorted; an empty list = no filter on that dimension'),
    totals: totalsSchema,
    top_products: z.array(topProductSchema),
    top: z.object({ limit: count(), sort: z.enum(['revenue', 'units']) }),
    movers: z.object({ risers: z.array(productChangeSchema), fallers: z.array(productChangeSchema) }),
    demographics: demographics('age_band, gender, loyalty_tier, customer_type (new/returning), region'),
    mix: z.object({ category: z.array(mixSliceSchema), channel: z.array(mixSliceSchema) }),
    /** One point per bucket of the range, zero-filled. */
    trend: z.array(trendPointSchema),
    /** The period compared with (`compare`), with its trend aligned bucket by bucket. */
    previous: z.object({ compare, range, totals: totalsSchema, trend: z.array(trendPointSchema) }),
    /** The 20 newest counted sales and refunds matching the store/region/channel/category filters (any time). */
    recent_orders: z.array(recentOrderSchema),
    freshness: freshnessSchema,
  }),
);
export type Overview = z.infer<typeof overviewSchema>;

/** Values for the filter bar's dropdowns. */
export const filterOptionsSchema = component(
  'FilterOptions',
  z.object({
    stores: z.array(z.object({ id: text(), region: text() })),
    regions: z.array(z.string()),
    channels: z.array(channel),
    categories: z.array(z.string()),
  }),
);
export type FilterOptions = z.infer<typeof filterOptionsSchema>;

/** GET /api/v1/products/{sku}: one product in a view (drill-down). */
export const productDetailSchema = component(
  'ProductDetail',
  z.object({
    product: z.object({ sku: text(), name: text(), category: text() }),
    range,
    tz: text(),
    granularity,
    /** `orders` = orders containing the product; AOV = its revenue per such order. */
    totals: totalsSchema,
    compare,
    previous_range: range.describe('The period compared with'),
    previous_totals: totalsSchema,
    trend: z.array(trendPointSchema),
    stores: z.array(mixSliceSchema),
    channels: z.array(mixSliceSchema),
    demographics: demographics(
      'Who buys it: age_band, gender, loyalty_tier, customer_type (new/returning), region; orders = orders containing the product',
    ),
    freshness: freshnessSchema,
  }),
);
export type ProductDetail = z.infer<typeof productDetailSchema>;
