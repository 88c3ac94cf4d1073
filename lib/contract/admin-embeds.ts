// Bodies and answers of the admin API's embeds and signing keys (/api/v1/admin/embeds*,
// /api/v1/admin/embed-keys*): zod schemas the handlers parse with (lib/web/auth/admin-embeds.ts,
// which adds the rules across fields and the check of `defaults`), the types below are inferred
// from and the OpenAPI document (lib/web/openapi-admin.ts) is generated from.
import { z } from 'zod';
import { EMBED_VIEWS, LOCKABLE_DIMENSIONS, toLock } from './access';
import { isStorableText, NOT_STORABLE, textValues } from './admin-fields';
import { component, instant } from './common';
import { QUERY_KEYS } from './view-query';

const MAX_LOCK_VALUES = 50;

const lockValues = textValues(MAX_LOCK_VALUES);

export const lockSchema = z
  .strictObject(
    Object.fromEntries(LOCKABLE_DIMENSIONS.map((d) => [d, lockValues.optional()])) as Record<
      (typeof LOCKABLE_DIMENSIONS)[number],
      z.ZodOptional<typeof lockValues>
    >,
    { error: 'locked must be an object {store?, region?, channel?, category?} of string arrays' },
  )
  .describe('Filters the embed can never leave (empty = all)')
  .transform((value) => toLock(value));

const DEFAULTS = `View parameters it opens with: ${QUERY_KEYS.join(', ')}; inside the lock`;

const defaultsSchema = z
  .record(z.string(), z.unknown(), {
    error: `defaults must be an object of view parameters (${QUERY_KEYS.join(', ')})`,
  })
  .describe(DEFAULTS);

const THEMES = ['light', 'dark'] as const;
const LINKS = ['embed', 'new_tab'] as const;
const ACCENT = /^#[0-9a-fA-F]{6}$/;

const fields = {
  name: z
    .string({ error: 'name must be a string' })
    .trim()
    .min(1, 'name must not be empty')
    .max(100, 'name must be at most 100 characters')
    .refine(isStorableText, `name ${NOT_STORABLE}`),
  view: z.enum(EMBED_VIEWS, { error: `view must be one of ${EMBED_VIEWS.join(', ')}` }),
  target: z
    .string({ error: 'target must be a string (a SKU or store id) or null' })
    .trim()
    .max(128, 'target must be at most 128 characters')
    .refine(isStorableText, `target ${NOT_STORABLE}`)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .describe('SKU (product) or store id (store); null for a dashboard'),
  locked: lockSchema,
  defaults: defaultsSchema,
  theme: z.enum(THEMES, { error: 'theme must be light or dark' }),
  accent: z
    .string({ error: 'accent must be a colour #rrggbb or null' })
    .regex(ACCENT, 'accent must be a colour #rrggbb or null')
    .transform((v) => v.toLowerCase())
    .nullable(),
  links: z.enum(LINKS, { error: 'links must be embed or new_tab' }),
  expires_at: z.iso
    .datetime({ offset: true, error: 'expires_at must be an ISO 8601 timestamp such as 2027-01-31T00:00:00Z, or null' })
    .transform((v) => new Date(v))
    .nullable()
    .describe('After this the embed opens no more'),
};

/** POST /api/v1/admin/embeds. */
export const newEmbedSchema = z.strictObject(
  {
    name: fields.name,
    view: fields.view,
    target: fields.target.optional().default(null),
    locked: fields.locked.optional().default({}),
    defaults: fields.defaults.optional().default({}),
    theme: fields.theme.optional().default('light'),
    accent: fields.accent.optional().default(null),
    links: fields.links.optional().default('embed'),
    expires_at: fields.expires_at.optional().default(null),
  },
  {
    error:
      'the body must be a JSON object {name, view, target?, locked?, defaults?, theme?, accent?, links?, expires_at?}',
  },
);

/** PATCH /api/v1/admin/embeds/{id}: `revoked: true` stops its tokens, `false` restores it. */
export const embedPatchSchema = z
  .strictObject(
    {
      name: fields.name.optional(),
      view: fields.view.optional(),
      target: fields.target.optional(),
      locked: fields.locked.optional(),
      defaults: fields.defaults.optional(),
      theme: fields.theme.optional(),
      accent: fields.accent.optional(),
      links: fields.links.optional(),
      expires_at: fields.expires_at.optional(),
      revoked: z.boolean({ error: 'revoked must be true or false' }).optional(),
    },
    { error: 'the body must be a JSON object of the embed fields to change' },
  )
  .refine((patch) => Object.keys(patch).length > 0, 'the body changes nothing');

export type NewEmbedInput = z.output<typeof newEmbedSchema>;
export type EmbedPatchInput = z.output<typeof embedPatchSchema>;

const strings = (description: string) => z.array(z.string()).optional().describe(description);

/** An embed as the admin API answers it. */
export const adminEmbedSchema = component(
  'AdminEmbed',
  z.object({
    id: z.string(),
    name: z.string(),
    view: z.enum(EMBED_VIEWS),
    target: z.string().nullable().describe('SKU (product) or store id (store); null for a dashboard'),
    locked: z
      .object({
        store: strings('Store ids'),
        region: strings('Regions'),
        channel: strings('Channels'),
        category: strings('Categories'),
      })
      .describe('Filters the embed can never leave (absent = all)'),
    defaults: z.record(z.string(), z.union([z.string(), z.array(z.string()).readonly()])).describe(DEFAULTS),
    theme: z.enum(THEMES),
    accent: z.string().regex(ACCENT).nullable(),
    links: z.enum(LINKS),
    expires_at: instant('After this the embed opens no more').nullable(),
    revoked_at: instant().nullable(),
    created_by: z.string().nullable().describe('Id of the admin who made it'),
    created_at: instant(),
  }),
);
export type AdminEmbed = z.infer<typeof adminEmbedSchema>;

/** A signing key for embed tokens: its id and date, never its secret. */
export const embedKeySchema = component('EmbedKey', z.object({ kid: z.string(), created_at: instant() }));
export type AdminEmbedKey = z.infer<typeof embedKeySchema>;

/** The answer that creates a key: the only one that holds its secret. */
export const newEmbedKeySchema = component(
  'NewEmbedKey',
  embedKeySchema.extend({ secret: z.string().describe('base64url of the key’s 32 bytes: shown once, never again') }),
);
export type NewEmbedKey = z.infer<typeof newEmbedKeySchema>;
