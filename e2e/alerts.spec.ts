// Alerts and suggestions in a real browser against the real stack: an inventory snapshot below
// the reorder point goes through Kafka to the inventory worker, the actions worker's evaluator
// opens a low-stock alert and a restock suggestion for it, and both must appear live, without a
// reload, in the dashboard's Alerts panel and on the inventory page; acknowledging, snoozing and
// accepting go through the API and show at once, each with exactly one action in the outbox.
// The panel and the suggestions pass axe and fit every width without sideways scrolling.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { PrismaClient } from '@prisma/client';
import { episodesDb, outboxOf } from '@/tests/support/episodes';
import { TEST_ADMIN } from '@/tests/support/stack';
import { expect, openDashboard, openEpisode, sendStock, test } from './fixtures';

let prisma: PrismaClient;
test.beforeAll(() => {
  prisma = episodesDb(process.env.E2E_DATABASE_URL as string);
});
test.afterAll(async () => {
  await prisma.$disconnect();
});

let sequence = 0;
/** A store × SKU of its own: nothing else in the e2e stack touches it. */
function pair(prefix: string) {
  sequence += 1;
  const tag = `${Date.now().toString(36)}-${sequence}`.toUpperCase();
  return { store: `E2E-${prefix}-${tag}`, sku: `SKU-${prefix}-${tag}` };
}

const types = async (id: string) => (await outboxOf(prisma, BigInt(id))).map((r) => r.type);

