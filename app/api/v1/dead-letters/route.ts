// GET /api/v1/dead-letters?reason=&limit=&before= — newest rejected messages with previews, re-drive state and counts per reason
import { type NextRequest, NextResponse } from 'next/server';
import { handleApiError } from '../../../../lib/api-errors';
import { db } from '../../../../lib/db';
import { parseDeadLetterQuery } from '../../../../lib/dead-letter-params';
import { getDeadLetters } from '../../../../lib/queries/get-dead-letters';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const list = await getDeadLetters(db(), parseDeadLetterQuery(request.nextUrl.searchParams));
    return NextResponse.json(list, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
