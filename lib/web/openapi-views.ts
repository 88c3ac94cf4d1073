// OpenAPI paths of a user's saved views (/api/v1/views*), merged into lib/web/openapi.ts. Bodies
// and answers are generated from lib/contract/saved-views.ts, the schemas the handlers parse
// with. A signed-in user's own views only: embed tokens and the ops token have none.

import {
  MAX_SAVED_VIEWS,
  MAX_VIEW_NAME,
  newSavedViewSchema,
  savedViewPatchSchema,
  savedViewSchema,
} from '@/lib/contract/saved-views';
import { errorResponse as error, json, ref } from './openapi-parts';

const answer = (key: string, list = false) => ({
  'application/json': {
    schema: {
      type: 'object',
      required: [key],
      properties: { [key]: list ? { type: 'array', items: ref(savedViewSchema) } : ref(savedViewSchema) },
    },
  },
});
const invalid = {
  '400': error(
    'A field is invalid; `error.param` names it (`name`, or `query.range`, `query.store` … for a view the dashboard would refuse, including filters outside your scope)',
  ),
};
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'Saved view id',
};
const notFound = { '404': error('No such view among yours (another user’s views are not found either)') };
const taken = error('`name_taken`: you have a view of that name (names are compared without case)');

export const viewPaths = {
  '/api/v1/views': {
    get: {
      summary: 'Your saved views, by name',
      responses: { '200': { description: 'Saved views', content: answer('views', true) } },
    },
    post: {
      summary: `Save a view under a name (at most ${MAX_SAVED_VIEWS} views, names of 1–${MAX_VIEW_NAME} characters)`,
      requestBody: { required: true, content: json(newSavedViewSchema, 'input') },
      responses: {
        '201': { description: 'Saved', content: answer('view') },
        ...invalid,
        '409': error(`\`name_taken\` (a view of that name exists) or \`too_many_views\` (${MAX_SAVED_VIEWS} saved)`),
      },
    },
  },
  '/api/v1/views/{id}': {
    patch: {
      summary: 'Rename a saved view, or give it another query',
      parameters: [idParam],
      requestBody: { required: true, content: json(savedViewPatchSchema, 'input') },
      responses: {
        '200': { description: 'Changed', content: answer('view') },
        ...invalid,
        ...notFound,
        '409': taken,
      },
    },
    delete: {
      summary: 'Delete a saved view',
      parameters: [idParam],
      responses: { '204': { description: 'Removed' }, ...notFound },
    },
  },
} as const;
