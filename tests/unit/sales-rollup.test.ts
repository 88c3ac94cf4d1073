import { describe, expect, it } from 'vitest';
import { AGE_BANDS, CUSTOMER_TYPES, GENDERS, LOYALTY_TIERS } from '@/lib/contract/overview';
import { decodeSaleEvent, type SaleEvent } from '@/lib/domain/sales-event';
import { ALL, ALL_CATEGORIES, CATEGORY_SET_PREFIX, CUSTOMER_SEGMENTS, categorySetId } from '@/lib/domain/sales-rollup';
import { bytes, type SaleJson, sale } from '@/tests/support/events';
import { rollUp, rollUpProductDemographics, type SalesDelta } from '@/tests/support/rollup-model';

function event(overrides: Partial<SaleJson>): SaleEvent {
  const result = decodeSaleEvent(bytes(sale(overrides)), 'USD');
  if (!result.ok) throw new Error(result.detail);
  return result.event;
}

const T = Date.parse('2026-03-01T10:15:00Z');

/** Index of a customer segment in the slot arrays. */
const slot = (dimension: string, key: string) =>
  CUSTOMER_SEGMENTS.findIndex((s) => s.dimension === dimension && s.key === key);
/** The non-zero slots of a slot array, by `dimension:key`. */
const bySlot = (values: number[]) =>
  Object.fromEntries(
    values.flatMap((v, i) => (v === 0 ? [] : [[`${CUSTOMER_SEGMENTS[i]?.dimension}:${CUSTOMER_SEGMENTS[i]?.key}`, v]])),
  );
/** A slot array's total: each event fills one slot of each of the four dimensions. */
const slotTotal = (values: number | number[]) =>
  Array.isArray(values)
    ? values.reduce((n, v, i) => n + (CUSTOMER_SEGMENTS[i]?.dimension === 'customer_type' ? v : 0), 0)
    : values;
const mixed = event({
  event_id: 'a',
  lines: [
    { sku: 'S1', name: 'Shirt', category: 'Apparel', quantity: 2, unit_price_cents: 1000, discount_cents: 100 },
    { sku: 'S2', name: 'Mug', category: 'Home', quantity: 1, unit_price_cents: 500 },
    { sku: 'S1', name: 'Shirt', category: 'Apparel', quantity: 1, unit_price_cents: 1000 },
  ],
});
const later = event({
  event_id: 'b',
  occurred_at: '2026-03-01T10:17:05Z',
  customer: { id: null, age: null, gender: 'male', loyalty_tier: 'none', first_order: true },
});

