// GET /api/v1/inventory: on-hand stock per store and SKU (README "Inventory contract"). The query
// the route parses with and the answer it gives, as zod schemas (the OpenAPI document is
// generated from them).
import { z } from 'zod';
import { component, exactNumber, instant } from './common';
import { MAX_FILTER_VALUES, MAX_VALUE_LENGTH, storableText } from './view-query';

export const INVENTORY_SORTS = ['on_hand', 'store', 'sku', 'updated_at'] as const;
export type InventorySort = (typeof INVENTORY_SORTS)[number];
export const INVENTORY_MAX_LIMIT = 500;
export const INVENTORY_DEFAULT_LIMIT = 100;
export const INVENTORY_MAX_OFFSET = 1_000_000;

const storeValue = z
  .string()
  .min(1, { error: 'store must not be empty', abort: true })
  .max(MAX_VALUE_LENGTH, { error: `store must be at most ${MAX_VALUE_LENGTH} characters`, abort: true })
  .pipe(storableText('store'));

const whole = (param: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: `${param} must be a whole number`, abort: true })
    .transform(Number)
    .pipe(z.number().min(min, `${param} must be at least ${min}`).max(max, `${param} must be at most ${max}`));

export const inventoryQuerySchema = z.object({
  store: z
    .array(storeValue)
    .max(MAX_FILTER_VALUES, { error: `store may list at most ${MAX_FILTER_VALUES} values`, abort: true })
    .optional()
    .describe(
      `Store ids; repeat the parameter for several (any matches), at most ${MAX_FILTER_VALUES}. Without it: every store of the caller's scope. A store outside the scope answers 403.`,
    ),
  q: z
    .string()
    .trim()
    .min(1, { error: 'q must not be empty', abort: true })
    .max(MAX_VALUE_LENGTH, { error: `q must be at most ${MAX_VALUE_LENGTH} characters`, abort: true })
    .pipe(storableText('q'))
    .optional()
    .describe('Part of a SKU or product name, any case.'),
  low: z
    .enum(['true', 'false'], { error: 'low must be true or false' })
    .transform((v) => v === 'true')
    .optional()
    .describe('`true`: only rows at or below the low-stock level (`low_stock_units`, INVENTORY_LOW_STOCK_UNITS).'),
  sort: z
    .enum(INVENTORY_SORTS, { error: `sort must be one of ${INVENTORY_SORTS.join(', ')}` })
    .optional()
    .meta({ default: 'on_hand', description: 'Order of the rows; ties by store, then SKU.' }),
  order: z
    .enum(['asc', 'desc'], { error: 'order must be asc or desc' })
    .optional()
    .meta({ default: 'asc', description: 'Direction of `sort`.' }),
  limit: whole('limit', 1, INVENTORY_MAX_LIMIT)
    .optional()
    .meta({ default: INVENTORY_DEFAULT_LIMIT, description: `Rows per page, 1–${INVENTORY_MAX_LIMIT}.` }),
  offset: whole('offset', 0, INVENTORY_MAX_OFFSET)
    .optional()
    .meta({ default: 0, description: 'Rows to skip (paging).' }),
});

