import { describe, expect, it } from 'vitest';
import { PREVIEW_BYTES, previewPayload } from '@/lib/contract/payload-preview';
import { parsePosition } from '@/lib/queries/dead-letters/get-dead-letters';
import { parseDeadLetterQuery, parseRedriveBody } from '@/lib/web/dead-letters/params';
import { ParamError } from '@/lib/web/overview-params';

const preview = (bytes: Buffer) => previewPayload(bytes.subarray(0, PREVIEW_BYTES), bytes.length);

function paramOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParamError) return err.param;
    throw err;
  }
  return undefined;
}

describe('payload preview', () => {
  it('shows UTF-8 text as it is', () => {
    expect(preview(Buffer.from('{"event_id":"é"}'))).toEqual({
      encoding: 'utf8',
      text: '{"event_id":"é"}',
      truncated: false,
    });
    expect(preview(Buffer.alloc(0))).toEqual({ encoding: 'utf8', text: '', truncated: false });
  });

  it('shows bytes that are not UTF-8, or control characters, as hex', () => {
    expect(preview(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))).toEqual({
      encoding: 'hex',
      text: '7b c3 28 7d',
      truncated: false,
    });
    expect(preview(Buffer.from('a\u0000b')).encoding).toBe('hex');
    expect(preview(Buffer.from('line 1\r\n\tline 2')).encoding).toBe('utf8');
  });

  it('truncates long payloads without cutting a character in half', () => {
    // 1023 ASCII bytes, then a 2-byte character straddling the preview's end.
    const text = `${'a'.repeat(PREVIEW_BYTES - 1)}é and more`;
    const p = preview(Buffer.from(text));
    expect(p).toEqual({ encoding: 'utf8', text: 'a'.repeat(PREVIEW_BYTES - 1), truncated: true });
    const binary = preview(Buffer.alloc(5000, 0xff));
    expect(binary.encoding).toBe('hex');
    expect(binary.truncated).toBe(true);
    expect(binary.text.split(' ')).toHaveLength(PREVIEW_BYTES);
  });
});

describe('dead letter list parameters', () => {
  it('has defaults and reads reason, limit and the cursor', () => {
    expect(parseDeadLetterQuery(new URLSearchParams())).toEqual({ reason: undefined, limit: 50, before: undefined });
    expect(parseDeadLetterQuery(new URLSearchParams('reason=currency_mismatch&limit=200&before=42'))).toEqual({
      reason: 'currency_mismatch',
      limit: 200,
      before: 42n,
    });
  });

  it.each([
    ['reason=Bad Reason', 'reason'],
    ['reason=a&reason=b', 'reason'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1.5', 'limit'],
    ['before=0', 'before'],
    ['before=-3', 'before'],
    ['before=abc', 'before'],
  ])('%s is a 400 naming %s', (qs, param) => {
    expect(paramOf(() => parseDeadLetterQuery(new URLSearchParams(qs)))).toBe(param);
  });
});

describe('re-drive body', () => {
  it('takes distinct ids, as numbers or digit strings', () => {
    expect(parseRedriveBody({ ids: [3, '5', 3] })).toEqual([3n, 5n]);
  });

  it.each([
    [null, 'body'],
    [[1, 2], 'body'],
    [{}, 'ids'],
    [{ ids: [] }, 'ids'],
    [{ ids: 'all' }, 'ids'],
    [{ ids: [1, -2] }, 'ids'],
    [{ ids: [1.5] }, 'ids'],
    [{ ids: Array.from({ length: 101 }, (_, i) => i + 1) }, 'ids'],
  ])('%j is a 400 naming %s', (body, param) => {
    expect(paramOf(() => parseRedriveBody(body))).toBe(param);
  });

  it('says which id is wrong', () => {
    expect(() => parseRedriveBody({ ids: [1, 'x'] })).toThrow(/ids\[1\]/);
  });
});

describe('x-redrive-of', () => {
  it('is read as topic/partition/offset; anything else is no relation', () => {
    expect(parsePosition('retail.sales.v1/2/1234')).toEqual({ topic: 'retail.sales.v1', partition: 2, offset: 1234 });
    expect(parsePosition('retail.sales.v1/two/1234')).toBeNull();
    expect(parsePosition(null)).toBeNull();
  });
});