async function axeViolations(page: Page, selector: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  return violations
    .filter((v) => v.id === 'color-contrast' || v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`));
}

/** Phone, tablet, laptop and desktop. */
const WIDTHS = [
  [390, 844],
  [768, 1024],
  [1280, 800],
  [1440, 900],
] as const;

const overflowsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

test.describe('alerts', () => {
  test('a low-stock alert appears live in the Alerts panel; acknowledging marks it, snoozing hides it', async ({
    page,
    producer,
  }) => {
    const { store, sku } = pair('ALERT');
    await openDashboard(page, '/?range=1h');
    const panel = page.getByTestId('alerts-panel');
    await expect(panel).toBeVisible();
    // Nothing on hand where the reorder point is 10: the evaluator opens a critical low-stock
    // alert, which heads the panel (the first 20 by severity, then age) whatever else is open.
    await sendStock(producer, [{ type: 'snapshot', store, sku, quantity: 0 }]);
    const id = await openEpisode(page, 'low_stock', store, sku);
    const item = panel.locator(`[data-testid="alert"][data-id="${id}"]`);
    await expect(item).toBeVisible();
    await expect(item).toContainText(`Low stock · ${sku} at ${store}`);
    await expect(item).toContainText(/\d+ s ago|min ago/);
    expect(await axeViolations(page, '[data-testid="alerts-panel"]')).toEqual([]);

    await item.getByTestId('alert-acknowledge').click();
    await expect(item).toHaveAttribute('data-acknowledged', 'true');
    await expect(item.getByTestId('alert-acknowledged')).toContainText(`Acknowledged by ${TEST_ADMIN.email}`);
    await expect(item.getByTestId('alert-acknowledge')).toHaveCount(0);
    // Still there after the push that follows the commit.
    await page.waitForTimeout(2_500);
    await expect(item).toHaveAttribute('data-acknowledged', 'true');
    expect(await types(id)).toEqual(['alert.opened', 'alert.acknowledged']);

    await item.locator('[data-testid="alert-snooze"][data-minutes="15"]').click();
    await expect(item).toHaveCount(0);
    const snoozed = (await (await page.request.get(`/api/v1/alerts?state=snoozed&store=${store}`)).json()) as {
      episodes: { id: string }[];
    };
    expect(snoozed.episodes.map((e) => e.id)).toEqual([id]);
    expect(await types(id)).toEqual(['alert.opened', 'alert.acknowledged', 'alert.snoozed']);
    // A reload agrees: snoozed alerts stay hidden.
    await openDashboard(page, '/?range=1h');
    await expect(page.getByTestId('alerts-panel')).toBeVisible();
    await expect(page.locator(`[data-testid="alert"][data-id="${id}"]`)).toHaveCount(0);

    // A delivery ends the condition: the evaluator clears the episode (once).
    await sendStock(producer, [{ type: 'receipt', store, sku, quantity: 500 }]);
    await expect
      .poll(() => types(id), { timeout: 60_000 })
      .toEqual(['alert.opened', 'alert.acknowledged', 'alert.snoozed', 'alert.cleared']);
  });

  test('the panel fits every width and is not shown in TV mode', async ({ page, producer }) => {
    const { store, sku } = pair('WIDTH');
    await sendStock(producer, [{ type: 'snapshot', store, sku, quantity: 0 }]);
    const id = await openEpisode(page, 'low_stock', store, sku);
    const item = page.locator(`[data-testid="alert"][data-id="${id}"]`);
    for (const [width, height] of WIDTHS) {
      await page.setViewportSize({ width, height });
      await openDashboard(page, '/?range=1h');
      await expect(item).toBeVisible();
      await item.scrollIntoViewIfNeeded();
      await expect(item.getByTestId('alert-acknowledge')).toBeInViewport();
      expect(await overflowsSideways(page), `${width} px overflows sideways`).toBe(false);
    }
    await openDashboard(page, '/?range=1h&tv=1');
    await expect(page.getByTestId('alerts-panel')).toBeHidden();
  });

  test('the alerts page lists alerts a page at a time by state and kind, acts on them and fits every width', async ({
    page,
    producer,
  }) => {
    const [a, b] = [pair('PAGE'), pair('PAGE')];
    await sendStock(producer, [
      { type: 'snapshot', store: a.store, sku: a.sku, quantity: 0 },
      { type: 'snapshot', store: b.store, sku: b.sku, quantity: 0 },
    ]);
    const ids = [
      await openEpisode(page, 'low_stock', a.store, a.sku),
      await openEpisode(page, 'low_stock', b.store, b.sku),
    ];
    // Both stores, one a page: the URL holds the view (the API's parameters).
    await page.goto(`/alerts?kind=low_stock&store=${a.store}&store=${b.store}&limit=1`);
    const list = page.getByTestId('alerts-page');
    await expect(list).toContainText('1–1 of 2');
    const shown = async () => page.getByTestId('alert').getAttribute('data-id');
    const firstId = await shown();
    await page.getByTestId('alerts-next').click();
    await expect(list).toContainText('2–2 of 2');
    await expect(page).toHaveURL(/[?&]offset=1/);
    const secondId = await shown();
    expect([firstId, secondId].sort()).toEqual([...ids].sort());
    await expect(page.getByTestId('alerts-next')).toBeDisabled();
    expect(await axeViolations(page, '[data-testid="alerts-page"]')).toEqual([]);

    // Snoozed here, it leaves the open alerts and is found among the snoozed ones.
    await page.getByTestId('alerts-prev').click();
    await expect(list).toContainText('1–1 of 2');
    await page.locator('[data-testid="alert-snooze"][data-minutes="60"]').click();
    await expect(list).toContainText('1–1 of 1');
    await page.getByTestId('alerts-state').locator('[data-value="snoozed"]').click();
    await expect(page).toHaveURL(/[?&]state=snoozed/);
    const snoozed = page.locator(`[data-testid="alert"][data-id="${firstId}"]`);
    await expect(snoozed).toBeVisible();
    await expect(snoozed.getByTestId('alert-state')).toContainText('Snoozed until');
    expect(await types(firstId as string)).toEqual(['alert.opened', 'alert.snoozed']);

    for (const [width, height] of WIDTHS) {
      await page.setViewportSize({ width, height });
      await page.goto(`/alerts?kind=low_stock&store=${a.store}&store=${b.store}&state=all`);
      await expect(list).toContainText('1–2 of 2');
      expect(await overflowsSideways(page), `${width} px overflows sideways`).toBe(false);
    }
    // A bad parameter is named, as on the other pages.
    await page.goto('/alerts?state=closed');
    await expect(page.getByText(/state must be one of/)).toBeVisible();
  });

  test('accepting a suggestion on the inventory page shows the decision', async ({ page, producer }) => {
    const { store, sku } = pair('RESTOCK');
    await sendStock(producer, [{ type: 'snapshot', store, sku, quantity: 2 }]);
    await openDashboard(page, `/inventory?q=${sku}`);
    const suggestions = page.getByTestId('suggestions');
    const id = await openEpisode(page, 'restock', store, sku);
    const item = suggestions.locator(`[data-testid="suggestion-item"][data-id="${id}"]`);
    await expect(item).toBeVisible();
    await expect(item).toContainText(`Restock · ${sku} at ${store}`);
    expect(await axeViolations(page, '[data-testid="suggestions"]')).toEqual([]);
    for (const [width, height] of [
      [390, 844],
      [768, 1024],
    ] as const) {
      await page.setViewportSize({ width, height });
      await expect(item.getByTestId('suggestion-accept')).toBeVisible();
      expect(await overflowsSideways(page), `${width} px overflows sideways`).toBe(false);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    await item.getByTestId('suggestion-accept').click();
    await expect(item).toHaveAttribute('data-decision', 'accepted');
    await expect(item.getByTestId('suggestion-decision')).toHaveText(`Accepted by ${TEST_ADMIN.email}`);
    await expect(item.getByTestId('suggestion-accept')).toHaveCount(0);
    const outbox = await outboxOf(prisma, BigInt(id));
    expect(outbox.map((r) => r.type)).toEqual(['suggestion.opened', 'suggestion.accepted']);
    expect(outbox[1]?.payload.actor?.email).toBe(TEST_ADMIN.email);
    // The decision is the server's: it is there after a reload, and deciding again is refused.
    await openDashboard(page, `/inventory?q=${sku}`);
    await expect(
      page.locator(`[data-testid="suggestion-item"][data-id="${id}"] [data-testid="suggestion-decision"]`),
    ).toHaveText(`Accepted by ${TEST_ADMIN.email}`);
    expect((await page.request.post(`/api/v1/alerts/${id}/dismiss`, { data: {} })).status()).toBe(409);
  });
});
