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
    await expect(page.getByTestId('product-trend').locator('.recharts-area-curve')).toHaveCount(1);
    await expect(page.getByText('Customer demographics per product are not available yet.')).toBeVisible();
    await expect(page.getByTestId('product-refresh')).toHaveText(/Updates every 5 s/);
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