export interface InventoryQuery {
  stores: string[];
  q: string | null;
  low: boolean;
  sort: InventorySort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const stockRowSchema = component(
  'StockRow',
  z.object({
    store_id: z.string(),
    sku: z.string(),
    name: z.string().nullable().describe('Latest product name seen in sales; null before the first sale'),
    category: z.string().nullable(),
    on_hand: exactNumber('Units on hand: the latest snapshot plus every movement after it (may be negative)'),
    low: z.boolean().describe('on_hand ≤ low_stock_units'),
    snapshot_at: instant('Event time of the snapshot on-hand starts from').nullable(),
    snapshot_qty: exactNumber('Units that snapshot stated').nullable(),
    last_event_at: instant('Latest event time applied to this row').nullable(),
    updated_at: instant('When the row last changed'),
    // Demand side (README "Inventory contract", lib/domain/demand.ts), as of `demand_as_of`.
    velocity_units_per_hour: z
      .number()
      .min(0)
      .describe(
        'Net units sold per hour, exponentially weighted (half-life INVENTORY_VELOCITY_HALF_LIFE_HOURS) over the complete UTC hours of the window; 4 decimals',
      ),
    forecast_daily_units: z
      .number()
      .min(0)
      .describe('Units expected over the next 24 hours (see forecast_model); 4 decimals'),
    forecast_model: z
      .enum(['profile', 'velocity'])
      .describe(
        '`profile`: latest week’s daily level × day-of-week and hour-of-day profile (at least INVENTORY_PROFILE_MIN_DAYS days of history); `velocity`: velocity × 24',
      ),
    days_of_cover: z
      .number()
      .min(0)
      .nullable()
      .describe('on_hand ÷ forecast_daily_units (0 when on_hand ≤ 0); null without forecast demand; 4 decimals'),
    reorder_point: z
      .int()
      .min(0)
      .describe('The SKU’s reorder point (its rule, its category’s, or INVENTORY_REORDER_POINT_UNITS)'),
    target_cover_days: z.number().describe('Days of cover a restock aims for (rule or INVENTORY_TARGET_COVER_DAYS)'),
    low_reason: z
      .enum(['below_reorder_point', 'low_cover'])
      .nullable()
      .describe(
        '`below_reorder_point`: on_hand < reorder_point; else `low_cover`: days_of_cover below the low-cover threshold (rule or INVENTORY_LOW_COVER_DAYS); null: not low',
      ),
    restock_units: z
      .int()
      .min(0)
      .describe(
        'Units to order to reach target_cover_days of forecast demand and at least reorder_point (a negative on_hand counts as 0)',
      ),
    pricing: z
      .object({
        action: z.enum(['markdown', 'raise']).nullable(),
        reason: z.string().nullable().describe('The figures the suggestion rests on; null without a suggestion'),
      })
      .describe(
        '`markdown`: overstock (cover above the overstock threshold with velocity ≥ 20 % under the window mean, or stock with no sales in the window); `raise`: cover below the low-cover threshold with velocity ≥ 20 % above the mean',
      ),
  }),
);
export type StockRow = z.infer<typeof stockRowSchema>;

export const inventorySchema = component(
  'Inventory',
  z.object({
    rows: z.array(stockRowSchema),
    total: z.int().min(0).describe('Rows matching the filters (all pages)'),
    limit: z.int(),
    offset: z.int(),
    low_stock_units: z.int().describe('The low-stock level (INVENTORY_LOW_STOCK_UNITS)'),
    demand_as_of: instant(
      'End (exclusive) of the sales hours the demand figures use: the start of the current UTC hour',
    ),
    demand_window_hours: z.int().min(1).describe('Hours of sales read per row (INVENTORY_DEMAND_WINDOW_DAYS × 24)'),
  }),
);
export type Inventory = z.infer<typeof inventorySchema>;

// ---- GET /api/v1/inventory/history: on-hand over time (the Inventory trend chart) ----

export const HISTORY_RANGES = ['24h', '7d', '30d'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];
/** Length and step of each range: 96 quarter hours, 168 hours, 30 days (days as UTC days). */
export const HISTORY_STEPS: Record<HistoryRange, { points: number; stepMs: number }> = {
  '24h': { points: 96, stepMs: 15 * 60_000 },
  '7d': { points: 168, stepMs: 3_600_000 },
  '30d': { points: 30, stepMs: 86_400_000 },
};

export const inventoryHistoryQuerySchema = z.object({
  sku: z
    .string()
    .min(1, { error: 'sku is required', abort: true })
    .max(MAX_VALUE_LENGTH, { error: `sku must be at most ${MAX_VALUE_LENGTH} characters`, abort: true })
    .pipe(storableText('sku'))
    .describe('The SKU.'),
  store: z
    .array(storeValue)
    .max(MAX_FILTER_VALUES, { error: `store may list at most ${MAX_FILTER_VALUES} values`, abort: true })
    .optional()
    .describe(
      `Store ids; repeat the parameter for several, at most ${MAX_FILTER_VALUES}. Without it: every store of the caller's scope holding the SKU. A store outside the scope answers 403.`,
    ),
  range: z
    .enum(HISTORY_RANGES, { error: `range must be one of ${HISTORY_RANGES.join(', ')}` })
    .optional()
    .meta({ default: '7d', description: '`24h` in quarter hours, `7d` in hours, `30d` in UTC days.' }),
});

export interface InventoryHistoryQuery {
  sku: string;
  stores: string[];
  range: HistoryRange;
}

const historyValues = (what: string) =>
  z
    .array(exactNumber().nullable())
    .describe(`${what}, one per point of \`at\`; null where the ledger no longer reaches back (compacted)`);

export const inventoryHistorySchema = component(
  'InventoryHistory',
  z.object({
    sku: z.string(),
    range: z.enum(HISTORY_RANGES),
    step_ms: z.int().describe('Time between points'),
    at: z
      .array(instant())
      .describe(
        'The points: on-hand is as of each instant, counting every event that occurred at or before it (the last point is now)',
      ),
    stores: z.array(
      z.object({
        store_id: z.string(),
        on_hand: historyValues('On-hand in this store'),
      }),
    ),
    total: historyValues('On-hand summed over the stores'),
    known_from: instant(
      'Earliest instant every store’s history is complete from (INVENTORY_HISTORY_DAYS keeps the ledger that long); null: from the start',
    ).nullable(),
  }),
);
export type InventoryHistory = z.infer<typeof inventoryHistorySchema>;
