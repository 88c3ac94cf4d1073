// Bodies and answers of a user's saved views (/api/v1/views*): zod schemas the handlers parse
// with (lib/web/saved-views.ts adds the check of `query` against the dashboard's own parsing and
// the viewer's scope), the types the filter bar's menu uses and the OpenAPI document's schemas.
import { z } from 'zod';
import { isStorableText, NOT_STORABLE } from './admin-fields';
import { component, instant } from './common';
import { QUERY_KEYS } from './view-query';

/** Most views one user may save: the menu stays a menu, and a runaway client cannot fill the table. */
export const MAX_SAVED_VIEWS = 50;
export const MAX_VIEW_NAME = 80;
/** Longest query string accepted (a view with every filter at its limit is far shorter than this once checked). */
export const MAX_VIEW_QUERY = 8192;

const QUERY = `The view as the dashboard's query string (${QUERY_KEYS.join(', ')}), with or without a leading ?; checked like the dashboard's URL and stored canonical`;

const fields = {
  name: z
    .string({ error: 'name must be a string' })
    .trim()
    .min(1, 'name must not be empty')
    .max(MAX_VIEW_NAME, `name must be at most ${MAX_VIEW_NAME} characters`)
    .refine(isStorableText, `name ${NOT_STORABLE}`),
  query: z
    .string({ error: 'query must be a string (the view’s query string)' })
    .max(MAX_VIEW_QUERY, `query must be at most ${MAX_VIEW_QUERY} characters`)
    .describe(QUERY),
};

/** POST /api/v1/views. */
export const newSavedViewSchema = z.strictObject(fields, {
  error: 'the body must be a JSON object {name, query}',
});

/** PATCH /api/v1/views/{id}: rename, or save the view's current query under its name. */
export const savedViewPatchSchema = z
  .strictObject(
    { name: fields.name.optional(), query: fields.query.optional() },
    { error: 'the body must be a JSON object {name?, query?}' },
  )
  .refine((patch) => Object.keys(patch).length > 0, 'the body changes nothing');

export type NewSavedViewInput = z.output<typeof newSavedViewSchema>;
export type SavedViewPatchInput = z.output<typeof savedViewPatchSchema>;

/** A saved view as the API answers it. */
export const savedViewSchema = component(
  'SavedView',
  z.object({
    id: z.string(),
    name: z.string(),
    query: z.string().describe('Canonical query string of the view, without ? (open it as `/?` + query)'),
    created_at: instant(),
    updated_at: instant(),
  }),
);
export type SavedView = z.infer<typeof savedViewSchema>;