describe('rollUp', () => {
  it('writes whole-order rows under "*" and per-category rows with orders counted once per category', () => {
    const sales = rollUp([mixed]).sales.filter((r) => r.grain === 'm');
    const byCategory = Object.fromEntries(sales.map((r) => [r.category, r]));
    expect(byCategory[ALL_CATEGORIES]).toMatchObject({ bucket: T, revenueCents: 3400, orders: 1, units: 4 });
    expect(byCategory.Apparel).toMatchObject({ revenueCents: 2900, orders: 1, units: 3 });
    expect(byCategory.Home).toMatchObject({ revenueCents: 500, orders: 1, units: 1 });
  });

  it('subtracts a refund in its own minute: net revenue and units, refunds kept apart, no order', () => {
    const refund = event({
      event_id: 'r',
      type: 'refund',
      occurred_at: '2026-03-02T08:00:10Z',
      lines: [
        { sku: 'S1', name: 'Shirt', category: 'Apparel', quantity: 1, unit_price_cents: 1000, discount_cents: 50 },
      ],
    });
    const { sales, products, demographics } = rollUp([mixed, refund]);
    const day = (grain: string, bucket: number) => (r: { grain: string; bucket: number }) =>
      r.grain === grain && r.bucket === bucket;
    const refundMinute = Date.parse('2026-03-02T08:00:00Z');
    const saleRows = sales.filter(day('m', T));
    const refundRows = sales.filter(day('m', refundMinute));
    expect(saleRows.find((r) => r.category === ALL_CATEGORIES)).toMatchObject({ revenueCents: 3400, refundCents: 0 });
    expect(refundRows).toHaveLength(2); // "*" and Apparel
    for (const row of refundRows) {
      expect(row).toMatchObject({ revenueCents: -950, units: -1, orders: 0, refundCents: 950, refundUnits: 1 });
    }
    // Different days: the refund's day cell is its own, the sale's keeps the gross figures.
    const refundDay = sales.find((r) => r.grain === 'd' && r.category === ALL_CATEGORIES && r.bucket > T);
    expect(refundDay).toMatchObject({ revenueCents: -950, orders: 0, refundCents: 950 });
    const s1 = products.filter((p) => p.sku === 'S1' && p.grain === 'm');
    expect(s1.find((p) => p.bucket === refundMinute)).toMatchObject({
      revenueCents: -950,
      units: -1,
      orders: 0,
      refundCents: 950,
      refundUnits: 1,
    });
    const who = demographics.find((r) => r.grain === 'm' && r.bucket === refundMinute && r.category === ALL_CATEGORIES);
    expect(bySlot(who?.revenueCents ?? [])).toMatchObject({ 'age_band:25-34': -950, 'customer_type:returning': -950 });
    expect(bySlot(who?.orders ?? [])).toEqual({});
  });

  it('sums refunds into hour cells with the sales of the same hour', () => {
    const refund = event({ event_id: 'r2', type: 'refund', occurred_at: '2026-03-01T10:40:00Z' });
    const hour = rollUp([mixed, refund]).sales.find((r) => r.grain === 'h' && r.category === ALL_CATEGORIES);
    expect(hour).toMatchObject({
      revenueCents: 3400 - 2000,
      orders: 1,
      units: 4 - 2,
      refundCents: 2000,
      refundUnits: 2,
    });
  });

  it('counts a SKU on two lines of one order as one order for that SKU', () => {
    const s1 = rollUp([mixed]).products.find((p) => p.sku === 'S1' && p.grain === 'm');
    expect(s1).toMatchObject({ revenueCents: 2900, units: 3, orders: 1, category: 'Apparel' });
  });

  it('buckets by event-time minute and merges equal keys', () => {
    const twin = event({ event_id: 'c', occurred_at: '2026-03-01T10:15:59Z' });
    const { sales, buckets } = rollUp([event({ event_id: 'x' }), twin, later]);
    const all = sales.filter((r) => r.category === ALL_CATEGORIES && r.grain === 'm');
    expect(all).toHaveLength(2);
    expect(all.find((r) => r.bucket === T)).toMatchObject({ orders: 2, revenueCents: 4000, units: 4 });
    expect(buckets).toEqual({ min: T, max: Date.parse('2026-03-01T10:17:00Z') });
  });

  it('puts each order under its age band, gender, loyalty tier and new/returning slots', () => {
    const { demographics } = rollUp([mixed, later]);
    const all = demographics.filter((r) => r.category === ALL_CATEGORIES && r.grain === 'm' && r.storeId !== ALL);
    const first = all.find((r) => r.bucket === T);
    // mixed: 31-year-old returning gold female.
    expect(bySlot(first?.revenueCents ?? [])).toEqual({
      'age_band:25-34': 3400,
      'gender:female': 3400,
      'loyalty_tier:gold': 3400,
      'customer_type:returning': 3400,
    });
    const second = all.find((r) => r.bucket === Date.parse('2026-03-01T10:17:00Z'));
    expect(bySlot(second?.orders ?? [])).toEqual({
      'age_band:unknown': 1,
      'gender:male': 1,
      'loyalty_tier:none': 1,
      'customer_type:new': 1,
    });
    const apparel = demographics.filter((r) => r.category === 'Apparel' && r.grain === 'm');
    expect(apparel.filter((r) => r.storeId !== ALL)).toHaveLength(1);
  });

  it('adds region-level rows, and all-regions product rows, that sum to the store-level rows', () => {
    const other = event({ event_id: 'o', store_id: 'BOS-01', channel: 'app' });
    const west = event({ event_id: 'w', store_id: 'SEA-01', region: 'us-west' });
    const { products, demographics } = rollUp([mixed, later, other, west, event({ event_id: 'o2' })]);
    type Row = { storeId: string; region: string; revenueCents: number | number[]; orders: number | number[] };
    const levelOf = (r: Row) => (r.storeId !== ALL ? 'store' : r.region !== ALL ? 'region' : 'all');
    const sum = (rows: Row[], level: 'store' | 'region' | 'all') =>
      rows
        .filter((r) => levelOf(r) === level)
        .reduce(
          (a, r) => ({ revenue: a.revenue + slotTotal(r.revenueCents), orders: a.orders + slotTotal(r.orders) }),
          {
            revenue: 0,
            orders: 0,
          },
        );
    for (const rows of [products, demographics] as Row[][]) {
      expect(sum(rows, 'region')).toEqual(sum(rows, 'store'));
    }
    expect(sum(products, 'all')).toEqual(sum(products, 'store'));
    expect(demographics.filter((r) => levelOf(r) === 'all')).toEqual([]); // the customers tile shows regions
    const sku1 = products.filter((p) => p.storeId === ALL && p.grain === 'm' && p.sku === 'SKU-1' && p.bucket === T);
    // NYC-01/web and BOS-01/app in one region: one row, both orders; with SEA-01 three orders in all.
    expect(sku1).toEqual([
      expect.objectContaining({ region: 'us-east', channel: ALL, orders: 2, units: 4 }),
      expect.objectContaining({ region: ALL, channel: ALL, orders: 3, units: 6 }),
      expect.objectContaining({ region: 'us-west', channel: ALL, orders: 1, units: 2 }),
    ]);
  });

  it('keeps the latest name per SKU and region per store', () => {
    const renamed = event({
      event_id: 'd',
      region: 'us-central',
      lines: [{ sku: 'S2', name: 'Big Mug', category: 'Home', quantity: 1, unit_price_cents: 500 }],
    });
    const { catalog, stores } = rollUp([mixed, renamed]);
    expect(catalog.find((p) => p.sku === 'S2')?.name).toBe('Big Mug');
    expect(stores).toEqual([{ storeId: 'NYC-01', region: 'us-central' }]);
  });

  it('adds hour and day cells that sum the minute rows exactly', () => {
    const nextDay = event({ event_id: 'n', occurred_at: '2026-03-02T00:00:10Z' });
    const { sales, products, demographics } = rollUp([mixed, later, nextDay]);
    for (const rows of [sales, products, demographics]) {
      const sum = (grain: string) => {
        const cells = rows.filter((r) => r.grain === grain);
        return [
          cells.reduce((n, r) => n + slotTotal(r.revenueCents), 0),
          cells.reduce((n, r) => n + slotTotal(r.orders), 0),
        ];
      };
      expect(sum('h')).toEqual(sum('m'));
      expect(sum('d')).toEqual(sum('m'));
    }
    const hours = sales.filter((r) => r.grain === 'h' && r.category === ALL_CATEGORIES);
    expect(hours.map((r) => new Date(r.bucket).toISOString()).sort()).toEqual([
      '2026-03-01T10:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ]);
    expect(hours.find((r) => r.bucket === Date.parse('2026-03-01T10:00:00Z'))).toMatchObject({
      orders: 2,
      revenueCents: 3400 + 2000,
    });
    const days = sales.filter((r) => r.grain === 'd' && r.category === ALL_CATEGORIES);
    expect(days.map((r) => r.orders)).toEqual([2, 1]);
  });

  it('returns no rows for an empty batch', () => {
    expect(rollUp([])).toEqual({
      sales: [],
      products: [],
      demographics: [],
      productDemographics: [],
      categorySets: [],
      catalog: [],
      stores: [],
      buckets: null,
    });
  });
});

describe('rollUpProductDemographics', () => {
  it('has one slot for every value of every dimension, each once', () => {
    const expected = [
      ...AGE_BANDS.map((k) => `age_band:${k}`),
      ...GENDERS.map((k) => `gender:${k}`),
      ...LOYALTY_TIERS.map((k) => `loyalty_tier:${k}`),
      ...CUSTOMER_TYPES.map((k) => `customer_type:${k}`),
    ];
    const layout = CUSTOMER_SEGMENTS.map((s) => `${s.dimension}:${s.key}`);
    expect(new Set(layout).size).toBe(layout.length);
    expect([...layout].sort()).toEqual([...expected].sort());
  });

  it("puts a product's revenue and orders under the buyer's segment in each dimension", () => {
    const rows = rollUpProductDemographics([mixed, later]).filter((r) => r.grain === 'm');
    const shirt = rows.find((r) => r.sku === 'S1');
    // mixed: 31-year-old returning gold female; S1 on two lines = one order.
    expect(bySlot(shirt?.revenueCents ?? [])).toEqual({
      'age_band:25-34': 2900,
      'gender:female': 2900,
      'loyalty_tier:gold': 2900,
      'customer_type:returning': 2900,
    });
    expect(shirt?.orders[slot('gender', 'female')]).toBe(1);
    const mug = rows.find((r) => r.sku === 'SKU-1' && r.bucket === Date.parse('2026-03-01T10:17:00Z'));
    expect(bySlot(mug?.orders ?? [])).toEqual({
      'age_band:unknown': 1,
      'gender:male': 1,
      'loyalty_tier:none': 1,
      'customer_type:new': 1,
    });
  });

  it('keeps the product cell dimensions, and hour and day cells sum the minutes slot by slot', () => {
    const other = event({ event_id: 'o', occurred_at: '2026-03-01T10:40:00Z', channel: 'app' });
    const third = event({ event_id: 't', occurred_at: '2026-03-01T11:05:00Z' });
    const rows = rollUpProductDemographics([mixed, later, other, third]);
    // Product demographics keep store-level cells only (the product page reads store-level rows).
    const products = rollUp([mixed, later, other, third]).products.filter((p) => p.storeId !== ALL);
    for (const grain of ['m', 'h', 'd']) {
      const cells = rows.filter((r) => r.grain === grain);
      const productCells = products.filter((r) => r.grain === grain);
      expect(cells.map((r) => [r.bucket, r.storeId, r.channel, r.sku, r.category].join()).sort()).toEqual(
        productCells.map((r) => [r.bucket, r.storeId, r.channel, r.sku, r.category].join()).sort(),
      );
      for (const cell of cells) {
        const product = productCells.find(
          (p) => p.bucket === cell.bucket && p.channel === cell.channel && p.sku === cell.sku,
        );
        for (const dimension of ['age_band', 'gender', 'loyalty_tier', 'customer_type']) {
          const sum = (values: number[]) =>
            values.reduce((n, v, i) => n + (CUSTOMER_SEGMENTS[i]?.dimension === dimension ? v : 0), 0);
          expect(sum(cell.revenueCents)).toBe(product?.revenueCents);
          expect(sum(cell.orders)).toBe(product?.orders);
        }
      }
    }
    const day = rows.find((r) => r.grain === 'd' && r.sku === 'SKU-1' && r.channel === 'web');
    expect(day?.orders[slot('customer_type', 'returning')]).toBe(1);
    expect(day?.orders[slot('customer_type', 'new')]).toBe(1);
    expect(day?.revenueCents[slot('gender', 'male')]).toBe(2000);
  });
});

describe('category sets (orders of multi-category filters)', () => {
  const line = (category: string, sku = `SKU-${category}`) => ({
    sku,
    name: sku,
    category,
    quantity: 1,
    unit_price_cents: 100,
  });
  const order = (id: string, categories: string[], type: 'sale' | 'refund' = 'sale') =>
    event({ event_id: id, type, lines: categories.map((c) => line(c)) });

  it('gives a sale spanning several categories one set row: orders 1, no revenue or units', () => {
    const { sales, demographics, categorySets } = rollUp([mixed]);
    const set = categorySetId(['Home', 'Apparel']);
    expect(set).toEqual(categorySetId(['Apparel', 'Home'])); // order of lines does not matter
    expect(set.id.startsWith(CATEGORY_SET_PREFIX)).toBe(true);
    expect(set.id).toHaveLength(23);
    expect(categorySets).toEqual([{ id: set.id, categories: ['Apparel', 'Home'] }]);
    for (const grain of ['m', 'h', 'd']) {
      const rows = sales.filter((r) => r.grain === grain && r.category === set.id);
      expect(rows).toEqual([expect.objectContaining({ orders: 1, revenueCents: 0, units: 0, refundCents: 0 })]);
    }
    // Store-level and region-level demographic rows alike.
    const setRows = demographics.filter((r) => r.grain === 'm' && r.category === set.id);
    expect(setRows.map((r) => [r.storeId, r.channel])).toEqual([
      ['NYC-01', 'web'],
      [ALL, ALL],
    ]);
    for (const row of setRows) {
      expect(bySlot(row.revenueCents)).toEqual({});
      expect(bySlot(row.orders)).toEqual({
        'age_band:25-34': 1,
        'gender:female': 1,
        'loyalty_tier:gold': 1,
        'customer_type:returning': 1,
      });
    }
  });

  it('writes no set row for single-category sales or for refunds', () => {
    const { sales, categorySets } = rollUp([
      order('one', ['Home', 'Home']),
      order('refund', ['Home', 'Toys'], 'refund'),
    ]);
    expect(categorySets).toEqual([]);
    expect(sales.some((r) => r.category.startsWith(CATEGORY_SET_PREFIX))).toBe(false);
  });

  it('distinguishes sets whatever characters the categories hold', () => {
    expect(categorySetId(['a,b', 'c']).id).not.toBe(categorySetId(['a', 'b,c']).id);
    expect(categorySetId(['a\u0001b', 'c']).id).not.toBe(categorySetId(['a', 'b\u0001c']).id);
  });

  // The query's formula, evaluated over the rollup rows: orders(S) = Σ_{c∈S} orders_c −
  // Σ_{sets T} orders_T · max(|T∩S| − 1, 0) must equal the orders with a line in S.
  it('corrects per-category order counts to distinct orders for every category filter', () => {
    const baskets = [
      ['Home'],
      ['Home', 'Toys'],
      ['Toys', 'Home'],
      ['Home', 'Toys', 'Garden'],
      ['Garden', 'Books'],
      ['Books'],
      ['Toys', 'Books', 'Garden', 'Home'],
    ];
    const { sales, categorySets } = rollUp([
      ...baskets.map((b, i) => order(`o${i}`, b)),
      order('ret', ['Home', 'Toys'], 'refund'),
    ]);
    const members = new Map(categorySets.map((s) => [s.id, s.categories]));
    const minute = sales.filter((r: SalesDelta) => r.grain === 'm');
    const ordersOf = (selected: string[]) => {
      let n = 0;
      for (const r of minute) {
        if (selected.includes(r.category)) n += r.orders;
        const set = members.get(r.category);
        if (set) n -= r.orders * Math.max(set.filter((c) => selected.includes(c)).length - 1, 0);
      }
      return n;
    };
    const all = ['Home', 'Toys', 'Garden', 'Books'];
    // Every non-empty subset of the four categories.
    for (let mask = 1; mask < 16; mask++) {
      const selected = all.filter((_, i) => mask & (1 << i));
      const expected = baskets.filter((b) => b.some((c) => selected.includes(c))).length;
      expect(ordersOf(selected), selected.join('+')).toBe(expected);
    }
  });
});
