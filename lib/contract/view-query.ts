// The view parameters of GET /api/v1/overview, /api/v1/products/{sku} and /api/v1/export (and
// of a Socket.IO subscription): one zod schema per parameter, with the 400 message each check
// gives. lib/web/overview-params.ts parses with them (and adds what needs the clock: presets,
// the range's length, the number of buckets); lib/web/openapi.ts documents them.
import { z } from 'zod';
import { CHANNELS } from '@/lib/domain/dimensions';
import { GRANULARITIES } from '@/lib/domain/grains';
import { LONE_SURROGATE } from '@/lib/domain/sales-event';
import { COMPARISONS, canonicalTimeZone, DEFAULT_COMPARISON, MAX_BUCKETS } from '@/lib/domain/time-buckets';

/** Sliding presets (minutes, ending with the current minute). */
export const RANGE_PRESETS = { '15m': 15, '1h': 60, '4h': 240, '24h': 1440, '7d': 10080, '30d': 43200 } as const;
/** Calendar presets, computed in the view's time zone. */
export const DAY_PRESETS = ['today', 'yesterday'] as const;
export type RangePreset = keyof typeof RANGE_PRESETS | (typeof DAY_PRESETS)[number];
/** Every preset `range` accepts: the sliding ones, then the calendar days. */
export const ALL_PRESETS: readonly RangePreset[] = [
  ...(Object.keys(RANGE_PRESETS) as (keyof typeof RANGE_PRESETS)[]),
  ...DAY_PRESETS,
];

/** Whether `value` names a preset, sliding or calendar. */
export function isRangePreset(value: string): value is RangePreset {
  return (ALL_PRESETS as readonly string[]).includes(value);
}
export const DEFAULT_RANGE: RangePreset = '1h';
export const DEFAULT_TIME_ZONE = 'UTC';
export const MINUTE_MS = 60_000;
export const MAX_RANGE_MINUTES = 92 * 1440;
/**
 * Explicit `from`/`to` must lie in [2000-01-01, 2100-01-01] UTC. Sales are never older or
 * newer than that, and year 1 or 9999 made the previous period fall outside what PostgreSQL
 * can store (a 500).
 */
export const MIN_INSTANT = '2000-01-01T00:00:00Z';
export const MAX_INSTANT = '2100-01-01T00:00:00Z';
const MIN_INSTANT_MS = Date.parse(MIN_INSTANT);
const MAX_INSTANT_MS = Date.parse(MAX_INSTANT);

export const TOP_LIMITS = [10, 25, 50] as const;
export const TOP_SORTS = ['revenue', 'units'] as const;

