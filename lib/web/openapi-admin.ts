// OpenAPI paths of the admin API (/api/v1/admin/*), merged into lib/web/openapi.ts. Bodies and
// answers are generated from the admin contract's zod schemas (lib/contract/admin-*.ts), the ones
// the handlers parse with; only the prose and the routes are written here. Admins only: the
// session cookie of an admin, and an Origin of this site for changes.

import type { z } from 'zod';
import { adminAlertRuleSchema, alertRulePatchSchema, newAlertRuleSchema } from '@/lib/contract/admin-alert-rules';
import {
  adminEmbedSchema,
  embedKeySchema,
  embedPatchSchema,
  newEmbedKeySchema,
  newEmbedSchema,
} from '@/lib/contract/admin-embeds';
import { adminUserSchema, newUserSchema, userPatchSchema } from '@/lib/contract/admin-users';
import {
  adminWebhookSchema,
  DELIVERY_STATUSES,
  newWebhookSchema,
  webhookDeliverySchema,
  webhookPatchSchema,
  webhookWithSecretSchema,
} from '@/lib/contract/admin-webhooks';
import { errorResponse as error, json, ref } from './openapi-parts';

/** An answer `{ [key]: item }` or, `list`, `{ [key]: [item, …] }` of a named schema of the contract. */
const answer = (key: string, item: z.ZodType, list = false) => ({
  'application/json': {
    schema: {
      type: 'object',
      required: [key],
      properties: { [key]: list ? { type: 'array', items: ref(item) } : ref(item) },
    },
  },
});
const security = [{ session: [] }];
const refusals = {
  '400': error('A field is invalid; `error.param` names it (`scope.stores`, `defaults.range` …)'),
  '401': error('Not signed in'),
  '403': error('Not an admin, or a change from another origin'),
};
const gone = { '204': { description: 'Removed' }, '404': error('No such item') };
const idParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});

