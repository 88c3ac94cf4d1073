// Shape of GET /api/v1/overview and of the `overview` Socket.IO event. Shared by the
// API, the socket server and the dashboard (components import only these types).

export const CHANNELS = ['web', 'app', 'store', 'marketplace'] as const;
export type Channel = (typeof CHANNELS)[number];

export const AGE_BANDS = ['<18', '18-24', '25-34', '35-44', '45-54', '55-64', '65+', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const GENDERS = ['female', 'male', 'nonbinary', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export const LOYALTY_TIERS = ['none', 'silver', 'gold', 'platinum'] as const;
export type LoyaltyTier = (typeof LOYALTY_TIERS)[number];

export const CUSTOMER_TYPES = ['new', 'returning'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

/**
 * Filters of the dashboard; `from`/`to` are minute-aligned UTC instants, `to` exclusive.
 * A dimension is either absent (no filter) or a non-empty, sorted list of distinct values
 * (any of them matches).
 */
export interface OverviewFilters {
  from: Date;
  to: Date;
  /** IANA time zone of calendar presets and hour/day buckets. */
  tz: string;
  granularity: 'minute' | 'hour' | 'day';
  store?: string[];
  region?: string[];
  channel?: Channel[];
  /** Revenue and units count the lines in these categories; orders those with at least one such line. */
  category?: string[];
}

/** Revenue and units are net of refunds; a refund counts in the bucket of its own time. */
export interface Totals {
  /** Net sales: gross − refunds. */
  revenue_cents: number;
  /** Gross sales: what the sales in the range were worth. */
  gross_cents: number;
  /** Refunds issued in the range (positive). */
  refund_cents: number;
  /** Sales (refunds are not orders). */
  orders: number;
  /** Net units: sold − refunded. */
  units: number;
  /** Net revenue ÷ orders, rounded half-up to a whole cent; 0 when there are no orders. */
  aov_cents: number;
}

export interface TopProduct {
  sku: string;
  name: string;
  category: string;
  revenue_cents: number;
  units: number;
  /** 1-based rank in this view. */
  rank: number;
  /** Rank in the previous period; null when the product did not sell then ("new"). */
  previous_rank: number | null;
  /** Share of the view's total revenue, 0–1. */
  share: number;
}

export interface ProductChange {
  sku: string;
  name: string;
  category: string;
  revenue_cents: number;
  units: number;
  previous_revenue_cents: number;
  change_cents: number;
}

export interface MixSlice {
  key: string;
  revenue_cents: number;
  orders: number;
  /** Share of revenue, 0–1. */
  share: number;
}

export interface DemographicSlice {
  key: string;
  revenue_cents: number;
  orders: number;
}

export interface Demographics {
  age_band: DemographicSlice[];
  gender: DemographicSlice[];
  loyalty_tier: DemographicSlice[];
  customer_type: DemographicSlice[];
  region: DemographicSlice[];
}

export interface TrendPoint {
  /** Nominal bucket start (local minute, hour or midnight in the view's time zone), ISO 8601 UTC. */
  bucket: string;
  /** Where the bucket's data starts: equals `bucket` except for a range starting mid-bucket. */
  start: string;
  /** Net sales (gross − refunds). */
  revenue_cents: number;
  gross_cents: number;
  refund_cents: number;
  orders: number;
  units: number;
  aov_cents: number;
}

export interface Freshness {
  /**
   * Since when the counted data is known complete (ISO 8601): the newest worker commit, or
   * the newest check by an idle worker that found nothing new; null before the first event.
   */
  as_of: string | null;
  /** Delay between the newest committed message's arrival in Kafka and its commit to Postgres. */
  lag_ms: number | null;
  /** Messages in Kafka not yet counted (sum over partitions, as of the last fetch). */
  backlog: number;
  /**
   * Consumer lag in time: how far the counted data is behind the newest event in Kafka
   * (0 when the workers are caught up). Dashboards warn above 10 s.
   */
  behind_ms: number;
}

/** A counted sale or refund, newest first, for the live order ticker. */
export interface RecentOrder {
  event_id: string;
  /** A refund's amount and units are positive here: what was returned. */
  kind: 'sale' | 'refund';
  order_id: string;
  occurred_at: string;
  store_id: string;
  region: string;
  channel: Channel;
  /** Number of order lines and of units. */
  items: number;
  units: number;
  revenue_cents: number;
  /** Name of the order's biggest line, for display ("Classic Hoodie +2"). */
  top_item: string;
  /** Its SKU (the ticker links to the product page); null for sales counted before it was recorded. */
  top_sku: string | null;
}

export interface Overview {
  /** ISO 4217 reporting currency; every `*_cents` amount is in its minor units. */
  currency: string;
  range: { from: string; to: string };
  tz: string;
  granularity: 'minute' | 'hour' | 'day';
  /** The view's filters; an empty list means no filter on that dimension. */
  filters: { store: string[]; region: string[]; channel: Channel[]; category: string[] };
  totals: Totals;
  top_products: TopProduct[];
  top: { limit: number; sort: 'revenue' | 'units' };
  movers: { risers: ProductChange[]; fallers: ProductChange[] };
  demographics: Demographics;
  mix: { category: MixSlice[]; channel: MixSlice[] };
  /** One point per bucket of the range, zero-filled. */
  trend: TrendPoint[];
  /** The period of equal length just before, with its trend aligned bucket by bucket. */
  previous: { range: { from: string; to: string }; totals: Totals; trend: TrendPoint[] };
  /** The 20 newest counted sales and refunds matching the store/region/channel/category filters (any time). */
  recent_orders: RecentOrder[];
  freshness: Freshness;
}

/** Values for the filter bar's dropdowns. */
export interface FilterOptions {
  stores: { id: string; region: string }[];
  regions: string[];
  channels: Channel[];
  categories: string[];
}

/** GET /api/v1/products/{sku}: one product in a view (drill-down). */
export interface ProductDetail {
  product: { sku: string; name: string; category: string };
  range: { from: string; to: string };
  tz: string;
  granularity: 'minute' | 'hour' | 'day';
  /** `orders` = orders containing the product; AOV = its revenue per such order. */
  totals: Totals;
  previous_totals: Totals;
  trend: TrendPoint[];
  stores: MixSlice[];
  channels: MixSlice[];
  /** Who buys it: the product's revenue and orders (orders containing it) per customer attribute. */
  demographics: Demographics;
  freshness: Freshness;
}
