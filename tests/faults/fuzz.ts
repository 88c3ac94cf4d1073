// Seeded fuzz payloads for the sales decoder: valid events and valid oddities, field-level
// mutations (missing, null, wrong type, empty, overlong, huge or fractional numbers, NUL and
// lone surrogates, nested junk), text-level mutations of the JSON (cuts, deleted or inserted
// characters), byte-level damage (bit flips, invalid UTF-8, UTF-16, BOM), plain garbage, and
// exact copies of earlier payloads.

import { judge } from '@/tests/support/model';
import { createRng, createWorld, type Rng } from '@/workers/simulator/catalog';
import { SaleGenerator } from '@/workers/simulator/generate';

export interface FuzzPayload {
  /** What was done, for failure messages. */
  kind: string;
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string>;
}

type Json = Record<string, unknown>;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

const STRINGS = [
  '',
  ' ',
  'x'.repeat(129),
  'y'.repeat(257),
  'z'.repeat(20_000),
  'Caf\u00e9 \u2615',
  '\u{1F6CD}\u{1F3F7}\uFE0F',
  '\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627',
  'e\u0301\u0301\u0301',
  '\u200B\u200D\u2060',
  'nul\u0000inside',
  '\u0000',
  'lone \uD800 surrogate',
  '\uDFFF',
  '\uFFFE\uFFFF',
  'tab\tnew\nline',
  '"quoted" \\ back',
  "'; DROP TABLE sales_rollup; --",
  '<script>alert(1)</script>',
  '%s%n%x',
  '\u0001SEP\u0001',
  '*',
  'SKU-10001',
  'USD',
  'usd',
  'web',
  'WEB',
  'sale',
  'refund',
  '2026-02-29T10:00:00Z',
  '2024-02-29T23:59:59.999999999+14:00',
  '2026-13-01T00:00:00Z',
  '2026-11-25T24:00:00Z',
  '2026-11-25T10:00:60Z',
  '2026-11-25T10:00:00+24:00',
  '2026-11-25T10:00:00.1234567890Z',
  '2026-11-25 10:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
];

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  1e-7,
  2 ** 31,
  2 ** 32 + 1,
  2 ** 52 + 1,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  1e308,
  -1e308,
  150,
  151,
  // The sanity bounds (model BOUNDS): quantity 10^6, unit price and amount 10^12.
  999_999,
  1_000_000,
  1_000_001,
  10 ** 12 - 1,
  10 ** 12,
  10 ** 12 + 1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
];

function junk(rng: Rng, depth = 0): unknown {
  const r = rng();
  if (depth > 3 || r < 0.3) return pick(rng, [...NUMBERS, ...STRINGS.slice(0, 12), true, false, null]);
  if (r < 0.6) return Array.from({ length: int(rng, 0, 3) }, () => junk(rng, depth + 1));
  return Object.fromEntries(Array.from({ length: int(rng, 0, 3) }, (_, i) => [`k${i}`, junk(rng, depth + 1)]));
}

