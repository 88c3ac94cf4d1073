import { describe, expect, it } from 'vitest';
import { adminAlertRuleSchema, alertRulePatchSchema, newAlertRuleSchema } from '@/lib/contract/admin-alert-rules';
import {
  adminEmbedSchema,
  embedKeySchema,
  embedPatchSchema,
  newEmbedKeySchema,
  newEmbedSchema,
} from '@/lib/contract/admin-embeds';
import { adminUserSchema, newUserSchema, userPatchSchema } from '@/lib/contract/admin-users';
import { errorBodySchema } from '@/lib/contract/common';
import { deadLetterListSchema, redriveBodySchema, redriveResponseSchema } from '@/lib/contract/dead-letters';
import {
  type DemographicSlice,
  filterOptionsSchema,
  type MixSlice,
  overviewSchema,
  productDetailSchema,
  type Totals,
  type TrendPoint,
} from '@/lib/contract/overview';
import { productSearchSchema } from '@/lib/contract/product-search';
import { newSavedViewSchema, savedViewPatchSchema, savedViewSchema } from '@/lib/contract/saved-views';
import { signInBodySchema } from '@/lib/contract/sign-in';
import { QUERY_KEYS, viewQuerySchema } from '@/lib/contract/view-query';
import { openApiDocument } from '@/lib/web/openapi';
import { documentValidator, type OpenApiDocument, requestBodyAt, responseAt } from '../support/openapi';

// One example of each answer, as the API writes it (JSON: no Dates, no bigints).
const doc = JSON.parse(JSON.stringify(openApiDocument)) as OpenApiDocument;
const totals: Totals = {
  revenue_cents: '9007199254740993',
  gross_cents: '9007199254741993',
  refund_cents: 1000,
  orders: 2,
  units: 3,
  aov_cents: '4503599627370497',
};
const point: TrendPoint = { bucket: '2026-03-01T10:00:00.000Z', start: '2026-03-01T10:00:00.000Z', ...totals };
const slice: MixSlice = { key: 'web', revenue_cents: 1500, orders: 1, share: 0.5 };
const demographic: DemographicSlice = { key: 'gold', revenue_cents: 1500, orders: 1 };
const demographics = {
  age_band: [demographic],
  gender: [],
  loyalty_tier: [demographic],
  customer_type: [],
  region: [demographic],
};
const freshness = { as_of: '2026-03-01T10:15:00.000Z', lag_ms: 40, backlog: 0, behind_ms: 0 };
const range = { from: '2026-03-01T09:16:00.000Z', to: '2026-03-01T10:16:00.000Z' };
const product = { sku: 'SKU-1', name: 'Classic Hoodie', category: 'Apparel' };

