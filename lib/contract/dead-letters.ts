// Shape of GET /api/v1/dead-letters and POST /api/v1/dead-letters/redrive: zod schemas of the
// list's query string, the re-drive body and both answers, shared by the API (which parses with
// them: lib/web/dead-letters/params.ts), the OpenAPI document and the ops page (components
// import the types).
import { z } from 'zod';
import { component, instant } from './common';
import { type PayloadPreview, PREVIEW_BYTES } from './payload-preview';

export type { PayloadPreview };

export const DEAD_LETTER_PAGE_SIZE = 50;
export const MAX_DEAD_LETTER_PAGE_SIZE = 200;
/** Ids per re-drive request: bounds the time a request holds the producer and its size. */
export const MAX_REDRIVE_IDS = 100;

// Reasons are data (rows keep the reason of the worker version that wrote them), so any
// well-formed reason is a valid filter; an unknown one simply matches nothing.
const REASON = /^[a-z][a-z0-9_]{0,63}$/;
/** A dead letter id as text: a bigint cursor, larger than a JSON number can hold exactly. */
export const DEAD_LETTER_ID = /^[1-9][0-9]{0,17}$/;

const LIMIT_MESSAGE = `limit must be an integer from 1 to ${MAX_DEAD_LETTER_PAGE_SIZE}`;

/**
 * The list's query parameters, once decoded from the query string (each given at most once;
 * empty means absent; `limit` as a number, NaN when it is not 1–4 digits).
 */
export const deadLetterQuerySchema = z.object({
  reason: z
    .string()
    .regex(REASON, 'reason must be a rejection reason such as invalid_json or currency_mismatch')
    .optional()
    .describe('Only this rejection reason (`x-dlq-reason`), e.g. `invalid_json`.'),
  limit: z
    .int({ error: LIMIT_MESSAGE })
    .min(1, LIMIT_MESSAGE)
    .max(MAX_DEAD_LETTER_PAGE_SIZE, LIMIT_MESSAGE)
    .optional()
    .meta({ default: DEAD_LETTER_PAGE_SIZE }),
  before: z
    .string()
    .regex(DEAD_LETTER_ID, 'before must be a dead letter id (the next_before of the previous page)')
    .optional()
    .describe('Cursor: `next_before` of the previous page.'),
});

export const redriveBodySchema = z.object(
  {
    ids: z
      .array(
        z.union([z.int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(DEAD_LETTER_ID)], {
          error: 'each id must be a positive integer',
        }),
        { error: 'ids must be an array of dead letter ids' },
      )
      .min(1, 'ids must name at least one dead letter')
      .max(MAX_REDRIVE_IDS, `ids may name at most ${MAX_REDRIVE_IDS} dead letters per request`)
      .describe('Dead letter ids'),
  },
  { error: 'the body must be a JSON object such as {"ids": [1, 2]}' },
);
export type RedriveBody = z.input<typeof redriveBodySchema>;

/** A message's place in Kafka. */
export const kafkaPositionSchema = component(
  'KafkaPosition',
  z.object({ topic: z.string(), partition: z.int(), offset: z.int() }),
);
export type KafkaPosition = z.infer<typeof kafkaPositionSchema>;

/**
 * What became of the last re-driven copy: the workers have not reached it yet, read it
 * without rejecting it (counted, or dropped as a duplicate of an event already counted),
 * or rejected it again (a new dead letter).
 */
const redriveOutcomeSchema = z
  .enum(['pending', 'accepted', 'dead_lettered'])
  .describe('Last copy: not read yet, read without rejection (counted or a duplicate), or rejected again');
export type RedriveOutcome = z.infer<typeof redriveOutcomeSchema>;

const deadLetterRedriveSchema = z.object({
  count: z.int().describe('Re-drives acknowledged by Kafka'),
  last_at: instant(),
  /** Where the last copy was written. */
  to: kafkaPositionSchema,
  outcome: redriveOutcomeSchema,
  dead_letter: z
    .object({ id: z.int(), reason: z.string() })
    .nullable()
    .describe('The new dead letter when rejected again'),
});
export type DeadLetterRedrive = z.infer<typeof deadLetterRedriveSchema>;

const payloadPreviewSchema = z.object({
  encoding: z.enum(['utf8', 'hex']),
  text: z.string().describe(`The first ${PREVIEW_BYTES} bytes as text, or as hex pairs when they are not UTF-8 text`),
  truncated: z.boolean(),
}) satisfies z.ZodType<PayloadPreview>;

export const deadLetterSchema = component(
  'DeadLetter',
  z.object({
    id: z.int().describe('Cursor order: newer dead letters have larger ids'),
    received_at: instant('When the worker rejected it'),
    reason: z.string().describe('`x-dlq-reason`'),
    detail: z.string().describe('`x-dlq-detail`'),
    /** Where the rejected message was read. */
    source: kafkaPositionSchema,
    key: z.string().nullable(),
    size: z.int().describe('Payload bytes'),
    preview: payloadPreviewSchema,
    redrive: deadLetterRedriveSchema.nullable(),
    redrive_of: z
      .object({ topic: z.string(), partition: z.int(), offset: z.int(), id: z.int().nullable() })
      .nullable()
      .describe('For a re-driven copy rejected again: where it came from (`id` null if that dead letter is gone)'),
  }),
);
export type DeadLetter = z.infer<typeof deadLetterSchema>;

const reasonCountSchema = z.object({ reason: z.string(), count: z.int() });
export type ReasonCount = z.infer<typeof reasonCountSchema>;

export const deadLetterListSchema = component(
  'DeadLetterList',
  z.object({
    /** Newest first. */
    dead_letters: z.array(deadLetterSchema),
    next_before: z.int().nullable().describe('Cursor of the next page; null on the last'),
    reasons: z.array(reasonCountSchema).describe('All dead letters per reason, whatever the filter'),
    total: z.int(),
  }),
);
export type DeadLetterList = z.infer<typeof deadLetterListSchema>;

const redriveStatusSchema = z
  .enum(['redriven', 'not_found', 'failed', 'pending'])
  .describe(
    '`pending`: not acknowledged before the request ended; it is recorded if acknowledged later, and re-driving again is safe',
  );
export type RedriveStatus = z.infer<typeof redriveStatusSchema>;

/**
 * `redriven`: Kafka acknowledged the copy and it is recorded; `pending`: not acknowledged
 * before the request's deadline (it is recorded if it is acknowledged later, and re-driving
 * again is safe); `failed`: Kafka refused it.
 */
export const redriveResultSchema = component(
  'RedriveResult',
  z.object({
    id: z.int(),
    status: redriveStatusSchema,
    to: kafkaPositionSchema.optional(),
    error: z
      .string()
      .optional()
      .describe('Why it failed; with `redriven`, that Kafka has it but it could not be recorded'),
  }),
);
export type RedriveResult = z.infer<typeof redriveResultSchema>;

export const redriveResponseSchema = z.object({
  topic: z.string().describe('Where the copies were written'),
  results: z.array(redriveResultSchema),
});
export type RedriveResponse = z.infer<typeof redriveResponseSchema>;

/** The topics re-driven dead letters go back to. */
export interface RedriveTopics {
  sales: string;
  inventory: string;
}

/**
 * Where a dead letter goes back to: the inventory topic for an inventory event, the sales topic
 * for anything else (a sales event, or one read from a topic since renamed).
 */
export function redriveTopic(source: string, topics: RedriveTopics): string {
  return source === topics.inventory ? topics.inventory : topics.sales;
}
