// OpenAPI 3.1 description of the HTTP API, served at /api/v1/openapi.json. Its schemas and
// parameters are generated from the contract's zod schemas (lib/contract/), the ones the API
// parses requests with and types its answers by; only the prose and the routes are written here.

import { z } from 'zod';
import { apiSchemas, errorBodySchema } from '@/lib/contract/common';
import {
  deadLetterListSchema,
  deadLetterQuerySchema,
  redriveBodySchema,
  redriveResponseSchema,
} from '@/lib/contract/dead-letters';
import {
  inventoryHistoryQuerySchema,
  inventoryHistorySchema,
  inventoryQuerySchema,
  inventorySchema,
} from '@/lib/contract/inventory';
import { filterOptionsSchema, overviewSchema, productDetailSchema } from '@/lib/contract/overview';
import { productSearchQuerySchema, productSearchSchema } from '@/lib/contract/product-search';
import { signInBodySchema } from '@/lib/contract/sign-in';
import {
  DIMENSIONS,
  exportTileSchema,
  productExportTileSchema,
  skuSchema,
  viewQuerySchema,
} from '@/lib/contract/view-query';
import { matchRoute } from '@/lib/web/auth/access-rules';
import { adminPaths } from './openapi-admin';
import { alertPaths } from './openapi-alerts';
import { errorResponse, type JsonSchema, json, jsonSchema, ref } from './openapi-parts';
import { viewPaths } from './openapi-views';

/** Every named schema of the contract (`#/components/schemas/{id}`), as the API answers it. */
function contractSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...rest }]) => [id, rest]),
  );
}

/**
 * Query (or path) parameters from an object schema's fields: the field's description becomes the
 * parameter's, a list (a filter dimension) is the key repeated once per value (`?store=A&store=B`).
 */
function parametersOf(schema: z.ZodObject, where: 'query' | 'path' = 'query', required = false) {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { description, ...fieldSchema } = jsonSchema(field as z.ZodType, 'input');
    return {
      name,
      in: where,
      ...(required ? { required: true } : {}),
      ...((DIMENSIONS as readonly string[]).includes(name) ? { style: 'form', explode: true } : {}),
      ...(description ? { description } : {}),
      schema: fieldSchema,
    };
  });
}

const viewParameters = parametersOf(viewQuerySchema);

const badRequest = {
  description: 'A parameter is invalid; `error.param` names it.',
  content: { 'application/json': { schema: ref(errorBodySchema) } },
};

