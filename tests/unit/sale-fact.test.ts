import { describe, expect, it } from 'vitest';
import { factOf, factsOf, type SaleFact, SEGMENT_DIMENSIONS, SLOT_DIMENSION_POSITIONS } from '@/lib/domain/sale-fact';
import { decodeSaleEvent, type SaleEvent } from '@/lib/domain/sales-event';
import {
  ALL_CATEGORIES,
  CATEGORY_SET_PREFIX,
  type CategorySet,
  CUSTOMER_SEGMENTS,
  categorySetId,
} from '@/lib/domain/sales-rollup';
import { bytes, type SaleJson, sale } from '@/tests/support/events';

function event(overrides: Partial<SaleJson>): SaleEvent {
  const result = decodeSaleEvent(bytes(sale(overrides)), 'USD');
  if (!result.ok) throw new Error(result.detail);
  return result.event;
}

const shirt = {
  sku: 'S1',
  name: 'Shirt',
  category: 'Apparel',
  quantity: 2,
  unit_price_cents: 1000,
  discount_cents: 100,
};
const mug = { sku: 'S2', name: 'Mug', category: 'Home', quantity: 1, unit_price_cents: 500 };
const anotherShirt = { sku: 'S1', name: 'Shirt', category: 'Apparel', quantity: 1, unit_price_cents: 1000 };

/** A multi-category sale: S1 on two lines (1900 + 1000 cents, 3 units), S2 500 cents. */
const mixed = event({ event_id: 'a', lines: [shirt, mug, anotherShirt] });

/** A fact's parts as category → [revenue, units]. */
const partsOf = (fact: SaleFact) =>
  Object.fromEntries(fact.parts.map((p, i) => [p, [fact.partRevenue[i], fact.partUnits[i]]]));
/** A fact's SKU entries as `sku/category` → [revenue, units]. */
const skusOf = (fact: SaleFact) =>
  Object.fromEntries(
    fact.skus.map((s, i) => [`${s}/${fact.skuCategories[i]}`, [fact.skuRevenue[i], fact.skuUnits[i]]]),
  );