function deepNest(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** A replacement value for a field: wrong types, edge numbers, odd strings, junk. */
function replacement(rng: Rng): { label: string; value: unknown } {
  const r = rng();
  if (r < 0.08) return { label: 'delete', value: undefined };
  if (r < 0.14) return { label: 'null', value: null };
  if (r < 0.42) {
    const n = pick(rng, NUMBERS);
    return { label: `number ${n}`, value: n };
  }
  if (r < 0.47) return { label: 'numeric string', value: String(int(rng, 0, 5000)) };
  if (r < 0.8) {
    const s = pick(rng, STRINGS);
    return { label: `string ${JSON.stringify(s.slice(0, 24))}`, value: s };
  }
  if (r < 0.85) return { label: 'boolean', value: rng() < 0.5 };
  if (r < 0.9) return { label: 'empty array', value: [] };
  if (r < 0.95) return { label: 'empty object', value: {} };
  return { label: 'nested junk', value: junk(rng) };
}

/** Paths of every field of an event: top level, customer, and each line's fields. */
function fieldPaths(event: Json): string[][] {
  const paths: string[][] = Object.keys(event).map((k) => [k]);
  for (const k of Object.keys(event.customer as Json)) paths.push(['customer', k]);
  (event.lines as Json[]).forEach((line, i) => {
    paths.push(['lines', String(i)]);
    for (const k of Object.keys(line)) paths.push(['lines', String(i), k]);
  });
  return paths;
}

function setPath(obj: Json, path: string[], value: unknown): void {
  let target: Record<string, unknown> = obj;
  for (const step of path.slice(0, -1)) target = target[step] as Record<string, unknown>;
  const last = path.at(-1) as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
}

/** Valid payloads that exercise the contract's corners. */
function validOddity(event: Json, rng: Rng): string {
  const customer = event.customer as Json;
  const line = (event.lines as Json[])[0] as Json;
  const at = Date.parse(event.occurred_at as string);
  const choice = int(rng, 0, 11);
  switch (choice) {
    case 0:
      event.extra_field = junk(rng);
      return 'unknown extra fields';
    case 1:
      event.event_id = 'e'.repeat(128);
      return '128-character event_id';
    case 2:
      line.name = `${'\u{1F6CD}'.repeat(64)}`;
      return 'name of 64 emoji (128 UTF-16 units)';
    case 3:
      line.name = 'n'.repeat(256);
      return '256-character name';
    case 4: {
      const local = new Date(at + 5.5 * 3_600_000).toISOString().replace('Z', '+05:30');
      event.occurred_at = local;
      return 'offset +05:30';
    }
    case 5:
      event.occurred_at = (event.occurred_at as string).replace('T', 't').replace('Z', 'z');
      return 'lower-case t and z';
    case 6:
      event.occurred_at = (event.occurred_at as string).replace(/\.\d+Z$/, `.${'7'.repeat(int(rng, 1, 9))}Z`);
      return 'fraction of 1–9 digits';
    case 7:
      delete line.discount_cents;
      return 'discount omitted';
    case 8:
      customer.id = null;
      customer.age = null;
      return 'guest customer';
    case 9:
      customer.age = pick(rng, [0, 150]);
      return 'age at a bound';
    case 10:
      line.unit_price_cents = 0;
      line.discount_cents = 0;
      return 'free item';
    default:
      event.region = 'r\u00e9gion \u5317\u4eac';
      return 'non-ASCII region';
  }
}

function mutateText(text: string, rng: Rng): { kind: string; text: string } {
  const at = int(rng, 0, Math.max(0, text.length - 1));
  switch (int(rng, 0, 4)) {
    case 0:
      return { kind: 'JSON cut short', text: text.slice(0, at) };
    case 1:
      return { kind: 'JSON character deleted', text: text.slice(0, at) + text.slice(at + 1) };
    case 2: {
      const c = pick(rng, ['{', '}', '[', ']', '"', ',', ':', '0', '-', ' ', '\\', 'e', '\u0000']);
      return { kind: `JSON character ${JSON.stringify(c)} inserted`, text: text.slice(0, at) + c + text.slice(at) };
    }
    case 3: {
      const end = Math.min(text.length, at + int(rng, 1, 40));
      return { kind: 'JSON slice repeated', text: text.slice(0, end) + text.slice(at) };
    }
    default:
      return { kind: 'JSON trailing garbage', text: `${text}${pick(rng, [' x', '}', ',', '\n{}', '\u0000'])}` };
  }
}

function mutateBytes(value: Buffer, rng: Rng): { kind: string; value: Buffer } {
  const out = Buffer.from(value);
  switch (int(rng, 0, 5)) {
    case 0: {
      const flips = int(rng, 1, 8);
      for (let i = 0; i < flips; i++) {
        const at = int(rng, 0, out.length - 1);
        out[at] = (out[at] as number) ^ (1 << int(rng, 0, 7));
      }
      return { kind: `${flips} bit flip(s)`, value: out };
    }
    case 1:
      out[int(rng, 0, out.length - 1)] = int(rng, 0, 255);
      return { kind: 'random byte overwritten', value: out };
    case 2: {
      const at = int(rng, 0, out.length);
      const bad = pick(rng, [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]]);
      return {
        kind: 'invalid UTF-8 inserted',
        value: Buffer.concat([out.subarray(0, at), Buffer.from(bad), out.subarray(at)]),
      };
    }
    case 3:
      return { kind: 'UTF-8 BOM prefix', value: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), out]) };
    case 4:
      return { kind: 'UTF-16LE encoded', value: Buffer.from(out.toString('utf8'), 'utf16le') };
    default:
      return { kind: 'truncated inside a multi-byte character', value: Buffer.concat([out, Buffer.from([0xe2])]) };
  }
}

