// Test fixtures: a producer on the e2e stack's topic, and helpers to read the dashboard.
import { test as base, expect, type Page } from '@playwright/test';
import type { Producer } from 'kafkajs';
import { connectProducer, testKafka } from '../tests/support/stack';

export interface SaleInput {
  channel?: 'web' | 'app' | 'store' | 'marketplace';
  storeId?: string;
  region?: string;
  category?: string;
  quantity: number;
  unitPriceCents: number;
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
        occurred_at: new Date().toISOString(),
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
  // The connection, not the data's age.
  await expect(page.getByTestId('freshness')).toHaveAttribute('data-connection', 'live');
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
