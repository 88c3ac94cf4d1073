// Bodies and answers of the admin API's users (/api/v1/admin/users*): zod schemas the handlers
// parse with (lib/web/auth/admin-users.ts), the types below are inferred from and the OpenAPI
// document (lib/web/openapi-admin.ts) is generated from. Each message is the 400 a field gives.
import { z } from 'zod';
import { canonicalRegion } from '@/lib/domain/dimensions';
import { ROLES } from './access';
import { isStorableText, NOT_STORABLE, textValues } from './admin-fields';
import { component, instant } from './common';

/** Passwords of at least this many characters; at most MAX so that hashing a guess stays cheap to refuse. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Why a new password is refused, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

/** Emails compare trimmed and lower-cased (the unique index is on lower(email)). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Values per scope dimension; each one a store id, region or category. */
export const MAX_SCOPE_VALUES = 500;

// Sorted and de-duplicated: the same scope always reads the same.
const scopeValues = textValues(MAX_SCOPE_VALUES).transform((values) => [...new Set(values)].sort());
// Regions as they are counted (lib/domain/dimensions.ts), so a scope matches the data.
const regionValues = textValues(MAX_SCOPE_VALUES).transform((values) =>
  [...new Set(values.map(canonicalRegion))].sort(),
);

export const userScopeSchema = z
  .strictObject(
    {
      stores: scopeValues.optional().describe('Store ids'),
      regions: regionValues.optional().describe('Regions (lower-cased, as sales are counted)'),
      categories: scopeValues.optional().describe('Categories'),
    },
    { error: 'scope must be an object {stores?, regions?, categories?} of string arrays' },
  )
  .describe(`Values each dimension is limited to (empty = all), at most ${MAX_SCOPE_VALUES} each`);

const name = z
  .string({ error: 'name must be a string' })
  .trim()
  .max(100, 'name must be at most 100 characters')
  .refine(isStorableText, `name ${NOT_STORABLE}`);
const role = z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` });
const password = z
  .string({ error: 'password must be a string' })
  .max(MAX_PASSWORD_LENGTH * 4)
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH });

/** POST /api/v1/admin/users. */
export const newUserSchema = z.strictObject(
  {
    email: z
      .string({ error: 'email must be a string' })
      .trim()
      .max(254, 'email must be at most 254 characters')
      .meta({ format: 'email' })
      .pipe(z.email('email must be an email address'))
      .transform(normaliseEmail),
    name: name.default(''),
    role,
    password,
    scope: userScopeSchema.default({}),
  },
  { error: 'the body must be a JSON object {email, name, role, password, scope}' },
);

/** PATCH /api/v1/admin/users/{id}. */
export const userPatchSchema = z
  .strictObject(
    {
      name: name.optional(),
      role: role.optional(),
      scope: userScopeSchema.optional(),
      disabled: z.boolean({ error: 'disabled must be true or false' }).optional(),
      password: password.optional(),
    },
    { error: 'the body must be a JSON object {name?, role?, scope?, disabled?, password?}' },
  )
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'the body changes nothing: give name, role, scope, disabled or password',
  );

export type UserScopeInput = z.output<typeof userScopeSchema>;
export type NewUserInput = z.output<typeof newUserSchema>;
export type UserPatch = z.output<typeof userPatchSchema>;

/** A user as the admin API answers it. */
export const adminUserSchema = component(
  'AdminUser',
  z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    scope: z
      .object({ stores: z.array(z.string()), regions: z.array(z.string()), categories: z.array(z.string()) })
      .describe('Values each dimension is limited to (empty = all)'),
    disabled: z.boolean(),
    created_at: instant(),
    has_password: z.boolean(),
    oidc: z.boolean().describe('Signs in with single sign-on'),
    sessions: z.int().describe('Sessions not yet expired'),
  }),
);
export type AdminUser = z.infer<typeof adminUserSchema>;