function garbage(rng: Rng): { kind: string; value: Buffer | null } {
  switch (int(rng, 0, 7)) {
    case 0:
      return { kind: 'null value (tombstone)', value: null };
    case 1:
      return { kind: 'empty value', value: Buffer.alloc(0) };
    case 2:
      return {
        kind: 'random bytes',
        value: Buffer.from(Array.from({ length: int(rng, 1, 200) }, () => int(rng, 0, 255))),
      };
    case 3:
      return { kind: 'random JSON value', value: Buffer.from(JSON.stringify(junk(rng)) ?? 'null') };
    case 4:
      return { kind: 'whitespace only', value: Buffer.from(' \n\t ') };
    case 5:
      return { kind: 'arrays nested 50,000 deep', value: Buffer.from(deepNest(50_000)) };
    case 6:
      return { kind: 'object nested 5,000 deep', value: Buffer.from(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`) };
    default:
      return {
        kind: 'a 200 KB string',
        value: Buffer.from(JSON.stringify({ event_id: 'big', blob: 'b'.repeat(200_000) })),
      };
  }
}

/**
 * Every sanity bound just below, at and just above (model BOUNDS), sent in every run: amounts and
 * quantities of one line, of several lines, of refunds, and the number of lines.
 */
function boundCases(firstLine: (e: Json) => Json): [string, (e: Json) => void][] {
  const line = (e: Json, patch: Json) => Object.assign(firstLine(e), { discount_cents: 0 }, patch);
  const cases: [string, (e: Json) => void][] = [];
  for (const [label, delta] of [
    ['below', -1],
    ['at', 0],
    ['above', 1],
  ] as const) {
    cases.push(
      [`quantity ${label} 10^6`, (e) => line(e, { quantity: 1_000_000 + delta, unit_price_cents: 1 })],
      [`unit price ${label} 10^12`, (e) => line(e, { quantity: 1, unit_price_cents: 10 ** 12 + delta })],
      [`line amount ${label} 10^12`, (e) => line(e, { quantity: 100, unit_price_cents: 10 ** 10 + delta })],
      [
        `event amount over two lines ${label} 10^12`,
        (e) => {
          const first = line(e, { quantity: 1, unit_price_cents: 5 * 10 ** 11 });
          e.lines = [first, { ...first, unit_price_cents: 5 * 10 ** 11 + delta }];
        },
      ],
      [
        `refund amount ${label} 10^12`,
        (e) => {
          e.type = 'refund';
          line(e, { quantity: 4, unit_price_cents: 2.5 * 10 ** 11 + delta, discount_cents: 10 ** 11 });
        },
      ],
      [
        `${1000 + delta} lines`,
        (e) => {
          const first = line(e, { quantity: 1, unit_price_cents: 99 });
          e.lines = Array.from({ length: 1000 + delta }, () => ({ ...first }));
        },
      ],
    );
  }
  cases.push(
    [
      'discount equal to a line amount of 10^12',
      (e) => line(e, { quantity: 2, unit_price_cents: 5 * 10 ** 11, discount_cents: 10 ** 12 }),
    ],
    ['quantity 2^53 − 1 at price 1 (once accepted)', (e) => line(e, { quantity: 2 ** 53 - 1, unit_price_cents: 1 })],
    ['quantity 2^53 at price 0', (e) => line(e, { quantity: 2 ** 53, unit_price_cents: 0 })],
    ['unit price 1e21', (e) => line(e, { quantity: 1, unit_price_cents: 1e21 })],
  );
  return cases;
}

/** `count` payloads around `now` (event times within the last hour, plus whatever mutations make of them). */
export function fuzzPayloads(seed: number, count: number, now: number): FuzzPayload[] {
  const rng = createRng(seed);
  const generator = new SaleGenerator(createWorld(), seed);
  const sent: FuzzPayload[] = [];
  const fresh = (i: number): Json => {
    const event = generator.next(now - int(rng, 2, 3600) * 1000) as unknown as Json;
    event.event_id = `z${seed}-${i}`;
    return event;
  };
  // Payloads that once stalled a partition for good (each made the batch's transaction fail on
  // every retry), sent in every run whatever the seed draws.
  const hazard = (kind: string, patch: (event: Json) => void, key: string | Buffer | null = null) => {
    const event = fresh(sent.length);
    patch(event);
    sent.push({ kind: `hazard: ${kind}`, key, value: Buffer.from(JSON.stringify(event)) });
  };
  const firstLine = (e: Json) => (e.lines as Json[])[0] as Json;
  hazard('NUL in a SKU', (e) => {
    firstLine(e).sku = 'SKU\u0000X';
  });
  hazard('lone surrogate in a product name', (e) => {
    firstLine(e).name = 'Mug \uD800';
  });
  hazard('NUL in the store id', (e) => {
    e.store_id = '\u0000';
  });
  hazard('2^31 + 5 units in one line (more than int4)', (e) => {
    firstLine(e).quantity = 2 ** 31 + 5;
  });
  hazard(
    'malformed message with a NUL in its key',
    (e) => {
      e.channel = 'fax';
    },
    'key\u0000nul',
  );
  sent.push({ kind: 'hazard: invalid JSON quoting a NUL', key: null, value: Buffer.from('{"a":\u0000}') });
  for (const [kind, patch] of boundCases(firstLine)) hazard(`bound: ${kind}`, patch);
  for (let i = sent.length; i < count; i++) {
    const r = rng();
    let payload: FuzzPayload;
    if (r < 0.14) {
      const event = fresh(i);
      payload = { kind: 'valid', key: event.order_id as string, value: Buffer.from(JSON.stringify(event)) };
    } else if (r < 0.2) {
      const event = fresh(i);
      payload = { kind: `valid: ${validOddity(event, rng)}`, key: null, value: Buffer.from(JSON.stringify(event)) };
    } else if (r < 0.58) {
      const event = fresh(i);
      const paths = fieldPaths(event);
      const edits = rng() < 0.8 ? 1 : int(rng, 2, 4);
      const labels: string[] = [];
      for (let e = 0; e < edits; e++) {
        const path = pick(rng, paths);
        let { label, value } = replacement(rng);
        // Two different accepted events with one id in different partitions: which one counts
        // depends on timing (first processed wins), so no expectation could say. Ids stay unique.
        if (path[0] === 'event_id' && typeof value === 'string' && value.length > 0) {
          value = `${value}#${i}`;
          label += ` #${i}`;
        }
        try {
          setPath(event, path, value);
          labels.push(`${path.join('.')} → ${label}`);
        } catch {
          // The path's parent was replaced by an earlier edit.
        }
      }
      payload = { kind: `field: ${labels.join('; ')}`, key: `k-${i}`, value: Buffer.from(JSON.stringify(event)) };
    } else if (r < 0.72) {
      const { kind, text } = mutateText(JSON.stringify(fresh(i)), rng);
      payload = { kind, key: `k-${i}`, value: Buffer.from(text) };
    } else if (r < 0.86) {
      const { kind, value } = mutateBytes(Buffer.from(JSON.stringify(fresh(i))), rng);
      payload = { kind, key: `k-${i}`, value };
    } else if (r < 0.93 || sent.length === 0) {
      payload = { key: null, ...garbage(rng) };
    } else {
      const earlier = pick(rng, sent);
      payload = { ...earlier, kind: `exact copy of: ${earlier.kind}` };
    }
    // Keys and headers as producers get them wrong: binary, NUL, empty.
    const k = rng();
    if (k < 0.03) payload.key = Buffer.from([0x00, 0xff, 0xfe, 0x41]);
    else if (k < 0.05) payload.key = 'key\u0000with nul';
    else if (k < 0.06) payload.key = '';
    if (rng() < 0.05) payload.headers = { 'x-trace': Buffer.from([0x00, 0xc3, 0x28]), 'x-producer': 'fuzz' };
    sent.push(payload);
  }
  return sameIdSamePartition(sent, now);
}

/**
 * Mutations (a flipped bit in an id) can give two different accepted events one event_id.
 * The first one counts — by offset within a partition, but across partitions by timing, which no
 * expectation can know. Such payloads get one key, as a producer keys an order's events.
 */
function sameIdSamePartition(payloads: FuzzPayload[], now: number): FuzzPayload[] {
  const byId = new Map<string, FuzzPayload[]>();
  for (const p of payloads) {
    const verdict = judge(p.value, now);
    if (!verdict.ok) continue;
    const group = byId.get(verdict.event.eventId) ?? [];
    group.push(p);
    byId.set(verdict.event.eventId, group);
  }
  for (const [id, group] of byId) {
    const first = group[0] as FuzzPayload;
    if (group.every((p) => p.value?.equals(first.value as Buffer))) continue;
    for (const p of group) p.key = `same-id:${id}`;
  }
  return payloads;
}