describe('factOf', () => {
  it('carries the event identity, time and place', () => {
    const fact = factOf(mixed, new Map());
    expect(fact).toMatchObject({
      eventId: 'a',
      refund: false,
      occurredAt: Date.parse('2026-03-01T10:15:30Z'),
      storeId: 'NYC-01',
      region: 'us-east',
      channel: 'web',
    });
  });

  it('splits a multi-category sale into the whole order, each category and its category set (orders only)', () => {
    const sets = new Map<string, CategorySet>();
    const fact = factOf(mixed, sets);
    const set = categorySetId(['Home', 'Apparel']);
    expect(set.id.startsWith(CATEGORY_SET_PREFIX)).toBe(true);
    expect(fact.parts).toEqual([ALL_CATEGORIES, 'Apparel', 'Home', set.id]);
    expect(partsOf(fact)).toEqual({
      [ALL_CATEGORIES]: [3400, 4],
      Apparel: [2900, 3],
      Home: [500, 1],
      [set.id]: [0, 0],
    });
    expect([...sets.values()]).toEqual([{ id: set.id, categories: ['Apparel', 'Home'] }]);
  });

  it('gives a single-category sale no category set', () => {
    const sets = new Map<string, CategorySet>();
    const fact = factOf(event({ lines: [shirt, anotherShirt] }), sets);
    expect(partsOf(fact)).toEqual({ [ALL_CATEGORIES]: [2900, 3], Apparel: [2900, 3] });
    expect(sets.size).toBe(0);
  });

  it('makes a refund negative, with no category set even across categories (a refund is no order)', () => {
    const sets = new Map<string, CategorySet>();
    const fact = factOf(event({ event_id: 'r', type: 'refund', lines: [shirt, mug] }), sets);
    expect(fact.refund).toBe(true);
    expect(partsOf(fact)).toEqual({ [ALL_CATEGORIES]: [-2400, -3], Apparel: [-1900, -2], Home: [-500, -1] });
    expect(skusOf(fact)).toEqual({ 'S1/Apparel': [-1900, -2], 'S2/Home': [-500, -1] });
    expect(sets.size).toBe(0);
  });

  it('sums the lines of one SKU and category into one entry, and keeps one SKU under two categories apart', () => {
    const relabelled = { ...anotherShirt, category: 'Sale' };
    const fact = factOf(event({ lines: [shirt, mug, anotherShirt, relabelled] }), new Map());
    expect(fact.skus).toHaveLength(3);
    expect(skusOf(fact)).toEqual({
      'S1/Apparel': [2900, 3],
      'S2/Home': [500, 1],
      'S1/Sale': [1000, 1],
    });
    // The parts still add up to the whole order.
    const parts = partsOf(fact);
    expect(parts[ALL_CATEGORIES]).toEqual([4400, 5]);
    expect(fact.skuRevenue.reduce((a, b) => a + b, 0)).toBe(4400);
  });

  it('puts the customer in one CUSTOMER_SEGMENTS slot per dimension, in SEGMENT_DIMENSIONS order', () => {
    const customer = { id: null, age: 70, gender: 'nonbinary', loyalty_tier: 'platinum', first_order: true };
    const fact = factOf(event({ customer }), new Map());
    expect(fact.slots.map((s) => CUSTOMER_SEGMENTS[s])).toEqual([
      { dimension: 'age_band', key: '65+' },
      { dimension: 'gender', key: 'nonbinary' },
      { dimension: 'loyalty_tier', key: 'platinum' },
      { dimension: 'customer_type', key: 'new' },
    ]);
    const unknown = factOf(event({ customer: { ...customer, age: null, first_order: false } }), new Map());
    expect(unknown.slots.map((s) => CUSTOMER_SEGMENTS[s]?.key)).toEqual([
      'unknown',
      'nonbinary',
      'platinum',
      'returning',
    ]);
  });

  it('numbers every slot with the 1-based position of its dimension in the fact (SLOT_DIMENSION_POSITIONS)', () => {
    expect(SLOT_DIMENSION_POSITIONS).toHaveLength(CUSTOMER_SEGMENTS.length);
    CUSTOMER_SEGMENTS.forEach((segment, slot) => {
      expect(SEGMENT_DIMENSIONS[(SLOT_DIMENSION_POSITIONS[slot] as number) - 1]).toBe(segment.dimension);
    });
    const fact = factOf(mixed, new Map());
    fact.slots.forEach((slot, i) => {
      expect(SLOT_DIMENSION_POSITIONS[slot]).toBe(i + 1);
    });
  });
});

describe('factsOf', () => {
  it('is empty for no events', () => {
    expect(factsOf([])).toEqual({ facts: [], categorySets: [], catalog: [], stores: [], buckets: null });
  });

  it('makes one fact per event, in order, with the batch category sets, latest catalog and stores, and minute range', () => {
    const second = event({
      event_id: 'b',
      occurred_at: '2026-03-01T09:59:59.999Z',
      store_id: 'BOS-01',
      lines: [{ ...mug, name: 'Big mug' }, shirt],
    });
    const moved = event({
      event_id: 'c',
      occurred_at: '2026-03-02T00:00:00Z',
      region: 'us-north',
      lines: [{ sku: 'S3', name: 'Lamp', category: 'Home', quantity: 1, unit_price_cents: 4000 }],
    });
    const batch = factsOf([mixed, second, moved]);
    expect(batch.facts.map((f) => f.eventId)).toEqual(['a', 'b', 'c']);
    expect(batch.facts[1]).toEqual(factOf(second, new Map()));
    // Both sales have the categories {Apparel, Home}: one set.
    expect(batch.categorySets).toEqual([categorySetId(['Apparel', 'Home'])]);
    expect(batch.catalog).toEqual([
      { sku: 'S1', name: 'Shirt', category: 'Apparel' },
      { sku: 'S2', name: 'Big mug', category: 'Home' },
      { sku: 'S3', name: 'Lamp', category: 'Home' },
    ]);
    expect(batch.stores).toEqual([
      { storeId: 'NYC-01', region: 'us-north' },
      { storeId: 'BOS-01', region: 'us-east' },
    ]);
    expect(batch.buckets).toEqual({
      min: Date.parse('2026-03-01T09:59:00Z'),
      max: Date.parse('2026-03-02T00:00:00Z'),
    });
  });
});
