// OpenAPI paths of alerts and suggestions (/api/v1/alerts*), merged into lib/web/openapi.ts. The
// query, bodies and answers are generated from lib/contract/alerts.ts, the schemas the handlers
// parse with. Each action is one transaction: the episode's change and its retail.actions.v1
// message (README "Actions contract") commit together.
import type { z } from 'zod';
import {
  acknowledgeBodySchema,
  alertActionSchema,
  alertsQuerySchema,
  alertsSchema,
  decisionBodySchema,
  snoozeBodySchema,
} from '@/lib/contract/alerts';
import { errorResponse as error, json, jsonSchema, ref } from './openapi-parts';

/** Query parameters from the contract's fields (a list is the key repeated: `?kind=a&kind=b`). */
const queryParameters = Object.entries(alertsQuerySchema.shape).map(([name, field]) => {
  const { description, ...schema } = jsonSchema(field as z.ZodType, 'input');
  return {
    name,
    in: 'query',
    ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
    ...(description ? { description } : {}),
    schema,
  };
});

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'Episode id',
};

const done = {
  description: 'The episode as it is now; `changed` false when it already was so (nothing published)',
  content: { 'application/json': { schema: ref(alertActionSchema) } },
};
const invalid = { '400': error('The body is invalid; `error.param` names the field') };
const notFound = { '404': error('No such episode within your scope') };

function action(summary: string, body: z.ZodType, conflict: string) {
  return {
    post: {
      summary,
      parameters: [idParam],
      requestBody: { required: false, content: json(body, 'input') },
      responses: { '200': done, ...invalid, ...notFound, '409': error(conflict) },
    },
  };
}

export const alertPaths = {
  '/api/v1/alerts': {
    get: {
      summary:
        'Alerts (low stock, sales anomalies) and suggestions (restock, markdown, price raise) within the caller’s scope; live over Socket.IO as `alerts:subscribe` (these parameters) → `alerts` events (this body)',
      parameters: queryParameters,
      responses: {
        '200': { description: 'One page of episodes', content: { 'application/json': { schema: ref(alertsSchema) } } },
        '400': error('A parameter is invalid; `error.param` names it'),
      },
    },
  },
  '/api/v1/alerts/{id}/acknowledge': action(
    'Acknowledge an alert (publishes alert.acknowledged once; acknowledging again changes nothing)',
    acknowledgeBodySchema,
    '`not_an_alert` (a suggestion: accept or dismiss it), `episode_cleared`',
  ),
  '/api/v1/alerts/{id}/snooze': action(
    'Snooze an alert: hidden from the open list until then (publishes alert.snoozed)',
    snoozeBodySchema,
    '`not_an_alert`, `episode_cleared`',
  ),
  '/api/v1/alerts/{id}/accept': action(
    'Accept a suggestion (publishes suggestion.accepted with the note)',
    decisionBodySchema,
    '`not_a_suggestion` (an alert), `already_decided`, `episode_cleared`',
  ),
  '/api/v1/alerts/{id}/dismiss': action(
    'Dismiss a suggestion (publishes suggestion.dismissed with the note)',
    decisionBodySchema,
    '`not_a_suggestion` (an alert), `already_decided`, `episode_cleared`',
  ),
} as const;
