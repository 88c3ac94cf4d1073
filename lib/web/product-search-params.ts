// Parses GET /api/v1/products?q= with the contract's schema; a problem is a ParamError (400).
import { productSearchQuerySchema } from '@/lib/contract/product-search';
import { ParamError } from './overview-params';

/** `q`, given once, trimmed, 1–128 characters of storable text. */
export function parseProductSearch(params: URLSearchParams): string {
  const given = params.getAll('q');
  if (given.length > 1) throw new ParamError('q', 'q may be given only once');
  const result = productSearchQuerySchema.safeParse({ q: given[0] ?? '' });
  if (!result.success) throw new ParamError('q', result.error.issues[0]?.message ?? 'q is invalid');
  return result.data.q;
}