/** The multi-valued filter dimensions. */
export const DIMENSIONS = ['store', 'region', 'channel', 'category'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** Most values one dimension may list (a link stays a reasonable length; queries stay cheap). */
export const MAX_FILTER_VALUES = 50;
/** Longest value of a dimension, SKU or store id (the event contract's ids are at most 128 characters). */
export const MAX_VALUE_LENGTH = 128;

/** The parameters of a view, in the order of its canonical key (viewKey). */
export const QUERY_KEYS = [
  'range',
  'from',
  'to',
  'store',
  'region',
  'channel',
  'category',
  'tz',
  'granularity',
  'compare',
  'top',
  'top_by',
] as const;

/** The tiles GET /api/v1/export writes as CSV. */
export const EXPORT_TILES = [
  'kpis',
  'trend',
  'top_products',
  'movers',
  'demographics',
  'mix',
  'recent_orders',
] as const;
export type ExportTile = (typeof EXPORT_TILES)[number];
/** Tiles of the product page, for GET /api/v1/products/{sku}/export. */
export const PRODUCT_EXPORT_TILES = ['kpis', 'trend', 'stores', 'channels', 'demographics'] as const;
export type ProductExportTile = (typeof PRODUCT_EXPORT_TILES)[number];

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch ms of an RFC 3339 instant with offset; NaN for anything else. */
export function instantMs(value: string): number {
  return RFC3339.test(value) ? Date.parse(value) : Number.NaN;
}

// C0 and C1 controls (NUL, tab, newline, DEL, …): no id a filter names contains one, PostgreSQL
// refuses NUL outright (a 500 before), and U+0001 marks reserved category rows.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Storable text named `param` in its errors: no control characters, no unpaired surrogates. */
export function storableText(param: string) {
  return z
    .string()
    .refine((v) => !CONTROL.test(v), { error: `${param} must not contain control characters`, abort: true })
    .refine((v) => !LONE_SURROGATE.test(v), `${param} must be valid Unicode text`);
}

/** A SKU or store id in a path (`param` names it in the error): 1–128 characters of text. */
export function idSchema(param: string, description: string) {
  const length = `${param} must be 1–${MAX_VALUE_LENGTH} characters`;
  return z
    .string()
    .min(1, { error: length, abort: true })
    .max(MAX_VALUE_LENGTH, { error: length, abort: true })
    .pipe(storableText(param))
    .describe(description);
}

function instantSchema(param: 'from' | 'to', description: string) {
  return z
    .string()
    .refine((v) => !Number.isNaN(instantMs(v)), {
      error: `${param} must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T09:00:00Z`,
      abort: true,
    })
    .refine((v) => instantMs(v) % MINUTE_MS === 0, {
      error: `${param} must be aligned to a whole minute`,
      abort: true,
    })
    .refine((v) => instantMs(v) >= MIN_INSTANT_MS && instantMs(v) <= MAX_INSTANT_MS, {
      error: `${param} must lie between ${MIN_INSTANT} and ${MAX_INSTANT}`,
    })
    .meta({ format: 'date-time', description });
}

/** A filter dimension: a list of values, any of them matching (repeated keys in a URL). */
function dimensionSchema<T extends z.ZodType<string>>(name: Dimension, items: T, description: string) {
  return z
    .array(items)
    .max(MAX_FILTER_VALUES, { error: `${name} may list at most ${MAX_FILTER_VALUES} values`, abort: true })
    .describe(
      `${description} Repeat the parameter for several values (any matches), at most ${MAX_FILTER_VALUES}; values are never split on commas.`,
    );
}

function dimensionValue(name: Dimension) {
  return z
    .string()
    .min(1)
    .max(MAX_VALUE_LENGTH, { error: `${name} must be at most ${MAX_VALUE_LENGTH} characters`, abort: true })
    .pipe(storableText(name));
}

/**
 * The view parameters, each present one non-empty (dimensions: a de-duplicated, sorted list).
 * Which parameters combine how (range or from/to, the range's length, buckets) the parser checks.
 */
export const viewQuerySchema = z.object({
  range: z
    .enum(ALL_PRESETS, { error: `range must be one of ${ALL_PRESETS.join(', ')}` })
    .optional()
    .meta({
      default: DEFAULT_RANGE,
      description:
        'Preset range. Sliding presets end with the current minute; `today`/`yesterday` are calendar days in `tz`. Not with `from`/`to`.',
    }),
  from: instantSchema('from', 'RFC 3339 instant with offset, aligned to a whole minute (inclusive).').optional(),
  to: instantSchema(
    'to',
    'RFC 3339 instant with offset, aligned to a whole minute (exclusive). At most 92 days after `from`.',
  ).optional(),
  store: dimensionSchema('store', dimensionValue('store'), 'Store ids.').optional(),
  region: dimensionSchema('region', dimensionValue('region'), 'Regions.').optional(),
  channel: dimensionSchema(
    'channel',
    z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }),
    'Sales channels.',
  ).optional(),
  category: dimensionSchema(
    'category',
    dimensionValue('category'),
    'Product categories: revenue and units count only the lines in them, orders those with at least one such line (an order spanning several selected categories counts once).',
  ).optional(),
  tz: z
    .string()
    .refine((v) => canonicalTimeZone(v) !== undefined, 'tz must be an IANA time zone such as Europe/Paris')
    .optional()
    .meta({
      default: DEFAULT_TIME_ZONE,
      description: 'IANA time zone for calendar presets and hour/day buckets (DST-correct).',
    }),
  granularity: z
    .enum(GRANULARITIES, { error: `granularity must be one of ${GRANULARITIES.join(', ')}` })
    .optional()
    .describe(
      `Trend bucket size. Default: minute up to 3 h, hour up to 3 days, day beyond. At most ${MAX_BUCKETS} buckets.`,
    ),
  compare: z
    .enum(COMPARISONS, { error: `compare must be one of ${COMPARISONS.join(', ')}` })
    .optional()
    .meta({
      default: DEFAULT_COMPARISON,
      description:
        'What `previous` (KPI changes, the dashed trend, rank changes, movers) is: `previous` = the period of equal length just before; `yesterday` / `last_week` = the same wall-clock span 1 / 7 days earlier in `tz` (for `range=today`: yesterday, or the same weekday last week, up to the same time of day).',
    }),
  /** Number of top products (the query string's text as a number). */
  top: z
    .literal(TOP_LIMITS, { error: `top must be one of ${TOP_LIMITS.join(', ')}` })
    .optional()
    .meta({ default: 10 }),
  top_by: z.enum(TOP_SORTS, { error: 'top_by must be revenue or units' }).optional().meta({ default: 'revenue' }),
});
export type ViewQuery = z.infer<typeof viewQuerySchema>;

/** `tile` of GET /api/v1/export. */
export const exportTileSchema = z.enum(EXPORT_TILES, { error: `tile must be one of ${EXPORT_TILES.join(', ')}` });

/** `tile` of GET /api/v1/products/{sku}/export. */
export const productExportTileSchema = z.enum(PRODUCT_EXPORT_TILES, {
  error: `tile must be one of ${PRODUCT_EXPORT_TILES.join(', ')}`,
});

/** `sku` of GET /api/v1/products/{sku}. */
export const skuSchema = idSchema('sku', 'Product SKU');
