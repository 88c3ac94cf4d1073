// Drill-down: a product page from the popular products, a store page from the live ticker,
// breadcrumbs that keep the view, and browser history across them.
import type { Page } from '@playwright/test';
import { chooseFilter, expect, expectLive, kpi, openDashboard, test } from './fixtures';

interface Totals {
  revenue_cents: number;
  orders: number;
  units: number;
  aov_cents: number;
}

async function apiTotals(page: Page, path: string): Promise<Totals> {
  const res = await page.request.get(path);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { totals: Totals }).totals;
}

interface Slice {
  key: string;
  revenue_cents: number;
  orders: number;
}
type Demographics = Record<'age_band' | 'gender' | 'loyalty_tier' | 'customer_type' | 'region', Slice[]>;

async function apiProduct(page: Page, path: string): Promise<{ totals: Totals; demographics: Demographics }> {
  const res = await page.request.get(path);
  expect(res.ok()).toBe(true);
  return (await res.json()) as { totals: Totals; demographics: Demographics };
}

/** Open a product page and wait until its live connection is up (so React has hydrated). */
async function openProduct(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('product-sku')).toBeVisible();
  await expect(page.getByTestId('freshness')).toHaveAttribute('data-connection', 'live');
}

/** Revenue per segment in the customers table of a product page, e.g. { 'Age band:35-44': 1234 }. */
async function demographicsTable(page: Page): Promise<Record<string, number>> {
  const rows = page.getByTestId('product-demographics-table').locator('tr[data-key]');
  const entries = await rows.evaluateAll((trs) =>
    trs.map((tr) => [
      `${tr.getAttribute('data-group')}:${tr.getAttribute('data-key')}`,
      Number(tr.getAttribute('data-revenue')),
    ]),
  );
  return Object.fromEntries(entries);
}

