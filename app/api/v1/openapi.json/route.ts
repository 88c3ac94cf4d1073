// GET /api/v1/openapi.json — the API's OpenAPI 3.1 description
import { NextResponse } from 'next/server';
import { openApiDocument } from '@/lib/web/openapi';

export function GET() {
  return NextResponse.json(openApiDocument);
}
