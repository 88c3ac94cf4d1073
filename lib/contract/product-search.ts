// GET /api/v1/products?q=: the header's product search. The query the route parses with and
// the answer it gives, as zod schemas (the OpenAPI document is generated from them).
import { z } from 'zod';
import { component } from './common';
import { MAX_VALUE_LENGTH, storableText } from './view-query';

/** Most products one search answers with: a suggestion list, not a catalogue. */
export const PRODUCT_SEARCH_LIMIT = 10;

export const productSearchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1, { error: 'q must not be empty', abort: true })
    .max(MAX_VALUE_LENGTH, { error: `q must be at most ${MAX_VALUE_LENGTH} characters`, abort: true })
    .pipe(storableText('q'))
    .describe(
      `Part of a SKU or product name, any case. SKUs starting with it come first, then names starting with it, then the rest; at most ${PRODUCT_SEARCH_LIMIT} products, within the caller's categories.`,
    ),
});
export type ProductSearchQuery = z.infer<typeof productSearchQuerySchema>;

export const productSearchSchema = component(
  'ProductSearch',
  z.object({
    products: z.array(
      z.object({ sku: z.string(), name: z.string().describe('Latest name seen'), category: z.string() }),
    ),
  }),
);
export type ProductSearch = z.infer<typeof productSearchSchema>;
export type ProductMatch = ProductSearch['products'][number];
