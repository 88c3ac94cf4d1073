// Builders for contract-v1 payloads in tests (plain JSON, as a producer would send them).
export interface SaleJson {
  event_id: string;
  type: string;
  occurred_at: string;
  order_id: string;
  store_id: string;
  channel: string;
  region: string;
  currency: string;
  customer: { id: string | null; age: number | null; gender: string; loyalty_tier: string; first_order: boolean };
  lines: {
    sku: string;
    name: string;
    category: string;
    quantity: number;
    unit_price_cents: number;
    discount_cents?: number;
  }[];
  [extra: string]: unknown;
}

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
