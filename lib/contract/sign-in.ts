// The body of POST /api/v1/auth/signin (JSON, or the sign-in page's form with the same fields):
// the route parses with it (app/api/v1/auth/signin/route.ts), the OpenAPI document is generated
// from it. Only their presence is checked here: a wrong password is a 401, not a 400.
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './admin-users';

export const signInBodySchema = z.object({
  email: z.string().describe('The user’s email'),
  password: z.string().describe(`${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`),
});
export type SignInBody = z.infer<typeof signInBodySchema>;
