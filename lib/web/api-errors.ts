// One mapper from thrown errors to HTTP responses: 400 with a message naming the parameter
// for bad input, a generic 500 (details only in the log) for everything else.
import { NextResponse } from 'next/server';
import { logger } from '@/lib/logger';
import { HttpError } from './http-error';
import { ParamError } from './overview-params';

export { HttpError };

export interface ApiErrorBody {
  error: { code: string; message: string; param?: string };
}

export function handleApiError(error: unknown): NextResponse<ApiErrorBody> {
  if (error instanceof HttpError) {
    return NextResponse.json(
      { error: { code: error.code, message: error.message } },
      { status: error.status, headers: error.headers },
    );
  }
  if (error instanceof ParamError) {
    return NextResponse.json(
      { error: { code: 'invalid_parameter', param: error.param, message: error.message } },
      { status: 400 },
    );
  }
  logger.error({ err: error }, 'API request failed');
  return NextResponse.json({ error: { code: 'internal_error', message: 'Internal server error' } }, { status: 500 });
}
