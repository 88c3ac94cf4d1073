// POST /api/v1/dead-letters/redrive {"ids": [...]} — produce dead letters back to the sales topic (admins, or the ops token)
import { NextResponse } from 'next/server';
import { HttpError, handleApiError } from '@/lib/web/api-errors';
import { requestPrincipal } from '@/lib/web/auth/request';
import { parseRedriveBody } from '@/lib/web/dead-letters/params';
import { redriveDeadLetters } from '@/lib/web/dead-letters/redrive';
import { ParamError } from '@/lib/web/overview-params';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  try {
    const principal = requestPrincipal(request);
    // server.ts admitted only these (lib/web/auth/access-rules.ts); checked here again all the same.
    if (principal.kind !== 'ops' && !(principal.kind === 'user' && principal.role === 'admin')) {
      throw new HttpError(403, 'forbidden', 'Only an admin (or the ops token) may re-drive dead letters');
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      throw new ParamError('body', 'the body must be JSON such as {"ids": [1, 2]}');
    }
    const result = await redriveDeadLetters(parseRedriveBody(body));
    return NextResponse.json(result, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