const document = {
  openapi: '3.1.0',
  info: {
    title: 'Pulse API',
    version: '1.0.0',
    description:
      'Real-time retail analytics over per-minute/hour/day rollups. Amounts are integers in minor units of the reporting currency. Amounts and units are exact: a JSON number up to ±(2^53 − 1) (Number.MAX_SAFE_INTEGER), beyond that a JSON string of the decimal digits (e.g. `"9007199254740993"`), never a rounded number. The same view parameters work over Socket.IO: `subscribe` pushes `overview` events `{ key, data }` (the /api/v1/overview body), and `product:subscribe` with `sku` added pushes `product` events (the /api/v1/products/{sku} body), and `inventory:subscribe` with the /api/v1/inventory parameters pushes `inventory` events (its body), and `alerts:subscribe` with the /api/v1/alerts parameters pushes `alerts` events (its body), at once and at most once per second after each change.',
  },
  servers: [{ url: '/' }],
  paths: {
    '/api/v1/overview': {
      get: {
        summary: 'Everything the dashboard shows for one view, with the period it is compared with (`compare`)',
        parameters: viewParameters,
        responses: {
          '200': { description: 'The view', content: { 'application/json': { schema: ref(overviewSchema) } } },
          '400': badRequest,
        },
      },
    },
    '/api/v1/products': {
      get: {
        summary: 'Find products by SKU or name (the header search), within the caller’s categories',
        parameters: parametersOf(productSearchQuerySchema, 'query', true),
        responses: {
          '200': {
            description: 'The products found, best first',
            content: { 'application/json': { schema: ref(productSearchSchema) } },
          },
          '400': badRequest,
        },
      },
    },
    '/api/v1/inventory': {
      get: {
        summary:
          'On-hand stock per store and SKU (latest snapshot plus every movement after it), within the caller’s scope',
        parameters: parametersOf(inventoryQuerySchema),
        responses: {
          '200': {
            description: 'One page of stock rows',
            content: { 'application/json': { schema: ref(inventorySchema) } },
          },
          '400': badRequest,
          '403': errorResponse('A store outside the caller’s scope'),
        },
      },
    },
    '/api/v1/inventory/history': {
      get: {
        summary:
          'One SKU’s on-hand over time per store and in total (the on-hand rule applied at every point), within the caller’s scope',
        parameters: parametersOf(inventoryHistoryQuerySchema),
        responses: {
          '200': {
            description: 'On-hand at each point of the range',
            content: { 'application/json': { schema: ref(inventoryHistorySchema) } },
          },
          '400': badRequest,
          '403': errorResponse('A store outside the caller’s scope'),
        },
      },
    },
    '/api/v1/products/{sku}': {
      get: {
        summary:
          'One product in a view (drill-down): totals vs the period compared with, trend, stores, channels and who buys it',
        parameters: [...parametersOf(z.object({ sku: skuSchema }), 'path', true), ...viewParameters],
        responses: {
          '200': { description: 'The product', content: { 'application/json': { schema: ref(productDetailSchema) } } },
          '400': badRequest,
          '404': { description: 'No such product', content: { 'application/json': { schema: ref(errorBodySchema) } } },
        },
      },
    },
    '/api/v1/export': {
      get: {
        summary:
          'One dashboard tile as CSV: the figures it shows (amounts in major units, shares in percent as rounded on screen, instants in `tz`), below lines naming the range, time zone, as-of time and units',
        parameters: [...parametersOf(z.object({ tile: exportTileSchema }), 'query', true), ...viewParameters],
        responses: { '200': { description: 'text/csv' }, '400': badRequest },
      },
    },
    '/api/v1/products/{sku}/export': {
      get: {
        summary: 'One tile of a product page as CSV, in the same form as /api/v1/export',
        parameters: [
          ...parametersOf(z.object({ sku: skuSchema }), 'path', true),
          ...parametersOf(z.object({ tile: productExportTileSchema }), 'query', true),
          ...viewParameters,
        ],
        responses: {
          '200': { description: 'text/csv' },
          '400': badRequest,
          '404': { description: 'No such product', content: { 'application/json': { schema: ref(errorBodySchema) } } },
        },
      },
    },
    '/api/v1/filters': {
      get: {
        summary: 'Values for the filter bar',
        responses: {
          '200': {
            description: 'Stores, regions, channels, categories',
            content: { 'application/json': { schema: ref(filterOptionsSchema) } },
          },
        },
      },
    },
    '/api/v1/dead-letters': {
      get: {
        summary: 'Rejected messages, newest first, with payload previews, re-drive state and counts per reason',
        parameters: parametersOf(deadLetterQuerySchema),
        responses: {
          '200': { description: 'One page', content: { 'application/json': { schema: ref(deadLetterListSchema) } } },
          '400': badRequest,
        },
      },
    },
    '/api/v1/dead-letters/redrive': {
      post: {
        summary:
          'Produce dead letters back to the sales topic with their original key and bytes, to the partition they were read from (headers `x-redrive-of`, `x-redriven-at`). Safe to repeat: an event id is counted once; a message still invalid becomes a new dead letter.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: jsonSchema(redriveBodySchema, 'input'),
            },
          },
        },
        responses: {
          '200': {
            description: 'One result per id',
            content: {
              'application/json': {
                schema: jsonSchema(redriveResponseSchema, 'output'),
              },
            },
          },
          '400': badRequest,
          '503': {
            description: 'Kafka is not reachable',
            content: { 'application/json': { schema: ref(errorBodySchema) } },
          },
        },
      },
    },
    '/api/v1/auth/signin': {
      post: {
        summary:
          'Sign in with email and password: sets the session cookie. JSON answers JSON; the sign-in form (urlencoded) is redirected back.',
        requestBody: { required: true, content: json(signInBodySchema, 'input') },
        responses: {
          '200': { description: 'Signed in (Set-Cookie: pulse_session)' },
          '401': errorResponse('Wrong email or password (`invalid_credentials`)'),
          '429': errorResponse(
            'Too many failures from this address or for this email (AUTH_MAX_FAILURES per AUTH_WINDOW_SECONDS); Retry-After',
          ),
        },
      },
    },
    '/api/v1/auth/signout': {
      post: {
        summary: 'End this session (the cookie is cleared)',
        responses: { '200': { description: 'Signed out' } },
      },
    },
    ...viewPaths,
    ...alertPaths,
    ...adminPaths,
    '/api/v1/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
  },
  components: {
    securitySchemes: {
      session: {
        type: 'apiKey',
        in: 'cookie',
        name: 'pulse_session',
        description: 'Set by POST /api/v1/auth/signin (email and password) or single sign-on; httpOnly, SameSite=Lax',
      },
      embedToken: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'An embed token a portal signed (README "Embedding in your portal"); its embed’s locked filters apply',
      },
      opsToken: { type: 'http', scheme: 'bearer', description: 'The OPS_TOKEN the web server was started with' },
    },
    schemas: contractSchemas(),
  },
} as const;

