// GET /api/v1/dead-letters?reason=&limit=&before= — newest rejected messages with previews, re-drive state and counts per reason
import { type NextRequest, NextResponse } from 'next/server';
import { db } from '@/lib/db';
import { getDeadLetters } from '@/lib/queries/dead-letters/get-dead-letters';
import { handleApiError } from '@/lib/web/api-errors';
import { parseDeadLetterQuery } from '@/lib/web/dead-letters/params';

export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest) {
  try {
    const list = await getDeadLetters(db(), parseDeadLetterQuery(request.nextUrl.searchParams));
    return NextResponse.json(list, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
