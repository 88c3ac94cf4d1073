// The inventory page against the real stack: the rows and their exact on-hand are the API's,
// search and sort go through the URL, stock events produced to the real broker move a row live
// (no reload), low stock comes first and is marked, and a phone shows it without sideways scrolling.
import type { Page } from '@playwright/test';
import { E2E_PORT, E2E_STORAGE_STATE } from '@/playwright.config';
import { expect, expectLive, sendStock, test } from './fixtures';

interface ApiRow {
  store_id: string;
  sku: string;
  on_hand: number | string;
  low: boolean;
  days_of_cover: number | string | null;
  restock_units: number | string;
}
interface ApiInventory {
  rows: ApiRow[];
  total: number;
  low_stock_units: number;
}

let sequence = 0;
/** Names no other test uses, so the rows of a test are its own. */
function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}-${Date.now().toString(36)}-${sequence}`.toUpperCase();
}

async function api(page: Page, search: string): Promise<ApiInventory> {
  const res = await page.request.get(`/api/v1/inventory?${search}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as ApiInventory;
}

/** The table as shown: store, SKU, exact on-hand and the low mark of every row, in order. */
function shownRows(page: Page) {
  return page.getByTestId('stock-row').evaluateAll((rows) =>
    rows.map((row) => ({
      store_id: row.getAttribute('data-store'),
      sku: row.getAttribute('data-sku'),
      on_hand: row.querySelector('[data-testid="on-hand"]')?.getAttribute('data-value') ?? null,
      low: row.getAttribute('data-low') === 'true',
      cover: row.querySelector('[data-testid="days-of-cover"]')?.getAttribute('data-value') ?? null,
      restock: row.getAttribute('data-restock'),
    })),
  );
}

const asShown = (rows: ApiRow[]) =>
  rows.map((r) => ({
    store_id: r.store_id,
    sku: r.sku,
    on_hand: String(r.on_hand),
    low: r.low,
    cover: String(r.days_of_cover),
    restock: String(r.restock_units),
  }));

async function openInventory(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expectLive(page);
}