export const adminPaths = {
  '/api/v1/admin/users': {
    get: {
      summary: 'Every user with role, scope, status and live session count',
      security,
      responses: {
        '200': {
          description: 'Users',
          content: answer('users', adminUserSchema, true),
        },
        ...refusals,
      },
    },
    post: {
      summary: 'Create a user (email lower-cased, unique)',
      security,
      requestBody: { required: true, content: json(newUserSchema, 'input') },
      responses: {
        '201': { description: 'Created', content: answer('user', adminUserSchema) },
        ...refusals,
        '409': error('The email is taken'),
      },
    },
  },
  '/api/v1/admin/users/{id}': {
    patch: {
      summary:
        'Change a user; disabling or a new password ends their sessions. The last enabled admin cannot be demoted or disabled.',
      security,
      parameters: [idParam('id', 'User id')],
      requestBody: { required: true, content: json(userPatchSchema, 'input') },
      responses: {
        '200': { description: 'Changed', content: answer('user', adminUserSchema) },
        ...refusals,
        '404': error('No such user'),
        '409': error('The last enabled admin'),
      },
    },
    delete: {
      summary: 'Delete a user and their sessions (not the last enabled admin)',
      security,
      parameters: [idParam('id', 'User id')],
      responses: { ...gone, ...refusals, '409': error('The last enabled admin') },
    },
  },
  '/api/v1/admin/embeds': {
    get: {
      summary: 'Every embed, newest first',
      security,
      responses: {
        '200': {
          description: 'Embeds',
          content: answer('embeds', adminEmbedSchema, true),
        },
        ...refusals,
      },
    },
    post: {
      summary: 'Create an embed (id `emb_` + 10 random characters)',
      security,
      requestBody: { required: true, content: json(newEmbedSchema, 'input') },
      responses: {
        '201': { description: 'Created', content: answer('embed', adminEmbedSchema) },
        ...refusals,
      },
    },
  },
  '/api/v1/admin/embeds/{id}': {
    patch: {
      summary: 'Change an embed; `revoked: true` stops its tokens, `false` restores it',
      security,
      parameters: [idParam('id', 'Embed id')],
      requestBody: { required: true, content: json(embedPatchSchema, 'input') },
      responses: {
        '200': { description: 'Changed', content: answer('embed', adminEmbedSchema) },
        ...refusals,
        '404': error('No such embed'),
      },
    },
    delete: {
      summary: 'Delete an embed',
      security,
      parameters: [idParam('id', 'Embed id')],
      responses: { ...gone, ...refusals },
    },
  },
  '/api/v1/admin/embed-keys': {
    get: {
      summary: 'Signing keys for embed tokens (ids and dates; never the secrets)',
      security,
      responses: {
        '200': {
          description: 'Keys',
          content: answer('keys', embedKeySchema, true),
        },
        ...refusals,
      },
    },
    post: {
      summary: 'A new signing key: the answer holds its secret (base64url of 32 bytes) once; it is never shown again',
      security,
      responses: {
        '201': {
          description: 'Created',
          content: answer('key', newEmbedKeySchema),
        },
        ...refusals,
      },
    },
  },
  '/api/v1/admin/embed-keys/{kid}': {
    delete: {
      summary:
        'Remove a signing key: every token signed with it stops working (rotation: add, switch the portal, remove)',
      security,
      parameters: [idParam('kid', 'Key id')],
      responses: { ...gone, ...refusals },
    },
  },
  '/api/v1/admin/alert-rules': {
    get: {
      summary: 'Every alert rule (the seeded defaults first) with the alerts each has open',
      security,
      responses: {
        '200': { description: 'Rules', content: answer('rules', adminAlertRuleSchema, true) },
        ...refusals,
      },
    },
    post: {
      summary:
        'Create an alert rule. Stock metrics (low_stock, on_hand, days_of_cover) are per store × SKU; anomaly metrics name their level. The actions worker evaluates it from its next evaluation.',
      security,
      requestBody: { required: true, content: json(newAlertRuleSchema, 'input') },
      responses: {
        '201': { description: 'Created', content: answer('rule', adminAlertRuleSchema) },
        ...refusals,
      },
    },
  },
  '/api/v1/admin/alert-rules/{id}': {
    patch: {
      summary:
        'Change an alert rule; the rule the change makes is checked whole. `enabled: false` disables it: it raises nothing more and the evaluator clears its open alerts.',
      security,
      parameters: [idParam('id', 'Alert rule id')],
      requestBody: { required: true, content: json(alertRulePatchSchema, 'input') },
      responses: {
        '200': { description: 'Changed', content: answer('rule', adminAlertRuleSchema) },
        ...refusals,
        '404': error('No such rule'),
      },
    },
    delete: {
      summary:
        'Delete an alert rule with no open alert. One with open alerts is refused (409 `rule_has_open_alerts`): disable it first, the evaluator clears its alerts (alert.cleared), then delete it.',
      security,
      parameters: [idParam('id', 'Alert rule id')],
      responses: { ...gone, ...refusals, '409': error('The rule has open alerts: disable it first') },
    },
  },
  '/api/v1/admin/webhooks': {
    get: {
      summary: 'Every webhook (never its secret) with how many of its deliveries are pending, delivered and failed',
      security,
      responses: {
        '200': { description: 'Webhooks', content: answer('webhooks', adminWebhookSchema, true) },
        ...refusals,
      },
    },
    post: {
      summary:
        'Create a webhook: Pulse makes its signing secret, which the answer holds once (README "Webhooks": headers, signature, retries)',
      security,
      requestBody: { required: true, content: json(newWebhookSchema, 'input') },
      responses: {
        '201': { description: 'Created', content: answer('webhook', webhookWithSecretSchema) },
        ...refusals,
      },
    },
  },
  '/api/v1/admin/webhooks/{id}': {
    patch: {
      summary: 'Change a webhook’s name, URL, action types or enabled (a disabled hook’s deliveries wait)',
      security,
      parameters: [idParam('id', 'Webhook id')],
      requestBody: { required: true, content: json(webhookPatchSchema, 'input') },
      responses: {
        '200': { description: 'Changed', content: answer('webhook', adminWebhookSchema) },
        ...refusals,
        '404': error('No such webhook'),
      },
    },
    delete: {
      summary: 'Delete a webhook with its deliveries and their log',
      security,
      parameters: [idParam('id', 'Webhook id')],
      responses: { ...gone, ...refusals },
    },
  },
  '/api/v1/admin/webhooks/{id}/rotate-secret': {
    post: {
      summary: 'A new signing secret, used from the next try on; the answer holds it once',
      security,
      parameters: [idParam('id', 'Webhook id')],
      responses: {
        '200': { description: 'Rotated', content: answer('webhook', webhookWithSecretSchema) },
        ...refusals,
        '404': error('No such webhook'),
      },
    },
  },
  '/api/v1/admin/webhooks/{id}/deliveries': {
    get: {
      summary: 'The delivery log: the hook’s latest deliveries, newest first, each with every try',
      security,
      parameters: [
        idParam('id', 'Webhook id'),
        {
          name: 'status',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: [...DELIVERY_STATUSES] },
          description: 'Only deliveries in this state',
        },
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          description: 'At most this many',
        },
      ],
      responses: {
        '200': { description: 'Deliveries', content: answer('deliveries', webhookDeliverySchema, true) },
        ...refusals,
        '404': error('No such webhook'),
      },
    },
  },
  '/api/v1/admin/webhooks/{id}/test': {
    post: {
      summary:
        'POST a signed test body (type webhook.test, not an action) to the hook now, even when disabled; logged as a delivery of one try, never retried',
      security,
      parameters: [idParam('id', 'Webhook id')],
      responses: {
        '200': {
          description: 'Sent: the delivery, delivered or failed, with the receiver’s answer',
          content: answer('delivery', webhookDeliverySchema),
        },
        ...refusals,
        '404': error('No such webhook'),
      },
    },
  },
} as const;
