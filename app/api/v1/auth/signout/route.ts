// POST /api/v1/auth/signout — ends this browser's session (the row goes, the cookie is cleared).
import { NextResponse } from 'next/server';
import { db } from '@/lib/db';
import { readCookie, SESSION_COOKIE } from '@/lib/web/auth/gate';
import { sessionCookie } from '@/lib/web/auth/sign-in';
import { deleteSession } from '@/lib/web/auth/users';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  const token = readCookie(request.headers.get('cookie') ?? undefined, SESSION_COOKIE);
  if (token) await deleteSession(db(), token);
  const headers = { 'set-cookie': sessionCookie(request, null), 'cache-control': 'no-store' };
  if ((request.headers.get('content-type') ?? '').startsWith('application/json')) {
    return NextResponse.json({ signed_out: true }, { headers });
  }
  return new NextResponse(null, { status: 303, headers: { ...headers, location: '/signin' } });
}
