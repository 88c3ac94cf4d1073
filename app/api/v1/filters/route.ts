// GET /api/v1/filters — stores, regions, channels and categories for the filter bar
import { NextResponse } from 'next/server';
import { handleApiError } from '../../../../lib/api-errors';
import { getFilterOptions } from '../../../../lib/queries/get-filter-options';

export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    return NextResponse.json(await getFilterOptions(), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return handleApiError(error);
  }
}
