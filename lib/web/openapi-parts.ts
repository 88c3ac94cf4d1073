// What lib/web/openapi.ts and lib/web/openapi-admin.ts build the document from: a zod schema of
// the contract as JSON Schema, a reference to a named one, an error answer.
import { z } from 'zod';
import { apiSchemas, errorBodySchema } from '@/lib/contract/common';

export type JsonSchema = Record<string, unknown>;

/** A schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses), without the dialect marker. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as JsonSchema;
  return rest;
}

/** A reference to a named schema of the contract (importing it registers it as a component). */
export function ref(schema: z.ZodType): { $ref: string } {
  const id = apiSchemas.get(schema)?.id;
  if (id === undefined) throw new Error('not a named schema of the contract');
  return { $ref: `#/components/schemas/${id}` };
}

/** A JSON body described by `schema` (a request's, which the route parses with it, or an answer's). */
export const json = (schema: z.ZodType, io: 'input' | 'output') => ({
  'application/json': { schema: jsonSchema(schema, io) },
});

export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref(errorBodySchema) } },
});