/** The URL's parameters as sorted pairs, to compare views regardless of order. */
function paramsOf(url: string, omit: readonly string[] = []): string[] {
  return [...new URL(url).searchParams]
    .filter(([k]) => !omit.includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

test.describe('drill-down', () => {
  test('a popular product opens its page in the same view; breadcrumb and Back return', async ({ page }) => {
    await openDashboard(page, '/?range=1h&granularity=minute');
    await expect(page).toHaveURL(/tz=/);
    const dashboardUrl = page.url();

    const row = page.getByTestId('top-product-row').first();
    const sku = (await row.getAttribute('data-sku')) as string;
    await row.getByTestId('product-link').click();

    await expect(page).toHaveURL(new RegExp(`/products/${encodeURIComponent(sku)}\\?`));
    expect(paramsOf(page.url())).toEqual(paramsOf(dashboardUrl));
    const productUrl = page.url();
    await expect(page.getByTestId('product-sku')).toHaveText(sku);
    await expect(page.getByTestId('breadcrumbs')).toContainText('Dashboard');
    await expect(page.getByTestId('breadcrumbs')).toContainText(
      (await page.getByTestId('product-name').textContent()) ?? '',
    );

    // The KPI is the product API's total for the same view (polled: the range slides each minute).
    const search = new URL(productUrl).search;
    await expect
      .poll(async () => (await apiTotals(page, `/api/v1/products/${encodeURIComponent(sku)}${search}`)).revenue_cents)
      .toBe(await kpi(page, 'revenue'));
    expect(await kpi(page, 'revenue')).toBeGreaterThan(0);
    await expect(page.getByTestId('kpi-orders-change')).toHaveAttribute('data-change', /^-?\d+$/);
    await expect(page.getByTestId('product-store-row').first()).toBeVisible();
    await expect(page.getByTestId('product-channels').locator('li').first()).toBeVisible();
    await expect(page.getByTestId('product-trend').locator('.recharts-area-curve').first()).toBeVisible();
    // A product has no previous-period trend to draw; its previous totals are in the KPIs.
    await expect(page.getByTestId('product-trend').locator('.trend-previous')).toHaveCount(0);
    await expect(page.getByTestId('freshness')).toHaveAttribute('data-connection', 'live');
    await page.screenshot({ path: test.info().outputPath('product.png'), fullPage: true });

    // Breadcrumb: back to the dashboard with every view parameter.
    await page.getByTestId('breadcrumb-dashboard').click();
    await expect(page).toHaveURL((url) => url.pathname === '/');
    expect(paramsOf(page.url())).toEqual(paramsOf(dashboardUrl));
    await expectLive(page);

    // Browser Back returns to the product page.
    await page.goBack();
    await expect(page).toHaveURL(productUrl);
    await expect(page.getByTestId('product-sku')).toHaveText(sku);
  });

  test('the product page shows who buys it: revenue or orders by customer attribute, as charts or a table', async ({
    page,
  }) => {
    await openDashboard(page, '/?range=1h');
    await expect(page).toHaveURL(/tz=/);
    await page.getByTestId('top-product-row').first().getByTestId('product-link').click();
    await expect(page).toHaveURL(/\/products\//);
    await expect(page.getByTestId('freshness')).toHaveAttribute('data-connection', 'live');
    const url = new URL(page.url());
    const tile = page.getByTestId('product-demographics');
    await expect(tile).toContainText('of this product');
    await expect(tile.getByRole('img', { name: /^Revenue by age band, 8 groups, total \$/ })).toBeVisible();
    await expect(tile.getByRole('img', { name: /^Revenue by gender/ })).toBeVisible();
    await expect(tile.getByRole('region', { name: 'Revenue by region' })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('product-demographics.png'), fullPage: true });

    // The table view has every figure, and each attribute adds up to the product's revenue.
    await page.getByTestId('product-demographics-table-toggle').click();
    const api = await apiProduct(page, `/api/v1${url.pathname}${url.search}`);
    await expect
      .poll(async () => demographicsTable(page))
      .toEqual(
        Object.fromEntries(
          (
            [
              ['Age band', 'age_band'],
              ['Gender', 'gender'],
              ['New vs returning', 'customer_type'],
              ['Loyalty tier', 'loyalty_tier'],
              ['Region', 'region'],
            ] as const
          ).flatMap(([group, dimension]) =>
            api.demographics[dimension].map((s) => [`${group}:${s.key}`, s.revenue_cents]),
          ),
        ),
      );
    const table = await demographicsTable(page);
    for (const group of ['Age band', 'Gender', 'New vs returning', 'Loyalty tier', 'Region']) {
      const sum = Object.entries(table)
        .filter(([k]) => k.startsWith(`${group}:`))
        .reduce((n, [, v]) => n + v, 0);
      expect(sum, group).toBe(api.totals.revenue_cents);
    }

    // Orders instead of revenue.
    await page.getByTestId('product-demographics-table-toggle').click();
    await page.getByTestId('product-demographics-metric').locator('[data-value="orders"]').click();
    await expect(tile.getByRole('img', { name: /^Orders by age band, 8 groups, total \d/ })).toBeVisible();
    await expect(tile).toContainText('Orders of this product by customer attributes');
  });

  test('a produced sale updates the product page without a reload', async ({ page, sell }) => {
    // The fixture's sales are of SKU-E2E-1, bought by a 40-year-old new gold-tier woman on the web.
    await sell({ quantity: 1, unitPriceCents: 500 });
    await expect.poll(async () => (await page.request.get('/api/v1/products/SKU-E2E-1?range=1h')).status()).toBe(200);
    await openProduct(page, '/products/SKU-E2E-1?range=1h');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await page.getByTestId('product-demographics-table-toggle').click();
    const revenue = await kpi(page, 'revenue');
    const orders = await kpi(page, 'orders');
    const units = await kpi(page, 'units');
    expect(revenue).toBeGreaterThan(0);
    const before = await demographicsTable(page);
    expect(before['Age band:35-44']).toBe(revenue);

    await sell({ quantity: 2, unitPriceCents: 1234 });

    await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(revenue + 2468));
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(orders + 1));
    await expect(page.getByTestId('kpi-units')).toHaveAttribute('data-value', String(units + 2));
    await expect(page.getByTestId('product-trend')).toHaveAttribute('data-total-revenue', String(revenue + 2468));
    const after = await demographicsTable(page);
    for (const key of [
      'Age band:35-44',
      'Gender:female',
      'Loyalty tier:gold',
      'New vs returning:new',
      'Region:e2e-region',
    ]) {
      expect(after[key], key).toBe((before[key] ?? 0) + 2468);
    }
    expect(after['Gender:male']).toBe(before['Gender:male']);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.screenshot({ path: test.info().outputPath('product-live.png'), fullPage: true });
  });

  test('without a live connection the product page says so and refreshes by polling', async ({ page, sell }) => {
    await sell({ quantity: 1, unitPriceCents: 700 });
    await expect.poll(async () => (await page.request.get('/api/v1/products/SKU-E2E-1?range=1h')).status()).toBe(200);
    // Socket.IO's handshake goes over HTTP first: refusing it keeps the socket down for good.
    await page.route(/\/socket\.io\//, (route) => route.abort());
    await page.goto('/products/SKU-E2E-1?range=1h');
    await expect(page.getByTestId('polling-notice')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('polling-notice')).toContainText('refreshing every 5 s');
    await expect(page.getByTestId('freshness')).toHaveAttribute('data-state', /polling|stale/);
    const revenue = await kpi(page, 'revenue');
    await sell({ quantity: 1, unitPriceCents: 4321 });
    await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(revenue + 4321), {
      timeout: 20_000,
    });
  });

  test('a product in the live ticker opens its page with the view kept', async ({ page }) => {
    await openDashboard(page, '/?range=1h&channel=web');
    await expect(page).toHaveURL(/tz=/);
    const dashboardUrl = page.url();
    const link = page.getByTestId('ticker').getByTestId('ticker-product-link').first();
    const sku = (await link.getAttribute('data-sku')) as string;
    expect(sku).toBeTruthy();
    await link.click();

    await expect(page).toHaveURL(new RegExp(`/products/${encodeURIComponent(sku)}\\?`));
    expect(paramsOf(page.url())).toEqual(paramsOf(dashboardUrl));
    await expect(page.getByTestId('product-sku')).toHaveText(sku);
    await expect(page.getByTestId('filter-channel')).toHaveText('Web');
    await expect(page.getByTestId('freshness')).toHaveAttribute('data-connection', 'live');
    const search = new URL(page.url()).search;
    await expect
      .poll(async () => (await apiTotals(page, `/api/v1/products/${encodeURIComponent(sku)}${search}`)).revenue_cents)
      .toBe(await kpi(page, 'revenue'));
    await page.screenshot({ path: test.info().outputPath('product-from-ticker.png'), fullPage: true });

    await page.getByTestId('breadcrumb-dashboard').click();
    await expect(page).toHaveURL((url) => url.pathname === '/');
    expect(paramsOf(page.url())).toEqual(paramsOf(dashboardUrl));
  });

  test('movers link to product pages; an unknown product is a 404', async ({ page }) => {
    await openDashboard(page, '/?range=1h');
    const link = page.getByTestId('mover-row').first().getByTestId('product-link');
    await expect(link).toHaveAttribute('href', /^\/products\/[^?]+\?.*range=1h/);
    const res = await page.request.get('/products/NO-SUCH-SKU?range=1h');
    expect(res.status()).toBe(404);
  });

  test('a store in the ticker opens that store’s dashboard', async ({ page }) => {
    await openDashboard(page, '/?range=1h');
    await expect(page).toHaveURL(/tz=/);
    const dashboardUrl = page.url();

    const link = page.getByTestId('ticker').getByTestId('store-link').first();
    const id = (await link.getAttribute('data-store')) as string;
    await link.click();

    await expect(page).toHaveURL(new RegExp(`/stores/${encodeURIComponent(id)}\\?`));
    await expectLive(page);
    await expect(page.getByTestId('store-title')).toContainText(`Store ${id}`);
    await expect(page.getByTestId('breadcrumbs')).toContainText(`Store ${id}`);
    await expect(page.getByTestId('filter-store')).toHaveText(id);

    // The KPIs are the overview API's for the same view with the store filter.
    const view = new URL(page.url()).searchParams;
    view.set('store', id);
    await expect
      .poll(async () => (await apiTotals(page, `/api/v1/overview?${view}`)).revenue_cents)
      .toBe(await kpi(page, 'revenue'));
    for (const k of ['orders', 'units'] as const) {
      const totals = await apiTotals(page, `/api/v1/overview?${view}`);
      expect(await kpi(page, k)).toBe(totals[k]);
    }
    await page.screenshot({ path: test.info().outputPath('store.png'), fullPage: true });

    // Changing the range keeps the store page.
    await page.getByTestId('filter-range').locator('[data-range="4h"]').click();
    await expect(page).toHaveURL(new RegExp(`/stores/${encodeURIComponent(id)}\\?.*range=4h`));
    await expect(page.getByTestId('store-title')).toContainText(`Store ${id}`);

    // Choosing another store in the filter bar moves to that store's page.
    await page.getByTestId('filter-store').click();
    const [other, third] = await page
      .getByTestId('filter-store-popover')
      .locator('[role="option"]')
      .evaluateAll((os, current) => os.map((o) => o.getAttribute('data-value')).filter((v) => v && v !== current), id);
    expect(other && third).toBeTruthy();
    await page.keyboard.press('Escape');
    await chooseFilter(page, 'filter-store', [other as string]);
    await expect(page).toHaveURL(new RegExp(`/stores/${encodeURIComponent(other as string)}\\?.*range=4h`));
    await expect(page.getByTestId('store-title')).toContainText(`Store ${other}`);
    const otherUrl = page.url();

    // The breadcrumb leaves the store (the drilled dimension) and keeps the rest.
    const crumb = page.getByTestId('breadcrumb-dashboard');
    await expect(crumb).not.toHaveAttribute('href', /store=/);
    await crumb.click();
    await expect(page).toHaveURL((url) => url.pathname === '/');
    expect(paramsOf(page.url())).toEqual(paramsOf(dashboardUrl, ['range']).concat('range=4h').sort());

    // A second store on a store page: the dashboard with both stores selected.
    await page.goBack();
    await expect(page).toHaveURL(otherUrl);
    await expectLive(page);
    await chooseFilter(page, 'filter-store', [other as string, third as string]);
    await expect(page).toHaveURL((url) => url.pathname === '/');
    expect(new URL(page.url()).searchParams.getAll('store')).toEqual([other, third].sort());
    await expect(page.getByTestId('filter-store')).toHaveText('2 stores');
    await expect(page.getByTestId('store-title')).toHaveCount(0);
  });
});
