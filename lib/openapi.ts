// OpenAPI 3.1 description of the HTTP API, served at /api/v1/openapi.json.

import { DAY_PRESETS, MAX_FILTER_VALUES, RANGE_PRESETS, TOP_LIMITS } from './overview-params';
import { CHANNELS } from './queries/overview.types';
import { GRANULARITIES, MAX_BUCKETS } from './time-buckets';

const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });
const int = (description: string) => ({ type: 'integer', description });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (name: string) => ({ type: 'array', items: ref(name) });
/** A filter dimension: the key repeated once per value (`?store=A&store=B`), any value matching. */
const dimension = (name: string, description: string, items: Record<string, unknown>) => ({
  name,
  in: 'query',
  style: 'form',
  explode: true,
  description: `${description} Repeat the parameter for several values (any matches), at most ${MAX_FILTER_VALUES}; values are never split on commas.`,
  schema: { type: 'array', maxItems: MAX_FILTER_VALUES, items },
});
const filterList = (description: string) => ({ type: 'array', items: { type: 'string' }, description });

const viewParameters = [
  {
    name: 'range',
    in: 'query',
    schema: { type: 'string', enum: [...Object.keys(RANGE_PRESETS), ...DAY_PRESETS], default: '1h' },
    description:
      'Preset range. Sliding presets end with the current minute; `today`/`yesterday` are calendar days in `tz`. Not with `from`/`to`.',
  },
  {
    name: 'from',
    in: 'query',
    schema: str('RFC 3339 instant with offset, aligned to a whole minute (inclusive).', { format: 'date-time' }),
  },
  {
    name: 'to',
    in: 'query',
    schema: str('RFC 3339 instant with offset, aligned to a whole minute (exclusive). At most 92 days after `from`.', {
      format: 'date-time',
    }),
  },
  dimension('store', 'Store ids.', { type: 'string', minLength: 1, maxLength: 128 }),
  dimension('region', 'Regions.', { type: 'string', minLength: 1, maxLength: 128 }),
  dimension('channel', 'Sales channels.', { type: 'string', enum: [...CHANNELS] }),
  dimension(
    'category',
    'Product categories: revenue and units count only the lines in them, orders those with at least one such line (an order spanning several selected categories counts once).',
    { type: 'string', minLength: 1, maxLength: 128 },
  ),
  {
    name: 'tz',
    in: 'query',
    schema: str('IANA time zone for calendar presets and hour/day buckets (DST-correct).', { default: 'UTC' }),
  },
  {
    name: 'granularity',
    in: 'query',
    schema: {
      type: 'string',
      enum: [...GRANULARITIES],
      description: `Trend bucket size. Default: minute up to 3 h, hour up to 3 days, day beyond. At most ${MAX_BUCKETS} buckets.`,
    },
  },
  { name: 'top', in: 'query', schema: { type: 'integer', enum: [...TOP_LIMITS], default: 10 } },
  { name: 'top_by', in: 'query', schema: { type: 'string', enum: ['revenue', 'units'], default: 'revenue' } },
];

