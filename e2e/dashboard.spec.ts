import { expect, kpi, openDashboard, test } from './fixtures';

interface Totals {
  revenue_cents: number;
  orders: number;
  units: number;
}

test.describe('live dashboard', () => {
  test('shows the KPIs of the API for the view in the URL', async ({ page, request }) => {
    await openDashboard(page, '/?range=1h');
    const api = (await (await request.get('/api/v1/overview?range=1h')).json()) as { totals: Totals };
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(api.totals.orders));
    expect(api.totals.orders).toBeGreaterThan(0);
    await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(api.totals.revenue_cents));
    await expect(page.getByTestId('kpi-revenue')).toContainText('$');
    await expect(page.getByTestId('top-product-row').first()).toBeVisible();
    await expect(page.getByTestId('demographics')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('dashboard-1h.png'), fullPage: true });
  });

  test('a produced sale moves the KPIs and the trend without a reload', async ({ page, sell }) => {
    await openDashboard(page, '/?range=15m');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const revenue = await kpi(page, 'revenue');
    const orders = await kpi(page, 'orders');
    const units = await kpi(page, 'units');
    const trendRevenue = Number(await page.getByTestId('trend').getAttribute('data-total-revenue'));
    expect(trendRevenue).toBe(revenue);

    await sell({ quantity: 3, unitPriceCents: 4321 });

    await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(revenue + 12_963));
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(orders + 1));
    await expect(page.getByTestId('kpi-units')).toHaveAttribute('data-value', String(units + 3));
    await expect(page.getByTestId('trend')).toHaveAttribute('data-total-revenue', String(trendRevenue + 12_963));
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  test('filters change the URL and the numbers, and a copied URL reproduces the view', async ({
    page,
    request,
    browser,
  }) => {
    await openDashboard(page, '/?range=1h');
    const all = await kpi(page, 'orders');

    await page.getByTestId('filter-channel').selectOption('app');
    await expect(page).toHaveURL(/channel=app/);
    const api = (await (await request.get('/api/v1/overview?range=1h&channel=app')).json()) as { totals: Totals };
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(api.totals.orders));
    expect(api.totals.orders).toBeLessThan(all);

    await page.getByTestId('filter-range').locator('[data-range="15m"]').click();
    await expect(page).toHaveURL(/range=15m/);
    await expect(page).toHaveURL(/channel=app/);
    await expect(page.getByTestId('filter-range').locator('[data-range="15m"]')).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    const copied = await browser.newPage();
    await openDashboard(copied, page.url());
    await expect(copied.getByTestId('kpi-orders')).toHaveAttribute(
      'data-value',
      (await kpi(page, 'orders')).toString(),
    );
    await expect(copied.getByTestId('filter-channel')).toHaveValue('app');
    await copied.close();

    await page.goBack();
    await expect(page).not.toHaveURL(/range=15m/);
    await expect(page).toHaveURL(/channel=app/);
  });

  test('a category filter counts only that category', async ({ page, request, sell }) => {
    await sell({ quantity: 1, unitPriceCents: 999, category: 'E2E Gadgets' });
    await expect
      .poll(async () => ((await (await request.get('/api/v1/filters')).json()) as { categories: string[] }).categories)
      .toContain('E2E Gadgets');
    await openDashboard(page, '/?range=1h');
    await page.getByTestId('filter-category').selectOption('E2E Gadgets');
    await expect(page).toHaveURL(/category=E2E\+Gadgets|category=E2E%20Gadgets/);
    await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', '999');
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', '1');
  });

  test('a bad URL parameter shows which parameter is wrong', async ({ page }) => {
    await page.goto('/?range=3w');
    await expect(page.getByTestId('param-error')).toHaveAttribute('data-param', 'range');
  });
});
