// OpenAPI 3.1 description of the HTTP API, served at /api/v1/openapi.json.

import { DEAD_LETTER_PAGE_SIZE, MAX_DEAD_LETTER_PAGE_SIZE, MAX_REDRIVE_IDS } from './dead-letter-params';
import { DAY_PRESETS, MAX_FILTER_VALUES, RANGE_PRESETS, TOP_LIMITS } from './overview-params';
import { PREVIEW_BYTES } from './payload-preview';
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
      'Real-time retail analytics over per-minute/hour/day rollups. Amounts are integers in minor units of the reporting currency. The same view parameters work over Socket.IO: `subscribe` pushes `overview` events `{ key, data }` (the /api/v1/overview body), and `product:subscribe` with `sku` added pushes `product` events (the /api/v1/products/{sku} body), at once and at most once per second after each change.',
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
        summary:
          'One product in a view (drill-down): totals vs previous period, trend, stores, channels and who buys it',
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
    '/api/v1/dead-letters': {
      get: {
        summary: 'Rejected messages, newest first, with payload previews, re-drive state and counts per reason',
        parameters: [
          {
            name: 'reason',
            in: 'query',
            schema: str('Only this rejection reason (`x-dlq-reason`), e.g. `invalid_json`.'),
          },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: MAX_DEAD_LETTER_PAGE_SIZE, default: DEAD_LETTER_PAGE_SIZE },
          },
          {
            name: 'before',
            in: 'query',
            schema: { type: 'integer', description: 'Cursor: `next_before` of the previous page.' },
          },
        ],
        responses: {
          '200': { description: 'One page', content: { 'application/json': { schema: ref('DeadLetterList') } } },
          '400': badRequest,
        },
      },
    },
    '/api/v1/dead-letters/redrive': {
      post: {
        summary:
          'Produce dead letters back to the sales topic with their original key and bytes, to the partition they were read from (headers `x-redrive-of`, `x-redriven-at`). Safe to repeat: an event id is counted once; a message still invalid becomes a new dead letter.',
        security: [{ opsToken: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['ids'],
                properties: {
                  ids: {
                    type: 'array',
                    minItems: 1,
                    maxItems: MAX_REDRIVE_IDS,
                    items: { type: 'integer' },
                    description: 'Dead letter ids',
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'One result per id',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { topic: str('Where the copies were written'), results: arrayOf('RedriveResult') },
                },
              },
            },
          },
          '400': badRequest,
          '401': {
            description: 'Missing or wrong bearer token',
            content: { 'application/json': { schema: ref('Error') } },
          },
          '403': {
            description: 'Ops actions are off (the server has no OPS_TOKEN)',
            content: { 'application/json': { schema: ref('Error') } },
          },
          '503': { description: 'Kafka is not reachable', content: { 'application/json': { schema: ref('Error') } } },
        },
      },
    },
    '/api/v1/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
  },
  components: {
    securitySchemes: {
      opsToken: { type: 'http', scheme: 'bearer', description: 'The OPS_TOKEN the web server was started with' },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: str('`invalid_parameter`, `unauthorized`, `ops_disabled`, `kafka_unavailable` or `internal_error`'),
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
            additionalProperties: arrayOf('DemographicSlice'),
          },
          mix: { type: 'object', properties: { category: arrayOf('Slice'), channel: arrayOf('Slice') } },
          trend: arrayOf('TrendPoint'),
          previous: {
            type: 'object',
            properties: { range: { type: 'object' }, totals: ref('Totals'), trend: arrayOf('TrendPoint') },
          },
          recent_orders: arrayOf('RecentOrder'),
          freshness: ref('Freshness'),
        },
      },
      Freshness: {
        type: 'object',
        properties: {
          as_of: { type: ['string', 'null'], format: 'date-time', description: 'Newest worker commit' },
          lag_ms: {
            type: ['integer', 'null'],
            description: 'Kafka → PostgreSQL delay of the newest committed message',
          },
        },
      },
      RecentOrder: {
        type: 'object',
        properties: {
          event_id: str(''),
          order_id: str(''),
          occurred_at: str('', { format: 'date-time' }),
          store_id: str(''),
          region: str(''),
          channel: { type: 'string', enum: [...CHANNELS] },
          items: int('Order lines'),
          units: int(''),
          revenue_cents: int(''),
          top_item: str('Name of the biggest line'),
          top_sku: { type: ['string', 'null'], description: 'Its SKU; null for sales counted before it was recorded' },
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
          demographics: {
            type: 'object',
            description:
              'Who buys it: age_band, gender, loyalty_tier, customer_type (new/returning), region; orders = orders containing the product',
            additionalProperties: arrayOf('DemographicSlice'),
          },
          freshness: ref('Freshness'),
        },
      },
      KafkaPosition: {
        type: 'object',
        properties: { topic: str(''), partition: int(''), offset: int('') },
      },
      DeadLetter: {
        type: 'object',
        properties: {
          id: int('Cursor order: newer dead letters have larger ids'),
          received_at: str('When the worker rejected it', { format: 'date-time' }),
          reason: str('`x-dlq-reason`'),
          detail: str('`x-dlq-detail`'),
          source: ref('KafkaPosition'),
          key: { type: ['string', 'null'] },
          size: int('Payload bytes'),
          preview: {
            type: 'object',
            properties: {
              encoding: { type: 'string', enum: ['utf8', 'hex'] },
              text: str(`The first ${PREVIEW_BYTES} bytes as text, or as hex pairs when they are not UTF-8 text`),
              truncated: { type: 'boolean' },
            },
          },
          redrive: {
            type: ['object', 'null'],
            properties: {
              count: int('Re-drives acknowledged by Kafka'),
              last_at: str('', { format: 'date-time' }),
              to: ref('KafkaPosition'),
              outcome: {
                type: 'string',
                enum: ['pending', 'accepted', 'dead_lettered'],
                description:
                  'Last copy: not read yet, read without rejection (counted or a duplicate), or rejected again',
              },
              dead_letter: {
                type: ['object', 'null'],
                properties: { id: int(''), reason: str('') },
                description: 'The new dead letter when rejected again',
              },
            },
          },
          redrive_of: {
            type: ['object', 'null'],
            description:
              'For a re-driven copy rejected again: where it came from (`id` null if that dead letter is gone)',
            properties: { topic: str(''), partition: int(''), offset: int(''), id: { type: ['integer', 'null'] } },
          },
        },
      },
      DeadLetterList: {
        type: 'object',
        properties: {
          dead_letters: arrayOf('DeadLetter'),
          next_before: { type: ['integer', 'null'], description: 'Cursor of the next page; null on the last' },
          reasons: {
            type: 'array',
            items: { type: 'object', properties: { reason: str(''), count: int('') } },
            description: 'All dead letters per reason, whatever the filter',
          },
          total: int(''),
        },
      },
      RedriveResult: {
        type: 'object',
        properties: {
          id: int(''),
          status: {
            type: 'string',
            enum: ['redriven', 'not_found', 'failed', 'pending'],
            description:
              '`pending`: not acknowledged before the request ended; it is recorded if acknowledged later, and re-driving again is safe',
          },
          to: ref('KafkaPosition'),
          error: str('Why it failed; with `redriven`, that Kafka has it but it could not be recorded'),
        },
      },
      DemographicSlice: {
        type: 'object',
        properties: { key: str(''), revenue_cents: int(''), orders: int('') },
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