const examples = {
  Overview: {
    currency: 'EUR',
    range,
    tz: 'Europe/Paris',
    granularity: 'minute',
    filters: { store: ['PAR-01'], region: [], channel: ['web'], category: [] },
    totals,
    top_products: [
      {
        ...product,
        revenue_cents: 1500,
        units: 1,
        rank: 1,
        previous_rank: null,
        previous_revenue_cents: 0,
        previous_units: 0,
        share: 1,
      },
    ],
    top: { limit: 10, sort: 'revenue' },
    movers: {
      risers: [{ ...product, revenue_cents: 1500, units: 1, previous_revenue_cents: 0, change_cents: 1500 }],
      fallers: [],
    },
    demographics,
    mix: { category: [slice], channel: [slice] },
    trend: [point],
    previous: { compare: 'previous', range, totals, trend: [point] },
    recent_orders: [
      {
        event_id: 'e-1',
        kind: 'refund',
        order_id: 'o-1',
        occurred_at: '2026-03-01T10:01:00.000Z',
        store_id: 'PAR-01',
        region: 'eu-west',
        channel: 'web',
        items: 1,
        units: 1,
        revenue_cents: 1500,
        top_item: 'Classic Hoodie',
        top_sku: null,
      },
    ],
    freshness,
  },
  ProductDetail: {
    product,
    range,
    tz: 'UTC',
    granularity: 'hour',
    totals,
    compare: 'last_week',
    previous_range: { from: '2026-02-22T09:16:00.000Z', to: '2026-02-22T10:16:00.000Z' },
    previous_totals: totals,
    trend: [point],
    stores: [slice],
    channels: [slice],
    demographics,
    freshness: { ...freshness, as_of: null, lag_ms: null },
  },
  ProductSearch: { products: [product] },
  FilterOptions: {
    stores: [{ id: 'PAR-01', region: 'eu-west' }],
    regions: ['eu-west'],
    channels: ['web', 'app'],
    categories: ['Apparel'],
  },
  DeadLetterList: {
    dead_letters: [
      {
        id: 7,
        received_at: '2026-03-01T10:00:00.000Z',
        reason: 'invalid_json',
        detail: 'Unexpected token',
        source: { topic: 'retail.sales.v1', partition: 0, offset: 42 },
        key: null,
        size: 3,
        preview: { encoding: 'utf8', text: '{x}', truncated: false },
        redrive: {
          count: 1,
          last_at: '2026-03-01T10:05:00.000Z',
          to: { topic: 'retail.sales.v1', partition: 0, offset: 43 },
          outcome: 'dead_lettered',
          dead_letter: { id: 8, reason: 'invalid_json' },
        },
        redrive_of: { topic: 'retail.sales.v1', partition: 0, offset: 41, id: null },
      },
    ],
    next_before: null,
    reasons: [{ reason: 'invalid_json', count: 1 }],
    total: 1,
  },
  Error: { error: { code: 'invalid_parameter', param: 'tz', message: 'tz must be an IANA time zone' } },
  AdminUser: {
    id: '3',
    email: 'ana@example.com',
    name: 'Ana',
    role: 'merchandiser',
    scope: { stores: ['PAR-01'], regions: [], categories: ['Apparel'] },
    disabled: false,
    created_at: '2026-03-01T10:00:00.000Z',
    has_password: true,
    oidc: false,
    sessions: 2,
  },
  AdminEmbed: {
    id: 'emb_abcdefghij',
    name: 'Store portal',
    view: 'store',
    target: 'PAR-01',
    locked: { store: ['PAR-01'], channel: ['web'] },
    defaults: { range: '24h', tz: 'Europe/Paris', store: ['PAR-01'] },
    theme: 'dark',
    accent: '#ff0066',
    links: 'new_tab',
    expires_at: null,
    revoked_at: '2026-03-02T10:00:00.000Z',
    created_by: '1',
    created_at: '2026-03-01T10:00:00.000Z',
  },
  EmbedKey: { kid: 'key_abcdefghij', created_at: '2026-03-01T10:00:00.000Z' },
  AdminAlertRule: {
    id: '4',
    name: 'Paris stock under 5',
    metric: 'on_hand',
    level: 'store_sku',
    scope_kind: 'store',
    scope_value: 'PAR-01',
    threshold: 5,
    window_minutes: 60,
    history_days: 14,
    severity: 'critical',
    enabled: true,
    open_alerts: 2,
    created_at: '2026-03-01T10:00:00.000Z',
    updated_at: '2026-03-02T10:00:00.000Z',
    updated_by: '1',
  },
  NewEmbedKey: { kid: 'key_abcdefghij', created_at: '2026-03-01T10:00:00.000Z', secret: 'c2VjcmV0' },
  SavedView: {
    id: '12',
    name: 'EU apparel, last week',
    query: 'range=7d&region=eu-west&category=Apparel&compare=last_week',
    created_at: '2026-03-01T10:00:00.000Z',
    updated_at: '2026-03-02T08:30:00.000Z',
  },
};
/** Bodies each request schema takes, as a client sends them (JSON), with the route they go to. */
const bodies = [
  {
    route: ['/api/v1/admin/users', 'post'],
    schema: newUserSchema,
    body: { email: 'Ana@Example.com', role: 'viewer', password: 'correct horse battery', scope: { stores: ['S1'] } },
    unknown: { email: 'ana@example.com', role: 'viewer', password: 'correct horse battery', admin: true },
  },
  {
    route: ['/api/v1/admin/users/{id}', 'patch'],
    schema: userPatchSchema,
    body: { disabled: true, scope: { regions: ['north'] } },
    unknown: { scope: { stores: [], channels: ['web'] } },
  },
  {
    route: ['/api/v1/admin/embeds', 'post'],
    schema: newEmbedSchema,
    body: {
      name: 'Portal',
      view: 'product',
      target: 'SKU-1',
      locked: { channel: ['web'] },
      defaults: { range: '24h' },
      accent: '#FF0066',
      expires_at: '2099-01-01T00:00:00Z',
    },
    unknown: { name: 'Portal', view: 'dashboard', colour: 'red' },
  },
  {
    route: ['/api/v1/admin/alert-rules', 'post'],
    schema: newAlertRuleSchema,
    body: {
      name: 'EU revenue',
      metric: 'revenue_anomaly',
      level: 'store',
      scope_kind: 'region',
      scope_value: 'eu',
      threshold: 3.5,
    },
    unknown: { name: 'Low', metric: 'low_stock', channel: 'web' },
  },
  {
    route: ['/api/v1/admin/alert-rules/{id}', 'patch'],
    schema: alertRulePatchSchema,
    body: { enabled: false, threshold: 4 },
    unknown: { open_alerts: 0 },
  },
  {
    route: ['/api/v1/views', 'post'],
    schema: newSavedViewSchema,
    body: { name: 'EU apparel', query: '?range=7d&region=eu-west' },
    unknown: { name: 'EU apparel', query: 'range=7d', shared: true },
  },
  {
    route: ['/api/v1/views/{id}', 'patch'],
    schema: savedViewPatchSchema,
    body: { name: 'EU apparel (old)' },
    unknown: { pinned: true },
  },
  {
    route: ['/api/v1/admin/embeds/{id}', 'patch'],
    schema: embedPatchSchema,
    body: { revoked: true, target: null },
    unknown: { locked: { shelf: ['A'] } },
  },
] as const;
const redriveAnswer = {
  topic: 'retail.sales.v1',
  results: [
    { id: 7, status: 'redriven', to: { topic: 'retail.sales.v1', partition: 0, offset: 44 } },
    { id: 9, status: 'not_found' },
  ],
};

