// What the Kafka Streams job's totals must come to for a dataset, worked out here from the
// produced messages (independently of the job): metric name → sums, in the job's format
// (bench/peer/src/main/java/dev/pulse/peer/PeerJob.java). Also the figures the two plain
// kafkajs consumers must report.
import type { SaleEventJson } from '@/lib/domain/sales-event';
import type { Dataset } from './dataset';

export interface Sums {
  revenueCents: number;
  orders: number;
  units: number;
  events: number;
}

export type PeerTotals = Record<string, Sums>;

export const SEGMENT_DIMENSIONS = ['age_band', 'gender', 'loyalty_tier', 'customer_type'] as const;

export interface Expected {
  totals: PeerTotals;
  messages: number;
  /** Σ over every message, redeliveries too, of its net revenue (the JSON.parse consumer's sum). */
  deliveredRevenueCents: number;
}

const zero = (): Sums => ({ revenueCents: 0, orders: 0, units: 0, events: 0 });

export function expectedTotals(dataset: Dataset): Expected {
  const totals: PeerTotals = {};
  const add = (metric: string, sums: Sums) => {
    totals[metric] ??= zero();
    const t = totals[metric];
    t.revenueCents += sums.revenueCents;
    t.orders += sums.orders;
    t.units += sums.units;
    t.events += sums.events;
  };
  const seen = new Set<string>();
  let deliveredRevenueCents = 0;
  for (const message of dataset.messages) {
    const event = JSON.parse(message.value.toString('utf8')) as SaleEventJson;
    const sign = event.type === 'refund' ? -1 : 1;
    const orders = event.type === 'refund' ? 0 : 1;
    const lines = event.lines.map((l) => ({
      category: l.category,
      revenueCents: sign * (l.quantity * l.unit_price_cents - (l.discount_cents ?? 0)),
      units: sign * l.quantity,
    }));
    const revenueCents = lines.reduce((s, l) => s + l.revenueCents, 0);
    const units = lines.reduce((s, l) => s + l.units, 0);
    deliveredRevenueCents += revenueCents;
    if (seen.has(event.event_id)) {
      add('input.duplicates', { ...zero(), events: 1 });
      continue;
    }
    seen.add(event.event_id);
    add('input.events', { ...zero(), events: 1 });
    const whole = { revenueCents, orders, units, events: 1 };
    add('sales.all', whole);
    for (const dimension of SEGMENT_DIMENSIONS) add(`segments.${dimension}`, whole);
    for (const category of new Set(lines.map((l) => l.category))) {
      const of = lines.filter((l) => l.category === category);
      add('sales.category', {
        revenueCents: of.reduce((s, l) => s + l.revenueCents, 0),
        orders,
        units: of.reduce((s, l) => s + l.units, 0),
        events: 1,
      });
    }
    for (const line of lines) add('skus', { revenueCents: line.revenueCents, orders, units: line.units, events: 1 });
  }
  return { totals, messages: dataset.messages.length, deliveredRevenueCents };
}

/** Metrics whose sums differ (a metric missing on one side counts as all zeros). */
export function totalsDiffer(expected: PeerTotals, actual: PeerTotals): string[] {
  const metrics = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  const differ: string[] = [];
  for (const metric of [...metrics].sort()) {
    const e = expected[metric] ?? zero();
    const a = actual[metric] ?? zero();
    if (e.revenueCents !== a.revenueCents || e.orders !== a.orders || e.units !== a.units || e.events !== a.events) {
      differ.push(`${metric}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
    }
  }
  return differ;
}