/** Who may call an operation, from the access table (lib/web/auth/access-rules.ts): security and refusals. */
function accessOf(path: string, method: string): Record<string, unknown> {
  const rule = matchRoute(path.replace(/\{[^}]+\}/g, 'x'))?.rule;
  if (!rule || rule.access === 'public') return { security: [] };
  const who = {
    reader: 'Signed-in users of every role, within their scope',
    exporter: 'Admins and merchandisers, within their scope',
    actor: 'Admins and merchandisers, within their scope',
    admin: 'Admins',
    ops: 'Admins, or the ops token',
    embed: 'An embed token',
  }[rule.access];
  const security =
    rule.access === 'ops'
      ? [{ session: [] }, { opsToken: [] }]
      : rule.embed
        ? [{ session: [] }, { embedToken: [] }]
        : [{ session: [] }];
  return {
    description: `${who}. Filters outside the caller's scope are refused with 403 \`outside_scope\`.`,
    security,
    responses: {
      '401': errorResponse(
        'Not signed in, or the token is not valid (`unauthorized`, `invalid_token`, `token_expired`, `embed_revoked`)',
      ),
      '403': errorResponse('Signed in, but not allowed (`forbidden`, `outside_scope`, `cross_origin`)'),
      '405': errorResponse(`Other methods than ${rule.methods.join(', ')}`),
      ...(rule.body && method !== 'get' ? { '413': errorResponse('The body is larger than WEB_MAX_BODY_BYTES') } : {}),
      '429': errorResponse('Too many wrong tokens from this address (Retry-After)'),
    },
  };
}

type Operation = { responses: Record<string, unknown>; security?: unknown; description?: string };

/** The document with each operation's access (security, 401/403/405/413/429) from the access table. */
function withAccess<T extends { paths: Record<string, Record<string, unknown>> }>(doc: T): T {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const [path, operations] of Object.entries(doc.paths)) {
    paths[path] = {};
    for (const [method, operation] of Object.entries(operations as Record<string, Operation>)) {
      const access = accessOf(path, method) as Partial<Operation>;
      paths[path][method] = {
        ...operation,
        ...(access.description
          ? { description: `${operation.description ? `${operation.description} ` : ''}${access.description}` }
          : {}),
        security: operation.security ?? access.security,
        responses: { ...(access.responses as Record<string, unknown> | undefined), ...operation.responses },
      };
    }
  }
  return { ...doc, paths };
}

export const openApiDocument = withAccess(document);
