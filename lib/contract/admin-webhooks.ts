// Bodies and answers of the admin API's webhooks (/api/v1/admin/webhooks*, README "Webhooks"):
// zod schemas the handlers parse with (lib/web/admin-webhooks.ts), the types below are inferred
// from and the OpenAPI document (lib/web/openapi-admin.ts) is generated from.
import { z } from 'zod';
import { ACTION_TYPES } from './actions';
import { isStorableText, NOT_STORABLE } from './admin-fields';
import { component, instant } from './common';

/**
 * The type of the admin's "send test" POST (x-pulse-action-type and the body's `type`). Not an
 * action (not in ACTION_TYPES, never on retail.actions.v1): receivers ignore types they do not
 * know, and may answer this one with 2xx to show the admin their hook works.
 */
export const WEBHOOK_TEST_TYPE = 'webhook.test';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const MAX_URL = 2000;

/** An http(s) URL a server can POST to: no credentials in it, no #fragment. */
export function isHookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) && url.hostname !== '' && !url.username && !url.password && !url.hash;
}

const URL_RULE = 'url must be an http:// or https:// URL without user:password@ or #fragment';

const fields = {
  name: z
    .string({ error: 'name must be a string' })
    .trim()
    .min(1, 'name must not be empty')
    .max(80, 'name must be at most 80 characters')
    .refine(isStorableText, `name ${NOT_STORABLE}`),
  url: z
    .string({ error: URL_RULE })
    .trim()
    .max(MAX_URL, `url must be at most ${MAX_URL} characters`)
    .refine(isHookUrl, URL_RULE)
    .describe('Where actions are POSTed (http or https)'),
  types: z
    .array(z.enum(ACTION_TYPES, { error: `types must be action types: ${ACTION_TYPES.join(', ')}` }), {
      error: `types must be an array of action types (${ACTION_TYPES.join(', ')})`,
    })
    .transform((types) => ACTION_TYPES.filter((t) => types.includes(t)))
    .describe('The action types sent to this hook; empty = all'),
  enabled: z.boolean({ error: 'enabled must be true or false' }),
};

/** POST /api/v1/admin/webhooks: the secret is made by Pulse and shown in the answer, once. */
export const newWebhookSchema = z.strictObject(
  {
    name: fields.name,
    url: fields.url,
    types: fields.types.optional().default([]),
    enabled: fields.enabled.optional().default(true),
  },
  { error: 'the body must be a JSON object {name, url, types?, enabled?}' },
);

/** PATCH /api/v1/admin/webhooks/{id}. */
export const webhookPatchSchema = z
  .strictObject(
    {
      name: fields.name.optional(),
      url: fields.url.optional(),
      types: fields.types.optional(),
      enabled: fields.enabled.optional(),
    },
    { error: 'the body must be a JSON object of the webhook fields to change {name?, url?, types?, enabled?}' },
  )
  .refine((patch) => Object.keys(patch).length > 0, 'the body changes nothing');

export type NewWebhookInput = z.output<typeof newWebhookSchema>;
export type WebhookPatchInput = z.output<typeof webhookPatchSchema>;

/** GET /api/v1/admin/webhooks/{id}/deliveries query. */
export const deliveriesQuerySchema = z.strictObject(
  {
    status: z
      .enum(DELIVERY_STATUSES, { error: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
      .optional()
      .describe('Only deliveries in this state'),
    limit: z.coerce
      .number({ error: 'limit must be a whole number from 1 to 200' })
      .int('limit must be a whole number from 1 to 200')
      .min(1, 'limit must be a whole number from 1 to 200')
      .max(200, 'limit must be a whole number from 1 to 200')
      .optional()
      .default(50)
      .describe('Newest first, at most this many (default 50)'),
  },
  { error: 'the query takes status and limit' },
);
export type DeliveriesQuery = z.output<typeof deliveriesQuerySchema>;

/** A webhook as the admin API answers it: never its secret (see webhookWithSecretSchema). */
export const adminWebhookSchema = component(
  'AdminWebhook',
  z.object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    types: z.array(z.enum(ACTION_TYPES)).describe('Action types sent; empty = all'),
    enabled: z.boolean(),
    created_at: instant(),
    updated_at: instant(),
    deliveries: z
      .object({ pending: z.int(), delivered: z.int(), failed: z.int() })
      .describe('How many of its deliveries are in each state'),
    last_delivery_at: instant('When the latest delivery was made (any state)').nullable(),
  }),
);
export type AdminWebhook = z.infer<typeof adminWebhookSchema>;

/** The answers that create a hook or rotate its secret: the only ones that hold it. */
export const webhookWithSecretSchema = component(
  'AdminWebhookWithSecret',
  adminWebhookSchema.extend({
    secret: z.string().describe('The HMAC-SHA256 key of the signatures (its UTF-8 bytes): shown once, never again'),
  }),
);
export type AdminWebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export const webhookAttemptSchema = component(
  'WebhookAttempt',
  z.object({
    attempt: z.int().describe('1 for the first try'),
    at: instant('When the try ended'),
    status: z.int().nullable().describe('The HTTP status answered; null when none came (refused, timed out)'),
    error: z.string().nullable().describe('Why the try failed; null for a 2xx'),
    duration_ms: z.int(),
  }),
);
export type WebhookAttemptRow = z.infer<typeof webhookAttemptSchema>;

export const webhookDeliverySchema = component(
  'WebhookDelivery',
  z.object({
    id: z.string(),
    action_id: z.string().describe('x-pulse-action-id: the same on every try'),
    type: z.string().describe(`The action type, or ${WEBHOOK_TEST_TYPE} for a test`),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.int().describe('Tries made (or started)'),
    next_attempt_at: instant('When the next try is due (pending only)').nullable(),
    last_status: z.int().nullable(),
    last_error: z.string().nullable(),
    delivered_at: instant().nullable(),
    created_at: instant(),
    attempt_log: z.array(webhookAttemptSchema).describe('Every try, first to last'),
  }),
);
export type WebhookDeliveryRow = z.infer<typeof webhookDeliverySchema>;
