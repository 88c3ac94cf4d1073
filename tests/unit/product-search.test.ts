import { describe, expect, it } from 'vitest';
import { ParamError } from '@/lib/web/overview-params';
import { parseProductSearch } from '@/lib/web/product-search-params';

const parse = (search: string) => parseProductSearch(new URLSearchParams(search));

function refusal(search: string): string {
  try {
    parse(search);
  } catch (err) {
    expect(err).toBeInstanceOf(ParamError);
    expect((err as ParamError).param).toBe('q');
    return (err as ParamError).message;
  }
  throw new Error(`${search} was accepted`);
}

describe('GET /api/v1/products?q=', () => {
  it('takes part of a SKU or name, trimmed', () => {
    expect(parse('q=sku-1')).toBe('sku-1');
    expect(parse('q=%20Hoodie%20')).toBe('Hoodie');
    expect(parse(`q=${'x'.repeat(128)}`)).toHaveLength(128);
  });

  it('refuses a missing, blank, repeated, too long or unstorable q', () => {
    expect(refusal('')).toBe('q must not be empty');
    expect(refusal('q=%20%20')).toBe('q must not be empty');
    expect(refusal('q=a&q=b')).toBe('q may be given only once');
    expect(refusal(`q=${'x'.repeat(129)}`)).toBe('q must be at most 128 characters');
    expect(refusal('q=a%00b')).toBe('q must not contain control characters');
  });
});
