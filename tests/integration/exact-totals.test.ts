// Totals beyond 2^53 through the real broker, worker, database and web server (issue 10): two
// sales of 2^53 − 1 units, once accepted, made the API report units above
// Number.MAX_SAFE_INTEGER. Now they are dead letters (`out_of_range`), and sales within the
// sanity bounds whose sum passes 2^53 are answered exactly — a string of digits where a JSON
// number could not hold the value, numbers everywhere else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, type SaleJson, sale } from '@/tests/support/events';
import {
  createSalesStack,
  type SalesStack,
  signIn,
  startWeb,
  startWorker,
  waitUntilConsumed,
} from '@/tests/support/stack';

const PORT = Number(process.env.TEST_WEB_PORT ?? 3600 + (process.pid % 40));
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN = { email: 'root@exact.test', password: 'admin-password-123' };
const WINDOW = 'from=2026-02-10T10:00:00Z&to=2026-02-10T11:00:00Z';
/** The largest amount an event may have (README "Sanity bounds"). */
const MAX_AMOUNT = 10 ** 12;
/** Sales of about MAX_AMOUNT each: 9,100 of them pass 2^53 (≈ 9,007 × 10^12), one minute's half does not. */
const BIG_SALES = 9100;
const REFUNDS = 3;

const big = (i: number, minute: number): SaleJson =>
  sale({
    event_id: `big-${i}`,
    order_id: `ord-big-${i}`,
    occurred_at: `2026-02-10T10:0${minute}:${String(i % 60).padStart(2, '0')}Z`,
    // Amounts just below the bound, so the sum is no round number a double might hit by luck.
    lines: [{ sku: 'JET-1', name: 'Jet', category: 'Aviation', quantity: 1, unit_price_cents: MAX_AMOUNT - (i % 7) }],
  });

/** Every JSON number in `value` is exact: an integer beyond 2^53 − 1 is a rounded one. */
function unsafeNumbers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unsafeNumbers(v, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => unsafeNumbers(v, `${path}.${k}`));
  return [];
}

describe('totals beyond 2^53 (real Kafka, worker, Postgres and web server)', () => {
  let stack: SalesStack;
  let worker: Managed | null = null;
  let web: Managed | null = null;
  let cookie = '';
  const sales = Array.from({ length: BIG_SALES }, (_, i) => big(i, i < BIG_SALES / 2 ? 0 : 1));
  const refunds = Array.from({ length: REFUNDS }, (_, i) => ({
    ...big(i, 2),
    event_id: `refund-${i}`,
    type: 'refund',
  }));
  /** The two sales, and a refund alike: 2^53 − 1 units each. */
  const huge = [1, 2, 3].map((i) =>
    sale({
      event_id: `huge-${i}`,
      order_id: `ord-huge-${i}`,
      type: i === 3 ? 'refund' : 'sale',
      occurred_at: '2026-02-10T10:03:00Z',
      lines: [{ sku: 'JET-1', name: 'Jet', category: 'Aviation', quantity: 2 ** 53 - 1, unit_price_cents: 1 }],
    }),
  );
  /** A sale exactly at the bounds: 10^6 units × 10^6 cents = 10^12. */
  const atBounds = sale({
    event_id: 'at-bounds',
    occurred_at: '2026-02-10T10:03:00Z',
    lines: [{ sku: 'JET-1', name: 'Jet', category: 'Aviation', quantity: 1_000_000, unit_price_cents: 1_000_000 }],
  });
  const amount = (e: SaleJson) => e.lines.reduce((n, l) => n + BigInt(l.quantity) * BigInt(l.unit_price_cents), 0n);
  const gross = [...sales, atBounds].reduce((n, e) => n + amount(e), 0n);
  const refunded = refunds.reduce((n, e) => n + amount(e), 0n);

  beforeAll(async () => {
    stack = await createSalesStack('pulse_exact', 2);
    const env = {
      ...stack.env,
      PULSE_ADMIN_EMAIL: ADMIN.email,
      PULSE_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    };
    const all = [...huge, ...sales, atBounds, ...refunds];
    for (let i = 0; i < all.length; i += 1000) {
      await stack.producer.send({
        topic: stack.topic,
        messages: all.slice(i, i + 1000).map((e) => ({ key: e.order_id, value: bytes(e) })),
      });
    }
    worker = startWorker(env, 'exact-worker');
    await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
    web = await startWeb(env, PORT);
    cookie = await signIn(BASE, ADMIN.email, ADMIN.password);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([web?.stop(), worker?.stop()]);
    await stack?.stop();
  });

  it('dead-letters the sales (and the refund) of 2^53 − 1 units as out_of_range, counts everything else', async () => {
    const dead = await stack.db.query<{ key: string; reason: string; detail: string }>(
      'SELECT key, reason, detail FROM dead_letter ORDER BY key',
    );
    expect(dead).toEqual(
      huge.map((e) => ({
        key: e.order_id,
        reason: 'out_of_range',
        detail: 'lines[0].quantity must be at most 1,000,000',
      })),
    );
    const [counted] = await stack.db.query<{ n: string }>('SELECT count(*) AS n FROM processed_event');
    expect(Number(counted?.n)).toBe(BIG_SALES + 1 + REFUNDS);
  });

  it('answers the totals exactly: digits beyond 2^53, numbers below, and no rounded number anywhere', async () => {
    const res = await fetch(`${BASE}/api/v1/overview?${WINDOW}&granularity=minute`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(unsafeNumbers(body)).toEqual([]);
    const net = gross - refunded;
    expect(net).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(body.totals).toEqual({
      revenue_cents: net.toString(),
      gross_cents: gross.toString(),
      refund_cents: Number(refunded),
      orders: BIG_SALES + 1,
      units: BIG_SALES + 1_000_000 - REFUNDS,
      aov_cents: Number((2n * net + BigInt(BIG_SALES + 1)) / (2n * BigInt(BIG_SALES + 1))),
    });
    // Each minute holds half the sales: below 2^53, so plain numbers that add up to the total.
    const minutes = body.trend.slice(0, 4).map((p: { revenue_cents: number | string }) => p.revenue_cents);
    expect(minutes.every((v: unknown) => typeof v === 'number')).toBe(true);
    expect(minutes.reduce((n: bigint, v: number) => n + BigInt(v), 0n)).toBe(net);
    expect(body.top_products[0]).toMatchObject({ sku: 'JET-1', revenue_cents: net.toString() });
    expect(body.mix.category).toEqual([
      { key: 'Aviation', revenue_cents: net.toString(), orders: BIG_SALES + 1, share: 1 },
    ]);
    const ageBands = body.demographics.age_band as { revenue_cents: number | string }[];
    expect(ageBands.reduce((n, s) => n + BigInt(s.revenue_cents), 0n)).toBe(net);
  });

  it('exports the exact digits as CSV numbers and the product page agrees', async () => {
    const csv = await (await fetch(`${BASE}/api/v1/export?tile=kpis&${WINDOW}`, { headers: { cookie } })).text();
    // In dollars, every digit kept: the figure the page shows, not a rounded double.
    const dollars = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
    expect(csv).toContain(`\r\nRevenue,USD,${dollars(gross - refunded)},0.00,${dollars(gross - refunded)},\r\n`);
    const product = await (await fetch(`${BASE}/api/v1/products/JET-1?${WINDOW}`, { headers: { cookie } })).json();
    expect(unsafeNumbers(product)).toEqual([]);
    expect(product.totals.revenue_cents).toBe((gross - refunded).toString());
    expect(product.totals.gross_cents).toBe(gross.toString());
  });
});
