// POST /api/v1/dead-letters/redrive {"ids": [...]} — produce dead letters back to the sales topic (needs OPS_TOKEN)
import { NextResponse } from 'next/server';
import { handleApiError } from '../../../../../lib/api-errors';
import { parseRedriveBody } from '../../../../../lib/dead-letter-params';
import { redriveDeadLetters } from '../../../../../lib/dead-letter-redrive';
import { requireOpsToken } from '../../../../../lib/ops-auth';
import { ParamError } from '../../../../../lib/overview-params';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  try {
    requireOpsToken(request);
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
