// A seeded dataset for the fault tests, in production order: simulator sales (mostly live,
// some hours or days late, some a little or far in the future), refunds of some of them,
// exact redeliveries (right away or much later) and malformed messages of every kind.
import type { SaleEventJson } from '@/lib/domain/sales-event';
import { createRng, createWorld, type Rng } from '@/workers/simulator/catalog';
import { SaleGenerator } from '@/workers/simulator/generate';

export interface Outgoing {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string>;
}

export interface Dataset {
  seed: number;
  /** Generation time: live sales end here; the future-event rule is judged after it. */
  now: number;
  messages: Outgoing[];
  /** The dead-letter reason each malformed message was built to earn. */
  intended: Map<Outgoing, string>;
  figures: {
    sales: number;
    refunds: number;
    duplicates: number;
    malformed: number;
    late: number;
    nearFuture: number;
    farFuture: number;
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Json = Record<string, unknown>;
const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

/** One fault per message, each with the reason the README gives for it. */
const MALFORMED: { reason: string; make: (sale: Json, rng: Rng) => Buffer | null }[] = [
  { reason: 'invalid_json', make: (s, rng) => cut(bytes(s), rng) },
  { reason: 'invalid_utf8', make: (s) => Buffer.concat([bytes(s).subarray(0, 20), Buffer.from([0xc3, 0x28])]) },
  { reason: 'invalid_utf8', make: (s) => Buffer.from(bytes(s).toString('latin1').replace('e', '\u00e9'), 'latin1') },
  { reason: 'not_an_object', make: (s) => bytes([s]) },
  { reason: 'not_an_object', make: () => bytes('"a sale"') },
  { reason: 'not_an_object', make: () => bytes('null') },
  { reason: 'empty_message', make: () => null },
  { reason: 'empty_message', make: () => Buffer.alloc(0) },
  { reason: 'missing_field', make: (s) => bytes({ ...s, lines: undefined }) },
  { reason: 'missing_field', make: (s) => bytes({ ...s, customer: { ...(s.customer as Json), gender: undefined } }) },
  { reason: 'missing_field', make: (s) => bytes({ ...s, event_id: undefined }) },
  { reason: 'invalid_field', make: (s) => bytes({ ...s, channel: 'telephone' }) },
  { reason: 'invalid_field', make: (s) => bytes(withLine(s, { quantity: 0 })) },
  { reason: 'invalid_field', make: (s) => bytes(withLine(s, { unit_price_cents: '1999' })) },
  { reason: 'invalid_field', make: (s) => bytes(withLine(s, { discount_cents: 10 ** 9 })) },
  { reason: 'invalid_field', make: (s) => bytes({ ...s, occurred_at: String(s.occurred_at).replace('Z', '') }) },
  { reason: 'invalid_field', make: (s) => bytes({ ...s, occurred_at: '2026-02-30T10:00:00Z' }) },
  { reason: 'invalid_field', make: (s) => bytes({ ...s, customer: { ...(s.customer as Json), age: 151 } }) },
  { reason: 'invalid_field', make: (s) => bytes({ ...s, lines: [] }) },
  { reason: 'unknown_type', make: (s) => bytes({ ...s, type: 'return' }) },
  { reason: 'currency_mismatch', make: (s) => bytes({ ...s, currency: 'EUR' }) },
];

function cut(value: Buffer, rng: Rng): Buffer {
  return value.subarray(0, 1 + Math.floor(rng() * (value.length - 2)));
}

function withLine(sale: Json, patch: Json): Json {
  const lines = sale.lines as Json[];
  return { ...sale, lines: [{ ...lines[0], ...patch }, ...lines.slice(1)] };
}

function refundOf(sale: SaleEventJson, rng: Rng, eventId: string, at: number): SaleEventJson {
  let lines = sale.lines.filter(() => rng() < 0.6);
  if (lines.length === 0) lines = sale.lines.slice(0, 1);
  return {
    ...sale,
    event_id: eventId,
    type: 'refund',
    occurred_at: new Date(at).toISOString(),
    lines: lines.map((l) => {
      const quantity = 1 + Math.floor(rng() * l.quantity);
      // The refunded share of the line's discount.
      const discount = Math.floor(((l.discount_cents ?? 0) * quantity) / l.quantity);
      return { ...l, quantity, discount_cents: discount };
    }),
  };
}

export function buildDataset(options: { seed: number; sales: number; now?: number }): Dataset {
  const { seed, sales } = options;
  const now = Math.floor((options.now ?? Date.now()) / MINUTE) * MINUTE;
  const rng = createRng(seed);
  const generator = new SaleGenerator(createWorld(), seed);
  const figures = { sales, refunds: 0, duplicates: 0, malformed: 0, late: 0, nearFuture: 0, farFuture: 0 };
  const intended = new Map<Outgoing, string>();
  // slots[i]: messages sent at the position of sale i (the sale first, then anything scheduled there).
  const slots: Outgoing[][] = Array.from({ length: sales }, () => []);
  const later = (i: number, span: number) => Math.min(sales - 1, i + 1 + Math.floor(rng() * span));

  const sendValid = (i: number, event: SaleEventJson) => {
    const message: Outgoing = { key: event.order_id, value: bytes(event) };
    (slots[i] as Outgoing[]).push(message);
    if (rng() < 0.015) {
      // A producer retry (right away) or a redelivery much later, across batches and crashes.
      const copy: Outgoing = { key: message.key, value: Buffer.from(message.value as Buffer) };
      (slots[rng() < 0.5 ? i : later(i, 20_000)] as Outgoing[]).push(copy);
      figures.duplicates += 1;
    }
  };

  for (let i = 0; i < sales; i++) {
    const r = rng();
    let at: number;
    if (r < 0.06) {
      at = now - HOUR - Math.floor(rng() * 6 * DAY);
      figures.late += 1;
    } else if (r < 0.063) {
      at = now + Math.floor(rng() * 2 * MINUTE); // within the tolerated clock skew
      figures.nearFuture += 1;
    } else if (r < 0.066) {
      at = now + HOUR + Math.floor(rng() * 2 * DAY);
      figures.farFuture += 1;
    } else {
      at = now - HOUR + Math.floor((i * HOUR) / sales);
    }
    const sale = generator.next(at);
    sale.event_id = `s${seed}-${i}`;
    sendValid(i, sale);

    if (at <= now && rng() < 0.04) {
      const refundAt = Math.min(now, at + MINUTE + Math.floor(rng() * 2 * DAY));
      sendValid(later(i, 5000), refundOf(sale, rng, `r${seed}-${i}`, refundAt));
      figures.refunds += 1;
    }
    if (rng() < 0.006) {
      const kind = MALFORMED[figures.malformed % MALFORMED.length] as (typeof MALFORMED)[number];
      // Never in the far future: the message must earn only the reason it is built for.
      const template = { ...generator.next(Math.min(at, now)), event_id: `m${seed}-${i}` } as unknown as Json;
      const message: Outgoing = {
        key: rng() < 0.2 ? null : `bad-${i}`,
        value: kind.make(template, rng),
        headers: rng() < 0.3 ? { 'x-producer': `pos-${i % 7}` } : undefined,
      };
      (slots[later(i, 3000)] as Outgoing[]).push(message);
      intended.set(message, kind.reason);
      figures.malformed += 1;
      if (rng() < 0.1) {
        const copy: Outgoing = { ...message };
        (slots[later(i, 3000)] as Outgoing[]).push(copy);
        intended.set(copy, kind.reason);
        figures.malformed += 1;
      }
    }
  }
  return { seed, now, messages: slots.flat(), intended, figures };
}