describe('the contract schemas', () => {
  it('accept an example of every answer', () => {
    expect(overviewSchema.parse(examples.Overview)).toEqual(examples.Overview);
    expect(productDetailSchema.parse(examples.ProductDetail)).toEqual(examples.ProductDetail);
    expect(filterOptionsSchema.parse(examples.FilterOptions)).toEqual(examples.FilterOptions);
    expect(productSearchSchema.parse(examples.ProductSearch)).toEqual(examples.ProductSearch);
    expect(deadLetterListSchema.parse(examples.DeadLetterList)).toEqual(examples.DeadLetterList);
    expect(errorBodySchema.parse(examples.Error)).toEqual(examples.Error);
    expect(redriveResponseSchema.parse(redriveAnswer)).toEqual(redriveAnswer);
    expect(adminUserSchema.parse(examples.AdminUser)).toEqual(examples.AdminUser);
    expect(adminEmbedSchema.parse(examples.AdminEmbed)).toEqual(examples.AdminEmbed);
    expect(embedKeySchema.parse(examples.EmbedKey)).toEqual(examples.EmbedKey);
    expect(newEmbedKeySchema.parse(examples.NewEmbedKey)).toEqual(examples.NewEmbedKey);
    expect(adminAlertRuleSchema.parse(examples.AdminAlertRule)).toEqual(examples.AdminAlertRule);
    expect(savedViewSchema.parse(examples.SavedView)).toEqual(examples.SavedView);
    for (const { schema, body } of bodies) expect(schema.safeParse(body).success, JSON.stringify(body)).toBe(true);
    expect(signInBodySchema.parse({ email: 'a@b.c', password: 'x' })).toEqual({ email: 'a@b.c', password: 'x' });
    expect(redriveBodySchema.parse({ ids: [1, '900719925474099300'] })).toEqual({ ids: [1, '900719925474099300'] });
    const view = {
      range: '24h',
      store: ['A', 'B'],
      channel: ['web'],
      tz: 'Europe/Paris',
      compare: 'last_week',
      top: 25,
      top_by: 'units',
    };
    expect(viewQuerySchema.parse(view)).toEqual(view);
  });

  it('refuse an amount beyond 2^53 − 1 written as a (rounded) number', () => {
    const rounded = { ...examples.Overview, totals: { ...totals, units: 2 ** 53 } };
    expect(overviewSchema.safeParse(rounded).success).toBe(false);
  });
});

