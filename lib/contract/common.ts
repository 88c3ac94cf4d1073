// What every schema of the API's contract shares: the registry that names the schemas the
// OpenAPI document lists as components (lib/web/openapi.ts), the exact whole number and the
// error body. Pure zod: the browser bundles the contract too.
import { z } from 'zod';

/** Named schemas: each becomes `#/components/schemas/{id}` of the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string }>();

/** A named schema of the OpenAPI document. */
export function component<S extends z.ZodType>(id: string, schema: S): S {
  apiSchemas.add(schema, { id });
  return schema;
}

/**
 * An amount or a number of units (lib/domain/exact-number.ts): a JSON number while it is exact
 * (|n| ≤ 2^53 − 1), its decimal digits as a string beyond — a sum is never rounded.
 */
export function exactNumber(description = '') {
  return z
    .union([
      z.int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
      z.string().regex(/^-?[1-9][0-9]{15,}$/),
    ])
    .describe(`${description}${description ? '. ' : ''}A string of digits beyond ±(2^53 − 1).`.trim());
}

/** An ISO 8601 / RFC 3339 instant as the API writes it. */
export function instant(description = '') {
  const schema = z.string().meta({ format: 'date-time' });
  return description ? schema.describe(description) : schema;
}

export const errorBodySchema = component(
  'Error',
  z.object({
    error: z.object({
      code: z
        .string()
        .describe(
          '`invalid_parameter`, `unauthorized`, `invalid_token`, `token_expired`, `embed_revoked`, `forbidden`, `outside_scope`, `cross_origin`, `too_many_attempts`, `not_found`, `name_taken`, `too_many_views`, `rule_has_open_alerts`, `kafka_unavailable` or `internal_error`',
        ),
      param: z.string().optional().describe('The parameter at fault'),
      message: z.string().describe('What is wrong'),
    }),
  }),
);
export type ErrorBody = z.infer<typeof errorBodySchema>;