test.describe('inventory page', () => {
  test.beforeAll(async ({ producer, playwright }) => {
    // Two low rows of a SKU of its own, so low stock is there to come first; applied before the
    // tests open the page (a live push keeps the rows shown in place and offers a re-sort).
    const sku = unique('SKU-E2E-LOW');
    await sendStock(producer, [
      { type: 'snapshot', store: 'E2E-LOW-1', sku, quantity: 2 },
      { type: 'snapshot', store: 'E2E-LOW-2', sku, quantity: 0 },
    ]);
    const request = await playwright.request.newContext({
      baseURL: `http://127.0.0.1:${E2E_PORT}`,
      storageState: E2E_STORAGE_STATE,
    });
    await expect
      .poll(async () => ((await (await request.get(`/api/v1/inventory?q=${sku}`)).json()) as ApiInventory).total, {
        timeout: 30_000,
      })
      .toBe(2);
    await request.dispose();
  });

  test('lists stock with the API’s exact on-hand, low stock first and marked', async ({ page }) => {
    await openInventory(page, '/inventory');
    await expect(page.getByRole('heading', { name: 'Inventory', exact: true })).toBeVisible();
    // The first page, in the API's order (on-hand, lowest first) with the same figures. Other
    // tests' sales may land meanwhile: compare until both readings agree.
    await expect
      .poll(
        async () =>
          JSON.stringify(await shownRows(page)) === JSON.stringify(asShown((await api(page, 'limit=50')).rows)),
      )
      .toBe(true);
    const rows = await shownRows(page);
    expect(rows).toHaveLength(50);
    const firstHealthy = rows.findIndex((r) => !r.low);
    expect(rows[0]?.low).toBe(true);
    // Every low row before every other one.
    expect(rows.slice(firstHealthy === -1 ? rows.length : firstHealthy).every((r) => !r.low)).toBe(true);
    await expect(page.getByTestId('stock-row').first().getByTestId('low-badge')).toHaveText('Low');
    // The total as the API counts it.
    const { total } = await api(page, 'limit=1');
    await expect(page.getByTestId('inventory')).toHaveAttribute('data-total', String(total));

    // Only low stock.
    await page.getByTestId('inventory-low').check();
    await expect(page).toHaveURL(/[?&]low=true/);
    await expect
      .poll(
        async () =>
          JSON.stringify(await shownRows(page)) ===
          JSON.stringify(asShown((await api(page, 'low=true&limit=50')).rows)),
      )
      .toBe(true);
    expect((await shownRows(page)).every((r) => r.low)).toBe(true);

    // Paging: the next page is the API's next 50.
    await page.getByTestId('inventory-low').uncheck();
    await page.getByTestId('inventory-next').click();
    await expect(page).toHaveURL(/[?&]offset=50/);
    await expect
      .poll(
        async () =>
          JSON.stringify(await shownRows(page)) ===
          JSON.stringify(asShown((await api(page, 'limit=50&offset=50')).rows)),
      )
      .toBe(true);
  });

  test('search and sort go through the URL and answer as the API does', async ({ page, producer }) => {
    const sku = unique('SKU-E2E-FIND');
    await sendStock(producer, [
      { type: 'snapshot', store: 'E2E-FIND-B', sku, quantity: 30 },
      { type: 'snapshot', store: 'E2E-FIND-A', sku, quantity: 70 },
      { type: 'snapshot', store: 'E2E-FIND-C', sku, quantity: 50 },
    ]);
    await expect.poll(async () => (await api(page, `q=${sku}`)).total, { timeout: 30_000 }).toBe(3);

    await openInventory(page, '/inventory');
    await page.getByTestId('inventory-search').fill(sku.toLowerCase());
    await expect(page).toHaveURL(new RegExp(`[?&]q=${sku.toLowerCase()}`));
    // Lowest on-hand first by default.
    await expect
      .poll(async () => (await shownRows(page)).map((r) => [r.store_id, r.on_hand]))
      .toEqual([
        ['E2E-FIND-B', '30'],
        ['E2E-FIND-C', '50'],
        ['E2E-FIND-A', '70'],
      ]);

    await page.getByTestId('inventory-sort').selectOption('store-asc');
    await expect(page).toHaveURL(/[?&]sort=store/);
    await expect
      .poll(async () => (await shownRows(page)).map((r) => r.store_id))
      .toEqual(['E2E-FIND-A', 'E2E-FIND-B', 'E2E-FIND-C']);
    await page.getByTestId('inventory-sort').selectOption('on_hand-desc');
    await expect.poll(async () => (await shownRows(page)).map((r) => r.on_hand)).toEqual(['70', '50', '30']);

    // The URL is the view: opened afresh it shows the same rows.
    // The rows follow the choice at once and the URL right after (router.push): wait for it.
    await expect(page).toHaveURL(/order=desc/);
    const url = page.url();
    await openInventory(page, url);
    await expect.poll(async () => (await shownRows(page)).map((r) => r.on_hand)).toEqual(['70', '50', '30']);
    await expect(page.getByTestId('inventory-search')).toHaveValue(sku.toLowerCase());

    // The per-store breakdown of the SKU.
    await page.getByTestId('stock-expand').first().click();
    const breakdown = page.getByTestId('stock-breakdown');
    await expect(breakdown.getByTestId('breakdown-row')).toHaveCount(3);
    await expect(breakdown.getByTestId('breakdown-total')).toHaveText('150');
    await expect(breakdown.locator('[data-store="E2E-FIND-C"] [data-testid="breakdown-on-hand"]')).toHaveText('50');
    // Its trend: on-hand over time in the three stores together, ending at today's total.
    const trend = breakdown.getByTestId('stock-history-chart');
    await expect(trend).toHaveAttribute('data-last', '150');
    await expect(trend).toHaveAttribute('aria-label', new RegExp(`^${sku} on hand over the last 24 h: .*now 150`));
    await breakdown.getByTestId('stock-history-range').getByRole('button', { name: '7 d' }).click();
    await expect(breakdown.getByTestId('stock-history')).toHaveAttribute('data-range', '7d');
    await expect(breakdown.getByTestId('stock-history-chart')).toHaveAttribute('data-last', '150');

    // A search matching nothing says so.
    await page.getByTestId('inventory-search').fill(`${sku}-none`);
    await expect(page.getByText('No stock matches these filters')).toBeVisible();
  });

  test('stock events and sales move a row live, to the exact figure', async ({ page, producer, sell }) => {
    const sku = unique('SKU-E2E-LIVE');
    const store = unique('E2E-LIVE');
    await openInventory(page, `/inventory?q=${sku}`);
    await expect(page.getByText('No stock matches these filters')).toBeVisible();
    // A reload would lose this mark.
    await page.evaluate(() => {
      (window as unknown as { __same: boolean }).__same = true;
    });
    const onHand = page.locator(`[data-testid="stock-row"][data-sku="${sku}"] [data-testid="on-hand"]`);

    await sendStock(producer, [{ type: 'snapshot', store, sku, quantity: 40 }]);
    await expect(onHand).toHaveAttribute('data-value', '40', { timeout: 30_000 });
    await expect(onHand).toHaveText('40');

    await sendStock(producer, [{ type: 'receipt', store, sku, quantity: 7 }]);
    await expect(onHand).toHaveAttribute('data-value', '47', { timeout: 30_000 });

    await sell({
      storeId: store,
      quantity: 1,
      unitPriceCents: 100,
      moreLines: [{ sku, category: 'Home & Kitchen', quantity: 3, unitPriceCents: 500 }],
    });
    await expect(onHand).toHaveAttribute('data-value', '44', { timeout: 30_000 });

    // Shrinkage to the low-stock level marks the row low.
    const { low_stock_units: level } = await api(page, 'limit=1');
    await sendStock(producer, [{ type: 'adjustment', store, sku, quantity: level - 44 }]);
    await expect(onHand).toHaveAttribute('data-value', String(level), { timeout: 30_000 });
    await expect(page.locator(`[data-testid="stock-row"][data-sku="${sku}"]`)).toHaveAttribute('data-low', 'true');
    await expect(page.locator(`[data-testid="stock-row"][data-sku="${sku}"] [data-testid="low-badge"]`)).toBeVisible();

    expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
    expect((await api(page, `q=${sku}`)).rows.map((r) => String(r.on_hand))).toEqual([String(level)]);
  });

  test('the header links the dashboard and the inventory', async ({ page }) => {
    await page.goto('/?range=1h');
    await expectLive(page);
    await page.getByTestId('inventory-link').click();
    await expect(page).toHaveURL(/\/inventory$/);
    await expect(page.getByRole('heading', { name: 'Inventory', exact: true })).toBeVisible();
    await page.getByTestId('dashboard-link').click();
    // The dashboard (it writes the browser's time zone into its URL).
    await expect(page).toHaveURL(/:\d+\/(\?.*)?$/);
    await expect(page.getByTestId('inventory-link')).toBeVisible();
  });

  test('a phone shows the stock without sideways scrolling', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await openInventory(page, '/inventory');
      await expect(page.getByTestId('stock-row').first()).toBeVisible();
      await page.getByTestId('stock-expand').first().click();
      await expect(page.getByTestId('stock-breakdown')).toBeVisible();
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth, `${theme}: the page is wider than the phone`).toBeLessThanOrEqual(clientWidth);
      // The stock table itself fits too (no scrolling inside its box either).
      const table = page.getByTestId('stock-table');
      const fits = await table.evaluate(
        (el) => (el.parentElement as HTMLElement).scrollWidth <= (el.parentElement as HTMLElement).clientWidth,
      );
      expect(fits, `${theme}: the stock table scrolls sideways`).toBe(true);
    }
  });

  test('a bad parameter shows which one', async ({ page }) => {
    await page.goto('/inventory?sort=price');
    await expect(page.getByTestId('param-error')).toHaveAttribute('data-param', 'sort');
  });
});
