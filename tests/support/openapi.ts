// Validating JSON against the served OpenAPI document with Ajv (JSON Schema 2020-12, the
// dialect of OpenAPI 3.1), so that a test checks the document itself, not the zod schemas it
// was generated from.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
  [key: string]: unknown;
}

/** `/api/v1/products/{sku}` → `~1api~1v1~1products~1{sku}` (RFC 6901). */
const pointerToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Validators of schemas inside `doc`, by where they are: `['components', 'schemas', 'Overview']`
 * or the JSON answer of an operation (`responseAt`). Strict Ajv: a schema it cannot compile throws.
 */
export function documentValidator(doc: OpenApiDocument): (path: string[]) => ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const key of Object.keys(doc)) ajv.addKeyword(key);
  ajv.addSchema({ ...doc, $id: 'openapi' });
  return (path) => ajv.compile({ $ref: `openapi#/${path.map(pointerToken).join('/')}` });
}

/** Where the JSON answer `status` of `method path` is described. */
export function responseAt(path: string, method: string, status: string): string[] {
  return ['paths', path, method, 'responses', status, 'content', 'application/json', 'schema'];
}

/** Where the JSON request body of `method path` is described. */
export function requestBodyAt(path: string, method: string): string[] {
  return ['paths', path, method, 'requestBody', 'content', 'application/json', 'schema'];
}
