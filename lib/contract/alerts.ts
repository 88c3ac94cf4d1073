// GET /api/v1/alerts and the actions on one episode (POST /api/v1/alerts/{id}/acknowledge,
// /snooze, /accept, /dismiss): the query the route parses with, the answer it gives and the
// bodies it takes, as zod schemas (the OpenAPI document is generated from them). Alerts and
// suggestions are the condition episodes of the action layer (lib/contract/actions.ts).
import { z } from 'zod';
import { ALERT_KINDS, EPISODE_KINDS, SEVERITIES, SUGGESTION_KINDS } from './actions';
import { isStorableText, NOT_STORABLE } from './admin-fields';
import { component, instant } from './common';
import { MAX_FILTER_VALUES, MAX_VALUE_LENGTH, storableText } from './view-query';

/**
 * `open`: not cleared and not snoozed (the default: what needs looking at); `snoozed`: not
 * cleared, snoozed until a later time; `cleared`: cleared within the last ALERTS_CLEARED_DAYS
 * days; `all`: the three together.
 */
export const ALERT_STATES = ['open', 'snoozed', 'cleared', 'all'] as const;
export type AlertStateFilter = (typeof ALERT_STATES)[number];
export type EpisodeState = Exclude<AlertStateFilter, 'all'>;
export const ALERTS_CLEARED_DAYS = 7;
export const ALERTS_MAX_LIMIT = 200;
export const ALERTS_DEFAULT_LIMIT = 50;
export const ALERTS_MAX_OFFSET = 100_000;
/** Snooze for 5 minutes up to a week. */
export const SNOOZE_MIN_MINUTES = 5;
export const SNOOZE_MAX_MINUTES = 7 * 24 * 60;
export const MAX_NOTE_LENGTH = 500;

const whole = (param: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: `${param} must be a whole number`, abort: true })
    .transform(Number)
    .pipe(z.number().min(min, `${param} must be at least ${min}`).max(max, `${param} must be at most ${max}`));

const listOf = <T extends z.ZodType>(param: string, item: T) =>
  z.array(item).max(MAX_FILTER_VALUES, {
    error: `${param} may list at most ${MAX_FILTER_VALUES} values`,
    abort: true,
  });

const text = (param: string) =>
  z
    .string()
    .min(1, { error: `${param} must not be empty`, abort: true })
    .max(MAX_VALUE_LENGTH, { error: `${param} must be at most ${MAX_VALUE_LENGTH} characters`, abort: true })
    .pipe(storableText(param));

export const alertsQuerySchema = z.object({
  kind: listOf('kind', z.enum(EPISODE_KINDS, { error: `kind must be one of ${EPISODE_KINDS.join(', ')}` }))
    .optional()
    .describe(
      `Episode kinds; repeat for several. Alerts: ${ALERT_KINDS.join(', ')}; suggestions: ${SUGGESTION_KINDS.join(', ')}. Without it: every kind.`,
    ),
  severity: listOf('severity', z.enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(', ')}` }))
    .optional()
    .describe('Severities; repeat for several. Without it: every severity.'),
  state: z
    .enum(ALERT_STATES, { error: `state must be one of ${ALERT_STATES.join(', ')}` })
    .optional()
    .meta({
      default: 'open',
      description: `\`open\`: not cleared, not snoozed; \`snoozed\`: snoozed until later; \`cleared\`: cleared in the last ${ALERTS_CLEARED_DAYS} days; \`all\`: all three.`,
    }),
  store: listOf('store', text('store'))
    .optional()
    .describe(
      `Store ids; repeat for several, at most ${MAX_FILTER_VALUES}. Without it: every store of the caller's scope. A store outside the scope answers 403.`,
    ),
  sku: listOf('sku', text('sku')).optional().describe('SKUs; repeat for several.'),
  limit: whole('limit', 1, ALERTS_MAX_LIMIT)
    .optional()
    .meta({ default: ALERTS_DEFAULT_LIMIT, description: `Episodes per page, 1–${ALERTS_MAX_LIMIT}.` }),
  offset: whole('offset', 0, ALERTS_MAX_OFFSET)
    .optional()
    .meta({ default: 0, description: 'Episodes to skip (paging).' }),
});

/** The query as parsed: lists sorted and deduplicated, defaults filled in. */
export interface AlertsQuery {
  kinds: (typeof EPISODE_KINDS)[number][];
  severities: (typeof SEVERITIES)[number][];
  state: AlertStateFilter;
  stores: string[];
  skus: string[];
  limit: number;
  offset: number;
}

