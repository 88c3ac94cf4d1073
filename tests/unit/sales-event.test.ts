import { describe, expect, it } from 'vitest';
import {
  ageBand,
  averageOrderValueCents,
  BOUNDS,
  customerType,
  decodeSaleEvent,
  lineRevenueCents,
  minuteBucket,
  orderRevenueCents,
  parseTimestamp,
} from '@/lib/domain/sales-event';
import { bytes, sale } from '@/tests/support/events';

const decode = (value: unknown, currency = 'USD') => decodeSaleEvent(bytes(value), currency);

function rejection(value: unknown) {
  const result = decode(value);
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

describe('decodeSaleEvent — accepted events', () => {
  it('decodes a valid sale into the normalised shape', () => {
    const result = decode(sale());
    expect(result).toEqual({
      ok: true,
      event: {
        eventId: 'evt-1',
        type: 'sale',
        occurredAt: Date.parse('2026-03-01T10:15:30Z'),
        orderId: 'ord-1',
        storeId: 'NYC-01',
        channel: 'web',
        region: 'us-east',
        currency: 'USD',
        customer: { id: 'C1', age: 31, gender: 'female', loyaltyTier: 'gold', firstOrder: false },
        lines: [{ sku: 'SKU-1', name: 'Mug', category: 'Home', quantity: 2, unitPriceCents: 1250, discountCents: 500 }],
      },
    });
  });

  it('ignores unknown extra fields (forward compatible)', () => {
    expect(decode({ ...sale(), schema_version: 2, promo: { code: 'X' } }).ok).toBe(true);
  });

  it('counts a region lower-case, whatever case the producer sent; store ids stay exact', () => {
    const result = decode(sale({ region: 'EU-West', store_id: 'Ber-01' }));
    expect(result.ok && [result.event.region, result.event.storeId]).toEqual(['eu-west', 'Ber-01']);
  });

  it('defaults a missing discount to 0', () => {
    const result = decode(
      sale({ lines: [{ sku: 'A', name: 'A', category: 'C', quantity: 1, unit_price_cents: 100 }] }),
    );
    expect(result.ok && result.event.lines[0]?.discountCents).toBe(0);
  });

  it('accepts null customer id and age, and offsets other than Z', () => {
    const result = decode(
      sale({
        occurred_at: '2026-03-01T05:15:30.250-05:00',
        customer: { id: null, age: null, gender: 'undisclosed', loyalty_tier: 'none', first_order: true },
      }),
    );
    expect(result.ok && result.event.occurredAt).toBe(Date.parse('2026-03-01T10:15:30.250Z'));
  });

  it('accepts a discount equal to the line amount and a zero price', () => {
    expect(
      decode(
        sale({
          lines: [{ sku: 'A', name: 'A', category: 'C', quantity: 2, unit_price_cents: 100, discount_cents: 200 }],
        }),
      ).ok,
    ).toBe(true);
    expect(decode(sale({ lines: [{ sku: 'A', name: 'A', category: 'C', quantity: 1, unit_price_cents: 0 }] })).ok).toBe(
      true,
    );
  });
});

describe('decodeSaleEvent — every contract rule rejects with a reason', () => {
  it.each([
    ['empty value', null, 'empty_message'],
    ['zero-length value', Buffer.alloc(0), 'empty_message'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'invalid_utf8'],
    ['bad JSON', Buffer.from('{"event_id": '), 'invalid_json'],
  ])('%s', (_name, value, reason) => {
    const result = decodeSaleEvent(value as Buffer | null, 'USD');
    expect(result).toMatchObject({ ok: false, reason });
  });

  it.each([
    ['a JSON array', [sale()], 'not_an_object'],
    ['a JSON string', 'just text', 'invalid_json'],
    ['JSON null', null, 'not_an_object'],
  ])('rejects %s', (_name, value, reason) => {
    const raw = typeof value === 'string' ? Buffer.from(value) : bytes(JSON.stringify(value));
    expect(decodeSaleEvent(raw, 'USD')).toMatchObject({ ok: false, reason });
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['missing event_id', { event_id: undefined }, 'missing_field', /event_id is required/],
    ['empty event_id', { event_id: '' }, 'invalid_field', /event_id/],
    ['event_id over 128 chars', { event_id: 'x'.repeat(129) }, 'invalid_field', /event_id must be 1–128/],
    ['numeric event_id', { event_id: 42 }, 'invalid_field', /event_id must be a string/],
    ['unknown type', { type: 'return' }, 'unknown_type', /type "return"/],
    ['missing type', { type: undefined }, 'missing_field', /type is required/],
    ['timestamp without offset', { occurred_at: '2026-03-01T10:15:30' }, 'invalid_field', /occurred_at/],
    ['date-only timestamp', { occurred_at: '2026-03-01' }, 'invalid_field', /occurred_at/],
    ['impossible date', { occurred_at: '2026-02-30T10:00:00Z' }, 'invalid_field', /occurred_at/],
    ['epoch number timestamp', { occurred_at: 1767225600000 }, 'invalid_field', /occurred_at must be a string/],
    ['missing order_id', { order_id: undefined }, 'missing_field', /order_id/],
    ['missing store_id', { store_id: undefined }, 'missing_field', /store_id/],
    ['unknown channel', { channel: 'fax' }, 'invalid_field', /channel must be one of web\|app\|store\|marketplace/],
    ['missing region', { region: undefined }, 'missing_field', /region/],
    ['wrong currency', { currency: 'EUR' }, 'currency_mismatch', /EUR is not the reporting currency USD/],
    ['lowercase currency', { currency: 'usd' }, 'invalid_field', /ISO 4217/],
    ['missing customer', { customer: undefined }, 'missing_field', /customer/],
    ['customer not an object', { customer: 'C1' }, 'invalid_field', /customer must be an object/],
    ['no lines', { lines: [] }, 'invalid_field', /lines must be a non-empty array/],
    ['lines not an array', { lines: { sku: 'A' } }, 'invalid_field', /lines must be a non-empty array/],
  ];
  it.each(cases)('%s', (_name, patch, reason, detail) => {
    const result = rejection({ ...sale(), ...patch });
    expect(result.reason).toBe(reason);
    expect(result.detail).toMatch(detail);
  });

  const customerCases: [string, Record<string, unknown>, RegExp][] = [
    ['age as string', { age: '31' }, /customer.age/],
    ['negative age', { age: -1 }, /customer.age/],
    ['fractional age', { age: 30.5 }, /customer.age/],
    ['unknown gender', { gender: 'other' }, /customer.gender/],
    ['unknown loyalty tier', { loyalty_tier: 'diamond' }, /customer.loyalty_tier/],
    ['first_order as string', { first_order: 'yes' }, /customer.first_order/],
    ['empty customer id', { id: '' }, /customer.id/],
  ];
  it.each(customerCases)('customer: %s', (_name, patch, detail) => {
    const base = sale();
    const result = rejection({ ...base, customer: { ...base.customer, ...patch } });
    expect(result.reason).toBe('invalid_field');
    expect(result.detail).toMatch(detail);
  });

  it('customer fields are required (null allowed, absence not)', () => {
    const { id: _id, ...withoutId } = sale().customer;
    expect(rejection({ ...sale(), customer: withoutId })).toMatchObject({
      reason: 'missing_field',
      detail: 'customer.id is required',
    });
  });

  const lineCases: [string, Record<string, unknown>, RegExp][] = [
    ['zero quantity', { quantity: 0 }, /lines\[0\].quantity must be an integer ≥ 1/],
    ['fractional quantity', { quantity: 1.5 }, /quantity/],
    ['negative price', { unit_price_cents: -1 }, /unit_price_cents must be an integer ≥ 0/],
    ['price in dollars', { unit_price_cents: 12.5 }, /unit_price_cents/],
    ['negative discount', { discount_cents: -5 }, /discount_cents must be an integer ≥ 0/],
    ['discount above line amount', { discount_cents: 2501 }, /discount_cents must not exceed/],
    ['empty sku', { sku: '' }, /lines\[0\].sku/],
    ['missing category', { category: undefined }, /lines\[0\].category is required/],
  ];
  it.each(lineCases)('line: %s', (_name, patch, detail) => {
    const base = sale();
    const result = rejection({ ...base, lines: [{ ...base.lines[0], ...patch }] });
    expect(['invalid_field', 'missing_field']).toContain(result.reason);
    expect(result.detail).toMatch(detail);
  });

  it('names the failing line', () => {
    const base = sale();
    const lines = [base.lines[0], { ...base.lines[0], quantity: 0 }];
    expect(rejection({ ...base, lines }).detail).toMatch(/^lines\[1\]\.quantity/);
  });

  // PostgreSQL cannot store these: such an event used to fail its batch on every retry.
  it('rejects text with NUL characters or lone surrogates, accepts any other Unicode', () => {
    const base = sale();
    const withName = (name: string) => decode({ ...base, lines: [{ ...base.lines[0], name }] });
    expect(withName('Caf\u00e9 \u{1F6CD} \u05E9')).toMatchObject({ ok: true });
    for (const name of ['a\u0000b', 'lone \uD800', '\uDFFF first', 'reversed \uDC00\uD800']) {
      expect(withName(name), JSON.stringify(name)).toMatchObject({ ok: false, reason: 'invalid_field' });
    }
    expect(rejection({ ...base, store_id: 'NYC\u0000' }).detail).toMatch(/^store_id must be valid Unicode/);
    expect(rejection({ ...base, customer: { ...base.customer, id: '\uD83D' } }).detail).toMatch(/^customer\.id/);
  });

  // "*" names the rollups' whole-order rows: such a line used to count its order twice.
  it('rejects the reserved category "*"', () => {
    const base = sale();
    const result = rejection({ ...base, lines: [{ ...base.lines[0], category: '*' }] });
    expect(result).toMatchObject({
      reason: 'invalid_field',
      detail: 'lines[0].category "*" is reserved (all categories)',
    });
    expect(decode({ ...base, lines: [{ ...base.lines[0], category: '**' }] }).ok).toBe(true);
  });

  it('reports currency against the configured reporting currency', () => {
    expect(decode(sale({ currency: 'EUR' }), 'EUR').ok).toBe(true);
    expect(decode(sale({ currency: 'USD' }), 'EUR')).toMatchObject({ ok: false, reason: 'currency_mismatch' });
  });

  it('rejects events more than 5 minutes ahead of the worker clock as future_event', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    const at = (iso: string) => decodeSaleEvent(bytes(sale({ occurred_at: iso })), 'USD', now);
    expect(at('2026-03-01T10:05:00Z').ok).toBe(true);
    expect(at('2026-03-01T11:04:59+01:00').ok).toBe(true);
    expect(at('2026-03-01T10:05:00.001Z')).toMatchObject({ ok: false, reason: 'future_event' });
    expect(at('2026-03-01T12:00:00Z')).toMatchObject({ ok: false, reason: 'future_event', detail: /120 min ahead/ });
    // Late events are never rejected, however late.
    expect(at('2025-01-01T00:00:00Z').ok).toBe(true);
  });

  it('accepts refunds with the sale contract', () => {
    const result = decode(sale({ type: 'refund', event_id: 'r-1' }));
    expect(result).toMatchObject({ ok: true, event: { type: 'refund', orderId: 'ord-1' } });
  });
});

describe('decodeSaleEvent — sanity bounds (README "Sanity bounds")', () => {
  const line = { sku: 'A', name: 'A', category: 'C', quantity: 1, unit_price_cents: 100, discount_cents: 0 };
  const withLines = (...lines: Record<string, unknown>[]) =>
    decode(sale({ lines: lines.map((l) => ({ ...line, ...l })) as never }));
  const refundWith = (l: Record<string, unknown>) =>
    decode(sale({ type: 'refund', lines: [{ ...line, ...l }] as never }));

  it('states the bounds the README documents', () => {
    expect(BOUNDS).toEqual({
      quantity: 1_000_000,
      unitPriceCents: 1_000_000_000_000,
      lines: 1000,
      eventAmountCents: 1_000_000_000_000,
    });
    // A worker's transaction (5,000 events) sums event amounts exactly in JavaScript numbers.
    expect(5000 * BOUNDS.eventAmountCents).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(5000 * BOUNDS.lines * BOUNDS.quantity).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });

  const cases: [string, Record<string, unknown>[], RegExp][] = [
    ['quantity', [{ quantity: 1_000_001 }], /^lines\[0\]\.quantity must be at most 1,000,000$/],
    [
      'unit price',
      [{ unit_price_cents: 10 ** 12 + 1 }],
      /^lines\[0\]\.unit_price_cents must be at most 1,000,000,000,000$/,
    ],
    [
      'line amount',
      [{ quantity: 100, unit_price_cents: 10 ** 10 + 1 }],
      /^lines\[0\] quantity × unit_price_cents must be at most 1,000,000,000,000$/,
    ],
    [
      'event amount over two lines',
      [{ unit_price_cents: 5 * 10 ** 11 }, { unit_price_cents: 5 * 10 ** 11 + 1 }],
      /^the event's amount \(Σ quantity × unit_price_cents\) must be at most 1,000,000,000,000$/,
    ],
    ['lines', Array.from({ length: 1001 }, () => ({})), /^lines must hold at most 1,000 lines$/],
  ];
  it.each(cases)('%s beyond the bound is out_of_range', (_name, beyond, detail) => {
    expect(withLines(...beyond)).toMatchObject({ ok: false, reason: 'out_of_range', detail });
  });

  it.each([
    ['quantity', [{ quantity: 1_000_000 }]],
    ['unit price', [{ unit_price_cents: 10 ** 12 }]],
    ['line amount', [{ quantity: 100, unit_price_cents: 10 ** 10 }]],
    ['event amount over two lines', [{ unit_price_cents: 5 * 10 ** 11 }, { unit_price_cents: 5 * 10 ** 11 }]],
    ['lines', Array.from({ length: 1000 }, () => ({}))],
    [
      'discount equal to the largest line amount',
      [{ quantity: 2, unit_price_cents: 5 * 10 ** 11, discount_cents: 10 ** 12 }],
    ],
  ])('%s at the bound is accepted', (_name, lines) => {
    expect(withLines(...lines).ok).toBe(true);
  });

  it('bounds refunds alike', () => {
    expect(refundWith({ quantity: 4, unit_price_cents: 2.5 * 10 ** 11 }).ok).toBe(true);
    expect(refundWith({ quantity: 4, unit_price_cents: 2.5 * 10 ** 11 + 1 })).toMatchObject({
      ok: false,
      reason: 'out_of_range',
    });
    expect(refundWith({ quantity: 1_000_001 })).toMatchObject({ ok: false, reason: 'out_of_range' });
  });

  it("rejects integers JavaScript cannot hold exactly as out_of_range, and the issue's 2^53 − 1 units", () => {
    for (const quantity of [2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308]) {
      expect(withLines({ quantity, unit_price_cents: 1 }), String(quantity)).toMatchObject({
        ok: false,
        reason: 'out_of_range',
        detail: 'lines[0].quantity must be at most 1,000,000',
      });
    }
    expect(withLines({ unit_price_cents: 1e21 })).toMatchObject({ ok: false, reason: 'out_of_range' });
  });

  it('keeps invalid_field for values below a minimum, fractions and non-numbers, and for a discount above its line', () => {
    for (const patch of [{ quantity: 0 }, { quantity: 1.5 }, { quantity: '5' }, { unit_price_cents: -1 }]) {
      expect(withLines(patch), JSON.stringify(patch)).toMatchObject({ ok: false, reason: 'invalid_field' });
    }
    expect(withLines({ quantity: 1, unit_price_cents: 10 ** 12, discount_cents: 10 ** 12 + 1 })).toMatchObject({
      ok: false,
      reason: 'invalid_field',
      detail: /discount_cents must not exceed/,
    });
    expect(withLines({ discount_cents: 1e21 })).toMatchObject({ ok: false, reason: 'invalid_field' });
    // The age's range is a contract rule, not a sanity bound.
    const base = sale();
    expect(decode({ ...base, customer: { ...base.customer, age: 151 } })).toMatchObject({ reason: 'invalid_field' });
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2026-03-01T10:15:30Z', Date.parse('2026-03-01T10:15:30Z')],
    ['2026-03-01t10:15:30z', Date.parse('2026-03-01T10:15:30Z')],
    ['2026-03-01T23:30:00+02:00', Date.parse('2026-03-01T21:30:00Z')],
    ['2024-02-29T00:00:00Z', Date.parse('2024-02-29T00:00:00Z')],
  ])('%s', (text, ms) => expect(parseTimestamp(text)).toBe(ms));

  it.each([
    '2025-02-29T00:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-03-01T10:15:30+25:00',
    '2026-03-01 10:15:30Z',
  ])('rejects %s', (text) => expect(parseTimestamp(text)).toBeNull());
});

describe('revenue maths', () => {
  it('line revenue = quantity × unit price − discount; order revenue sums lines', () => {
    const line = { sku: 'A', name: 'A', category: 'C', quantity: 3, unitPriceCents: 1999, discountCents: 500 };
    expect(lineRevenueCents(line)).toBe(5497);
    expect(orderRevenueCents({ lines: [line, { ...line, quantity: 1, discountCents: 0 }] })).toBe(5497 + 1999);
  });

  it('AOV rounds half up to whole cents and is 0 without orders', () => {
    expect(averageOrderValueCents(1000, 3)).toBe(333);
    expect(averageOrderValueCents(1001, 2)).toBe(501);
    expect(averageOrderValueCents(0, 0)).toBe(0);
  });
});

describe('age bands and customer type', () => {
  it.each([
    [null, 'unknown'],
    [0, '<18'],
    [17, '<18'],
    [18, '18-24'],
    [24, '18-24'],
    [25, '25-34'],
    [34, '25-34'],
    [35, '35-44'],
    [45, '45-54'],
    [55, '55-64'],
    [64, '55-64'],
    [65, '65+'],
    [99, '65+'],
  ])('age %s → %s', (age, band) => expect(ageBand(age)).toBe(band));

  it('first order means a new customer', () => {
    expect(customerType({ firstOrder: true })).toBe('new');
    expect(customerType({ firstOrder: false })).toBe('returning');
  });
});

describe('minute buckets', () => {
  it('floors to the UTC minute of the event time', () => {
    expect(minuteBucket(Date.parse('2026-03-01T10:15:59.999Z'))).toBe(Date.parse('2026-03-01T10:15:00Z'));
    expect(minuteBucket(Date.parse('2026-03-01T10:16:00Z'))).toBe(Date.parse('2026-03-01T10:16:00Z'));
    // An offset timestamp lands in the UTC minute it denotes.
    expect(minuteBucket(parseTimestamp('2026-03-01T12:16:30+02:00') as number)).toBe(
      Date.parse('2026-03-01T10:16:00Z'),
    );
  });
});