describe('the OpenAPI document', () => {
  const validator = documentValidator(doc);

  it('is OpenAPI 3.1 with the documented routes', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/overview',
      '/api/v1/products',
      '/api/v1/products/{sku}',
      '/api/v1/export',
      '/api/v1/products/{sku}/export',
      '/api/v1/filters',
      '/api/v1/dead-letters',
      '/api/v1/dead-letters/redrive',
      '/api/v1/auth/signin',
      '/api/v1/views',
      '/api/v1/views/{id}',
      '/api/v1/admin/users',
      '/api/v1/admin/users/{id}',
      '/api/v1/admin/embeds',
      '/api/v1/admin/embeds/{id}',
      '/api/v1/admin/embed-keys',
      '/api/v1/admin/embed-keys/{kid}',
      '/api/v1/admin/alert-rules',
      '/api/v1/admin/alert-rules/{id}',
      '/api/v1/openapi.json',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const names = doc.paths['/api/v1/overview']?.get?.parameters?.map((p) => p.name);
    expect(names).toEqual([...QUERY_KEYS]);
    expect(doc.paths['/api/v1/export']?.get?.parameters?.[0]).toMatchObject({ name: 'tile', required: true });
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g);
    for (const [, ref] of refs) {
      const target = (ref as string)
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('compiles every schema with Ajv (JSON Schema 2020-12) and accepts the examples', () => {
    for (const name of Object.keys(doc.components.schemas)) validator(['components', 'schemas', name]);
    for (const [name, example] of Object.entries(examples)) {
      const validate = validator(['components', 'schemas', name]);
      expect(validate(example), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const redrive = validator(responseAt('/api/v1/dead-letters/redrive', 'post', '200'));
    expect(redrive(redriveAnswer), JSON.stringify(redrive.errors)).toBe(true);
  });

  it('compiles every parameter and request body schema', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        (operation.parameters ?? []).forEach((_, i) => {
          validator(['paths', path, method, 'parameters', String(i), 'schema']);
        });
        if ('requestBody' in operation) {
          validator(['paths', path, method, 'requestBody', 'content', 'application/json', 'schema']);
        }
      }
    }
  });

  it('documents the admin answers with the contract schemas', () => {
    const answers: [string, string, string, string, unknown][] = [
      ['/api/v1/admin/users', 'get', '200', 'users', [examples.AdminUser]],
      ['/api/v1/admin/users', 'post', '201', 'user', examples.AdminUser],
      ['/api/v1/admin/users/{id}', 'patch', '200', 'user', examples.AdminUser],
      ['/api/v1/admin/embeds', 'get', '200', 'embeds', [examples.AdminEmbed]],
      ['/api/v1/admin/embeds', 'post', '201', 'embed', examples.AdminEmbed],
      ['/api/v1/admin/embeds/{id}', 'patch', '200', 'embed', examples.AdminEmbed],
      ['/api/v1/admin/embed-keys', 'get', '200', 'keys', [examples.EmbedKey]],
      ['/api/v1/admin/embed-keys', 'post', '201', 'key', examples.NewEmbedKey],
      ['/api/v1/admin/alert-rules', 'get', '200', 'rules', [examples.AdminAlertRule]],
      ['/api/v1/admin/alert-rules', 'post', '201', 'rule', examples.AdminAlertRule],
      ['/api/v1/admin/alert-rules/{id}', 'patch', '200', 'rule', examples.AdminAlertRule],
      ['/api/v1/views', 'get', '200', 'views', [examples.SavedView]],
      ['/api/v1/views', 'post', '201', 'view', examples.SavedView],
      ['/api/v1/views/{id}', 'patch', '200', 'view', examples.SavedView],
    ];
    for (const [path, method, status, key, value] of answers) {
      const validate = validator(responseAt(path, method, status));
      expect(validate({ [key]: value }), `${method} ${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validate({}), `${method} ${path} without ${key}`).toBe(false);
    }
    const user = validator(['components', 'schemas', 'AdminUser']);
    expect(user({ ...examples.AdminUser, role: 'owner' })).toBe(false);
  });

  it('documents each request body as its parser reads it', () => {
    for (const { route, schema, body, unknown } of bodies) {
      const [path, method] = route;
      const validate = validator(requestBodyAt(path, method));
      expect(validate(body), `${method} ${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      // A field the API does not know is refused by both.
      expect(validate(unknown), `${method} ${path} ${JSON.stringify(unknown)}`).toBe(false);
      expect(schema.safeParse(unknown).success).toBe(false);
    }
    const short = { email: 'ana@example.com', role: 'viewer', password: 'short' };
    expect(validator(requestBodyAt('/api/v1/admin/users', 'post'))(short)).toBe(false);
    expect(newUserSchema.safeParse(short).success).toBe(false);
    const signIn = validator(requestBodyAt('/api/v1/auth/signin', 'post'));
    expect(signIn({ email: 'ana@example.com', password: 'x' })).toBe(true);
    expect(signIn({ email: 'ana@example.com' })).toBe(false);
    expect(signInBodySchema.safeParse({ email: 'ana@example.com' }).success).toBe(false);
  });

  it('refuses an answer with a field the document does not describe', () => {
    const validate = validator(['components', 'schemas', 'Overview']);
    expect(validate({ ...examples.Overview, surprise: true })).toBe(false);
  });
});
