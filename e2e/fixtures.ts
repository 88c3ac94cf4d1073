// Test fixtures: a producer on the e2e stack's topic, and helpers to read the dashboard.
import { test as base, expect, type Page } from '@playwright/test';
import type { Producer } from 'kafkajs';
import { connectProducer, testKafka } from '@/tests/support/stack';

export interface SaleInput {
  channel?: 'web' | 'app' | 'store' | 'marketplace';
  storeId?: string;
  region?: string;
  category?: string;
  quantity: number;
  unitPriceCents: number;
  /** Event time, ISO 8601 (now by default). */
  occurredAt?: string;
  /** More lines in the same order (one line by default). */
  moreLines?: { sku: string; category: string; quantity: number; unitPriceCents: number }[];
}

let sequence = 0;

export const test = base.extend<{ sell: (sale: SaleInput) => Promise<void> }, { producer: Producer }>({
  producer: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take a destructured first argument
    async ({}, use) => {
      const producer = await connectProducer(testKafka('pulse-e2e'));
      await use(producer);
      await producer.disconnect();
    },
    { scope: 'worker' },
  ],
  sell: async ({ producer }, use) => {
    await use(async (sale) => {
      sequence += 1;
      const id = `e2e-${Date.now()}-${sequence}`;
      const event = {
        event_id: id,
        type: 'sale',
        occurred_at: sale.occurredAt ?? new Date().toISOString(),
        order_id: `ORD-${id}`,
        store_id: sale.storeId ?? 'E2E-01',
        channel: sale.channel ?? 'web',
        region: sale.region ?? 'e2e-region',
        currency: 'USD',
        customer: { id: null, age: 40, gender: 'female', loyalty_tier: 'gold', first_order: true },
        lines: [
          {
            sku: 'SKU-E2E-1',
            name: 'Playwright Mug',
            category: sale.category ?? 'Home & Kitchen',
            quantity: sale.quantity,
            unit_price_cents: sale.unitPriceCents,
          },
          ...(sale.moreLines ?? []).map((l) => ({
            sku: l.sku,
            name: `Playwright ${l.sku}`,
            category: l.category,
            quantity: l.quantity,
            unit_price_cents: l.unitPriceCents,
          })),
        ],
      };
      await producer.send({
        topic: process.env.E2E_SALES_TOPIC as string,
        messages: [{ key: event.order_id, value: JSON.stringify(event) }],
      });
    });
  },
});

export { expect };

/**
 * Wait until the page receives live updates: the socket is connected, so React has hydrated
 * and the controls react (a control used before hydration is silently lost). Read from the
 * badge's connection text, not its `data-state`: on a slow machine a minute can pass
 * between two test sales, and the badge then rightly says "stale" although it is connected.
 */
export async function expectLive(page: Page): Promise<void> {
  // The connection, not the data's age. Hydrating a fresh page can take longer than the usual
  // 15 s when the machine is shared with other load (a second page opened by a test, CI).
  await expect(page.getByTestId('freshness')).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });
}

/** Open a dashboard URL and wait until it is live (expectLive). */
export async function openDashboard(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expectLive(page);
}

export async function kpi(page: Page, id: 'revenue' | 'orders' | 'units' | 'aov'): Promise<number> {
  return Number(await page.getByTestId(`kpi-${id}`).getAttribute('data-value'));
}

/**
 * Choose exactly `values` in a multi-select filter (`filter-store`, `filter-channel`, …) with
 * the mouse: open, clear, tick each value, Done. The view changes once, on Done.
 */
export async function chooseFilter(page: Page, testId: string, values: readonly string[]): Promise<void> {
  await page.getByTestId(testId).click();
  const popover = page.getByTestId(`${testId}-popover`);
  await expect(popover).toBeVisible();
  const clear = popover.getByTestId(`${testId}-clear`);
  if (await clear.isEnabled()) await clear.click();
  for (const value of values) {
    const option = popover.locator(`[role="option"][data-value=${JSON.stringify(value)}]`);
    await option.click();
    await expect(option).toHaveAttribute('aria-selected', 'true');
  }
  await popover.getByTestId(`${testId}-done`).click();
  await expect(popover).toHaveCount(0);
}

export type StockEvent = { type: 'snapshot' | 'receipt' | 'adjustment'; store: string; sku: string; quantity: number };

let stockSequence = 0;

/** Inventory events to the e2e stack's inventory topic, occurring now. */
export async function sendStock(producer: Producer, events: StockEvent[]): Promise<void> {
  await producer.send({
    topic: process.env.E2E_INVENTORY_TOPIC as string,
    messages: events.map((e) => {
      stockSequence += 1;
      const event = {
        event_id: `e2e-stock-${Date.now()}-${process.pid}-${stockSequence}`,
        type: e.type,
        occurred_at: new Date().toISOString(),
        store_id: e.store,
        sku: e.sku,
        quantity: e.quantity,
      };
      return { key: `${e.store}:${e.sku}`, value: JSON.stringify(event) };
    }),
  });
}

/**
 * The id of the open episode of `kind` about `store` × `sku`, once the actions worker's evaluator
 * has opened it (it runs in the e2e stack, woken by the inventory worker's commits).
 */
export async function openEpisode(page: Page, kind: string, store: string, sku: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        const params = new URLSearchParams({ kind, store, sku, state: 'all' });
        const res = await page.request.get(`/api/v1/alerts?${params}`);
        const body = (await res.json()) as { episodes?: { id: string; cleared_at: string | null }[] };
        id = body.episodes?.find((e) => e.cleared_at === null)?.id;
        return id !== undefined;
      },
      { timeout: 60_000, message: `an open ${kind} episode for ${sku} at ${store}` },
    )
    .toBe(true);
  return id as string;
}