const badRequest = {
  description: 'A parameter is invalid; `error.param` names it.',
  content: { 'application/json': { schema: ref('Error') } },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Pulse API',
    version: '1.0.0',
    description:
      'Real-time retail analytics over per-minute/hour/day rollups. Amounts are integers in minor units of the reporting currency. The same view parameters work for the Socket.IO `subscribe` event, which pushes `overview` events `{ key, data }` at most once per second after each change.',
  },
  servers: [{ url: '/' }],
  paths: {
    '/api/v1/overview': {
      get: {
        summary: 'Everything the dashboard shows for one view, with the previous period of equal length',
        parameters: viewParameters,
        responses: {
          '200': { description: 'The view', content: { 'application/json': { schema: ref('Overview') } } },
          '400': badRequest,
        },
      },
    },
    '/api/v1/products/{sku}': {
      get: {
        summary: 'One product in a view (drill-down): totals vs previous period, trend, stores and channels',
        parameters: [{ name: 'sku', in: 'path', required: true, schema: { type: 'string' } }, ...viewParameters],
        responses: {
          '200': { description: 'The product', content: { 'application/json': { schema: ref('ProductDetail') } } },
          '400': badRequest,
          '404': { description: 'No such product', content: { 'application/json': { schema: ref('Error') } } },
        },
      },
    },
    '/api/v1/export': {
      get: {
        summary: 'One tile of a view as CSV (same numbers as /api/v1/overview; instants in `tz`)',
        parameters: [
          {
            name: 'tile',
            in: 'query',
            required: true,
            schema: {
              type: 'string',
              enum: ['kpis', 'trend', 'top_products', 'movers', 'demographics', 'mix', 'recent_orders'],
            },
          },
          ...viewParameters,
        ],
        responses: { '200': { description: 'text/csv' }, '400': badRequest },
      },
    },
    '/api/v1/filters': {
      get: {
        summary: 'Values for the filter bar',
        responses: {
          '200': {
            description: 'Stores, regions, channels, categories',
            content: { 'application/json': { schema: ref('FilterOptions') } },
          },
        },
      },
    },
    '/api/v1/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: str('`invalid_parameter` or `internal_error`'),
              param: str('The parameter at fault'),
              message: str('What is wrong'),
            },
          },
        },
      },
      Totals: {
        type: 'object',
        properties: {
          revenue_cents: int('Net sales: gross − refunds'),
          gross_cents: int('Σ over sales of quantity × unit price − discount'),
          refund_cents: int('Σ over refunds issued in the range (positive)'),
          orders: int('Distinct sale events (refunds are not orders)'),
          units: int('Net units: sold − refunded'),
          aov_cents: int('net sales ÷ orders, rounded half up'),
        },
      },
      TrendPoint: {
        type: 'object',
        properties: {
          bucket: str('Nominal bucket start in `tz` (ISO 8601 UTC)', { format: 'date-time' }),
          start: str('Where the data of the bucket starts (differs from `bucket` for a partial first bucket)', {
            format: 'date-time',
          }),
          revenue_cents: int('Net sales'),
          gross_cents: int(''),
          refund_cents: int(''),
          orders: int(''),
          units: int('Net units'),
          aov_cents: int(''),
        },
      },
      TopProduct: {
        type: 'object',
        properties: {
          sku: str(''),
          name: str('Latest name seen'),
          category: str(''),
          revenue_cents: int(''),
          units: int(''),
          rank: int('1-based'),
          previous_rank: { type: ['integer', 'null'], description: 'Rank in the previous period; null = new' },
          share: { type: 'number', description: 'Share of the view total revenue (0–1)' },
        },
      },
      ProductChange: {
        type: 'object',
        properties: {
          sku: str(''),
          name: str(''),
          category: str(''),
          revenue_cents: int(''),
          units: int(''),
          previous_revenue_cents: int(''),
          change_cents: int(''),
        },
      },
      Slice: {
        type: 'object',
        properties: { key: str(''), revenue_cents: int(''), orders: int(''), share: { type: 'number' } },
      },
      Overview: {
        type: 'object',
        properties: {
          currency: str('ISO 4217 reporting currency'),
          range: {
            type: 'object',
            properties: { from: str('', { format: 'date-time' }), to: str('', { format: 'date-time' }) },
          },
          tz: str(''),
          granularity: { type: 'string', enum: [...GRANULARITIES] },
          filters: {
            type: 'object',
            description: 'The filters of the view, values sorted; an empty list = no filter on that dimension',
            properties: {
              store: filterList('Store ids'),
              region: filterList('Regions'),
              channel: filterList('Channels'),
              category: filterList('Categories'),
            },
          },
          totals: ref('Totals'),
          top_products: arrayOf('TopProduct'),
          top: { type: 'object', properties: { limit: int(''), sort: str('') } },
          movers: {
            type: 'object',
            properties: { risers: arrayOf('ProductChange'), fallers: arrayOf('ProductChange') },
          },
          demographics: {
            type: 'object',
            description: 'age_band, gender, loyalty_tier, customer_type (new/returning), region',
            additionalProperties: arrayOf('Slice'),
          },
          mix: { type: 'object', properties: { category: arrayOf('Slice'), channel: arrayOf('Slice') } },
          trend: arrayOf('TrendPoint'),
          previous: {
            type: 'object',
            properties: { range: { type: 'object' }, totals: ref('Totals'), trend: arrayOf('TrendPoint') },
          },
          freshness: {
            type: 'object',
            properties: {
              as_of: { type: ['string', 'null'], format: 'date-time', description: 'Newest worker commit' },
              lag_ms: {
                type: ['integer', 'null'],
                description: 'Kafka → PostgreSQL delay of the newest committed message',
              },
            },
          },
        },
      },
      ProductDetail: {
        type: 'object',
        properties: {
          product: { type: 'object', properties: { sku: str(''), name: str(''), category: str('') } },
          range: { type: 'object' },
          tz: str(''),
          granularity: { type: 'string', enum: [...GRANULARITIES] },
          totals: ref('Totals'),
          previous_totals: ref('Totals'),
          trend: arrayOf('TrendPoint'),
          stores: arrayOf('Slice'),
          channels: arrayOf('Slice'),
        },
      },
      FilterOptions: {
        type: 'object',
        properties: {
          stores: { type: 'array', items: { type: 'object', properties: { id: str(''), region: str('') } } },
          regions: { type: 'array', items: { type: 'string' } },
          channels: { type: 'array', items: { type: 'string' } },
          categories: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;
