import { chooseFilter, expect, kpi, openDashboard, test } from './fixtures';

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
    test.slow(); // two pages
    await openDashboard(page, '/?range=1h');
    const all = await kpi(page, 'orders');

    await chooseFilter(page, 'filter-channel', ['app']);
    await expect(page).toHaveURL(/channel=app/);
    await expect(page.getByTestId('filter-channel')).toHaveText('App');
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
    await expect(copied.getByTestId('filter-channel')).toHaveText('App');
    await copied.close();

    await page.goBack();
    await expect(page).not.toHaveURL(/range=15m/);
    await expect(page).toHaveURL(/channel=app/);
  });

  test('two stores chosen by search and keyboard: URL, numbers, copied link and Back', async ({
    page,
    request,
    browser,
  }) => {
    test.slow(); // two pages, many steps
    await openDashboard(page, '/?range=1h');
    await expect(page).toHaveURL(/tz=/);
    const before = page.url();
    const { stores } = (await (await request.get('/api/v1/filters')).json()) as { stores: { id: string }[] };
    // Two stores of the seeded data (the simulator's ids: three letters, a dash, two digits).
    const [first, second] = stores.map((s) => s.id).filter((id) => /^[A-Z]{3}-\d\d$/.test(id));
    expect(first && second).toBeTruthy();

    const button = page.getByTestId('filter-store');
    await expect(button).toHaveText('All stores');
    await button.click();
    const popover = page.getByTestId('filter-store-popover');
    const search = popover.getByTestId('filter-store-search');
    const list = popover.getByRole('listbox');
    await expect(search).toBeFocused();
    await expect(list).toHaveAttribute('aria-multiselectable', 'true');
    // Type to search, ↓ into the list, Space toggles the active option.
    await page.keyboard.type(first as string);
    await expect(list.getByRole('option')).toHaveCount(1);
    await page.keyboard.press('ArrowDown');
    await expect(list).toBeFocused();
    await expect(list).toHaveAttribute('aria-activedescendant', /.+/);
    await page.keyboard.press('Space');
    await expect(list.getByRole('option', { name: first })).toHaveAttribute('aria-selected', 'true');
    // Typing in the list goes back to the search field; Enter there toggles the first match.
    await page.keyboard.press('ArrowUp');
    await expect(search).toBeFocused();
    await search.fill(second as string);
    await page.keyboard.press('Enter');
    await expect(list.getByRole('option', { name: second })).toHaveAttribute('aria-selected', 'true');
    expect(page.url()).toBe(before); // nothing applied while the list is open
    // Escape cancels: the popover closes, nothing is applied, focus returns to the button.
    await page.keyboard.press('Escape');
    await expect(popover).toHaveCount(0);
    await expect(button).toBeFocused();
    await expect(button).toHaveText('All stores');
    expect(page.url()).toBe(before);
    // Reopened, the draft starts from the applied choice; Done applies both at once.
    await button.click();
    await expect(popover.getByRole('option', { selected: true })).toHaveCount(0);
    for (const id of [first, second] as string[]) {
      await search.fill(id);
      await page.keyboard.press('Enter');
    }
    await popover.getByTestId('filter-store-done').click();
    await expect(popover).toHaveCount(0);
    await expect(button).toBeFocused();
    await expect(button).toHaveText('2 stores');
    await expect(page).toHaveURL(new RegExp(`store=${first}&store=${second}`));

    // The KPIs are the API's for the view in the URL (both stores).
    const view = new URL(page.url()).search;
    expect(new URLSearchParams(view).getAll('store')).toEqual([first, second]);
    const totals = async () =>
      ((await (await request.get(`/api/v1/overview${view}`)).json()) as { totals: Totals }).totals;
    await expect.poll(async () => (await totals()).orders).toBe(await kpi(page, 'orders'));
    expect(await kpi(page, 'revenue')).toBe((await totals()).revenue_cents);
    const one = async (id: string) =>
      ((await (await request.get(`/api/v1/overview?range=1h&store=${id}`)).json()) as { totals: Totals }).totals;
    expect((await totals()).orders).toBe((await one(first as string)).orders + (await one(second as string)).orders);

    // The copied URL reproduces the view.
    const copied = await browser.newPage();
    await openDashboard(copied, page.url());
    await expect(copied.getByTestId('filter-store')).toHaveText('2 stores');
    await expect(copied.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(await kpi(page, 'orders')));
    // The TV legend lists both.
    await copied.getByTestId('tv-toggle').click();
    await expect(copied.getByTestId('tv-legend')).toContainText(`Stores: ${first}, ${second}`);
    await copied.close();

    // Back returns to all stores.
    await page.goBack();
    await expect(page).toHaveURL(before);
    await expect(button).toHaveText('All stores');
  });

  test('a category filter counts only its lines; an order in two chosen categories counts once', async ({
    page,
    request,
    sell,
  }) => {
    await sell({
      quantity: 1,
      unitPriceCents: 999,
      category: 'E2E Gadgets',
      moreLines: [{ sku: 'SKU-E2E-2', category: 'E2E Gizmos, Misc', quantity: 2, unitPriceCents: 500 }],
    });
    await expect
      .poll(async () => ((await (await request.get('/api/v1/filters')).json()) as { categories: string[] }).categories)
      .toEqual(expect.arrayContaining(['E2E Gadgets', 'E2E Gizmos, Misc']));
    await openDashboard(page, '/?range=1h');
    await chooseFilter(page, 'filter-category', ['E2E Gadgets']);
    await expect(page).toHaveURL(/category=E2E\+Gadgets|category=E2E%20Gadgets/);
    await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', '999');
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', '1');

    // Both categories (one has a comma: values are never split): their lines, one order.
    await chooseFilter(page, 'filter-category', ['E2E Gadgets', 'E2E Gizmos, Misc']);
    await expect(page).toHaveURL(/category=E2E\+Gadgets&category=E2E\+Gizmos%2C\+Misc/);
    await expect(page.getByTestId('filter-category')).toHaveText('2 categories');
    await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', '1999');
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', '1');
    await expect(page.getByTestId('kpi-units')).toHaveAttribute('data-value', '3');
  });

  test('comparing with the same time last week: URL, labels and changes follow the choice', async ({
    page,
    request,
    sell,
  }) => {
    // A sale a week ago, 5 minutes before now: inside the last hour moved back a week.
    const weekAgo = new Date(Date.now() - 7 * 86_400_000 - 300_000).toISOString();
    await sell({ quantity: 1, unitPriceCents: 777, occurredAt: weekAgo });
    await openDashboard(page, '/?range=1h');
    await expect(page.getByTestId('kpi-compared-with')).toHaveText('Key figures · change vs the previous 1 h');
    await expect(page.getByTestId('trend-compared-with')).toHaveText('previous period');

    await page.getByTestId('filter-compare').selectOption({ label: 'Same time last week' });
    await expect(page).toHaveURL(/compare=last_week/);
    await expect(page.getByTestId('kpi-compared-with')).toHaveText('Key figures · change vs same time last week');
    await expect(page.getByTestId('trend-compared-with')).toHaveText('same time last week');
    await expect(page.getByTestId('top-products')).toContainText('rank change vs same time last week');
    // The changes are against last week's figures, as the API answers them for this view.
    await expect
      .poll(async () => {
        const search = new URL(page.url()).searchParams;
        const api = await (await request.get(`/api/v1/overview?${search}`)).json();
        const shown = Number(await page.getByTestId('kpi-orders-change').getAttribute('data-change'));
        return {
          compare: api.previous.compare,
          weekAgoCounted: api.previous.totals.orders >= 1,
          change: shown === api.totals.orders - api.previous.totals.orders,
        };
      })
      .toEqual({ compare: 'last_week', weekAgoCounted: true, change: true });
    await expect(page.getByTestId('kpi-orders-change')).toHaveAttribute('title', /^vs same time last week: /);

    // Back to the default: the parameter leaves the URL.
    await page.getByTestId('filter-compare').selectOption({ label: 'Previous period' });
    await expect(page).not.toHaveURL(/compare=/);
    await expect(page.getByTestId('kpi-compared-with')).toHaveText('Key figures · change vs the previous 1 h');
  });

  test('a bad URL parameter shows which parameter is wrong', async ({ page }) => {
    await page.goto('/?range=3w');
    await expect(page.getByTestId('param-error')).toHaveAttribute('data-param', 'range');
  });
});
