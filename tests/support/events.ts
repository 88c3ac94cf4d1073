// Builders for contract-v1 payloads in tests (plain JSON, as a producer would send them).
import type { SaleEventJson } from '@/lib/domain/sales-event';
/** A contract-v1 payload; tests also send fields that are not in the contract. */
export type SaleJson = SaleEventJson & { [extra: string]: unknown };

export function sale(overrides: Partial<SaleJson> = {}): SaleJson {
  return {
    event_id: 'evt-1',
    type: 'sale',
    occurred_at: '2026-03-01T10:15:30Z',
    order_id: 'ord-1',
    store_id: 'NYC-01',
    channel: 'web',
    region: 'us-east',
    currency: 'USD',
    customer: { id: 'C1', age: 31, gender: 'female', loyalty_tier: 'gold', first_order: false },
    lines: [{ sku: 'SKU-1', name: 'Mug', category: 'Home', quantity: 2, unit_price_cents: 1250, discount_cents: 500 }],
    ...overrides,
  };
}

export const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