const actorSchema = z
  .object({ user_id: z.string(), email: z.string().nullable().describe('null once the user is deleted') })
  .describe('Who acted');

export const alertEpisodeSchema = component(
  'AlertEpisode',
  z.object({
    id: z.string(),
    kind: z.enum(EPISODE_KINDS),
    class: z
      .enum(['alert', 'suggestion'])
      .describe('Alerts are acknowledged or snoozed; suggestions accepted or dismissed'),
    rule_id: z.string().nullable().describe('The alert rule that raised it; null for suggestions'),
    rule_name: z.string().nullable(),
    severity: z.enum(SEVERITIES),
    state: z.enum(['open', 'snoozed', 'cleared']),
    subject: z
      .object({
        store_id: z.string().nullable(),
        sku: z.string().nullable(),
        region: z.string().nullable(),
        category: z.string().nullable(),
      })
      .describe('What the episode is about: the fields that apply are set, the others null'),
    opened_at: instant('When the condition began to hold'),
    cleared_at: instant('When it stopped holding; null while open').nullable(),
    reasoning: z.string().nullable().describe('What happened and why, in words (details.reasoning)'),
    details: z
      .record(z.string(), z.unknown())
      .describe(
        'Kind-specific figures (on_hand, reorder_point, days_of_cover, restock_units, observed, expected, z, …)',
      ),
    acknowledged: z.object({ at: instant(), by: actorSchema.nullable() }).nullable(),
    snoozed_until: instant('Hidden from `open` until then').nullable(),
    decision: z
      .object({ value: z.enum(['accepted', 'dismissed']), at: instant(), by: actorSchema.nullable() })
      .nullable()
      .describe('A suggestion’s decision; null while undecided (and for alerts)'),
  }),
);
export type AlertEpisode = z.infer<typeof alertEpisodeSchema>;

export const alertsSchema = component(
  'Alerts',
  z.object({
    episodes: z.array(alertEpisodeSchema).describe('Critical first, then newest first'),
    total: z.int().min(0).describe('Episodes matching the filters (all pages)'),
    limit: z.int(),
    offset: z.int(),
    as_of: instant('When the answer was computed (snoozes are compared with it)'),
  }),
);
export type Alerts = z.infer<typeof alertsSchema>;

/** POST /api/v1/alerts/{id}/snooze: for `minutes`, or until an instant within the same bounds. */
export const snoozeBodySchema = z
  .strictObject(
    {
      minutes: z
        .int({ error: 'minutes must be a whole number' })
        .min(SNOOZE_MIN_MINUTES, `minutes must be at least ${SNOOZE_MIN_MINUTES}`)
        .max(SNOOZE_MAX_MINUTES, `minutes must be at most ${SNOOZE_MAX_MINUTES} (a week)`)
        .optional(),
      until: z.iso
        .datetime({ offset: true, error: 'until must be an ISO 8601 instant (2026-12-09T10:00:00Z)' })
        .optional()
        .describe(`An instant ${SNOOZE_MIN_MINUTES} minutes to a week ahead`),
    },
    { error: 'the body must be a JSON object {minutes} or {until}' },
  )
  .refine((b) => (b.minutes === undefined) !== (b.until === undefined), 'give either minutes or until (one of them)');
export type SnoozeBody = z.output<typeof snoozeBodySchema>;

/** POST /api/v1/alerts/{id}/accept and /dismiss: an optional note, published with the decision. */
export const decisionBodySchema = z.strictObject(
  {
    note: z
      .string({ error: 'note must be a string' })
      .trim()
      .max(MAX_NOTE_LENGTH, `note must be at most ${MAX_NOTE_LENGTH} characters`)
      .refine(isStorableText, `note ${NOT_STORABLE}`)
      .optional(),
  },
  { error: 'the body must be a JSON object {note?}' },
);

/** POST /api/v1/alerts/{id}/acknowledge: no fields (an empty body or {}). */
export const acknowledgeBodySchema = z.strictObject({}, { error: 'the body must be empty or {}' });

/** What every action answers: the episode as it is now, and whether this call changed it. */
export const alertActionSchema = component(
  'AlertAction',
  z.object({
    episode: alertEpisodeSchema,
    changed: z.boolean().describe('false: the episode was already so (nothing was published again)'),
  }),
);
export type AlertAction = z.infer<typeof alertActionSchema>;

export const ALERT_ACTIONS = ['acknowledge', 'snooze', 'accept', 'dismiss'] as const;
export type AlertActionName = (typeof ALERT_ACTIONS)[number];
