// POST /api/v1/auth/signin — email + password → session cookie. Takes the sign-in page's form
// (redirects back, with ?error= on failure) or JSON (answers JSON: scripts and tests); both
// parsed with the body's contract (lib/contract/sign-in.ts).
import { NextResponse } from 'next/server';
import { signInBodySchema } from '@/lib/contract/sign-in';
import { HttpError, handleApiError } from '@/lib/web/api-errors';
import { safeNext, signIn } from '@/lib/web/auth/sign-in';

export const dynamic = 'force-dynamic';

async function readCredentials(
  request: Request,
): Promise<{ email: string; password: string; next: string; form: boolean }> {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    const body = signInBodySchema.safeParse(await request.json().catch(() => null));
    if (!body.success) throw new HttpError(400, 'invalid_body', 'expected JSON {"email": "…", "password": "…"}');
    return { ...body.data, next: '/', form: false };
  }
  const form = await request.formData().catch(() => null);
  const fields = signInBodySchema.safeParse({ email: form?.get('email'), password: form?.get('password') });
  if (!fields.success) throw new HttpError(400, 'invalid_body', 'expected the fields email and password');
  const next = form?.get('next');
  return { ...fields.data, next: safeNext(typeof next === 'string' ? next : null), form: true };
}

export async function POST(request: Request) {
  let credentials: Awaited<ReturnType<typeof readCredentials>>;
  try {
    credentials = await readCredentials(request);
  } catch (error) {
    return handleApiError(error);
  }
  const { email, password, next, form } = credentials;
  try {
    const { principal, cookie } = await signIn(request, email, password);
    const headers = { 'set-cookie': cookie, 'cache-control': 'no-store' };
    if (form) return new NextResponse(null, { status: 303, headers: { ...headers, location: next } });
    return NextResponse.json({ user: principal }, { headers });
  } catch (error) {
    if (form && error instanceof HttpError) {
      const params = new URLSearchParams({ error: error.code, next, email });
      if (error.headers['retry-after']) params.set('retry', error.headers['retry-after']);
      return new NextResponse(null, {
        status: 303,
        headers: { location: `/signin?${params}`, 'cache-control': 'no-store' },
      });
    }
    return handleApiError(error);
  }
}
