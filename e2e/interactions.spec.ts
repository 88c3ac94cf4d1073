// What a merchandiser does with the view besides the filter bar: click a breakdown to filter,
// find a product from the header, share a link with pinned times, and take a tile as a PNG.
import { readFile } from 'node:fs/promises';
import { expect, expectLive, kpi, openDashboard, test } from './fixtures';

interface Totals {
  revenue_cents: number;
  orders: number;
}

test.describe('interactions', () => {
  test('clicking a channel in the sales mix filters the view to it, and the figures are the API’s', async ({
    page,
    sell,
  }) => {
    await sell({ channel: 'app', quantity: 2, unitPriceCents: 1500 });
    await sell({ channel: 'web', quantity: 1, unitPriceCents: 2500 });
    await openDashboard(page, '/?range=1h&granularity=minute');
    const app = page.getByTestId('mix-channel').locator('[data-testid="filter-to"][data-value="app"]');
    await expect(app).toHaveAttribute('aria-label', 'Filter to App');
    await expect(app).toHaveAttribute('aria-pressed', 'false');

    // From the keyboard: focus it and press Enter.
    await app.focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/[?&]channel=app(&|$)/);
    await expect(page).toHaveURL(/granularity=minute/);
    await expect(page.getByTestId('filter-channel')).toHaveText('App');
    await expect(app).toHaveAttribute('aria-pressed', 'true');

    const view = new URL(page.url()).search;
    const totals = async () =>
      ((await (await page.request.get(`/api/v1/overview${view}`)).json()) as { totals: Totals }).totals;
    await expect.poll(async () => (await totals()).orders).toBe(await kpi(page, 'orders'));
    expect(await kpi(page, 'revenue')).toBe((await totals()).revenue_cents);

    // Clicked again, the filter goes.
    await app.click();
    await expect(page).not.toHaveURL(/channel=/);
    await expect(page.getByTestId('filter-channel')).toHaveText('All channels');
  });

  test('clicking a region of the customers tile filters the view to that region', async ({ page, sell }) => {
    await sell({ region: 'e2e-click-region', storeId: 'E2E-CLICK', quantity: 1, unitPriceCents: 900 });
    await openDashboard(page, '/?range=1h');
    const region = page.getByTestId('demographics').locator('[data-testid="filter-to"][data-value="e2e-click-region"]');
    await expect(region).toBeVisible();
    await region.click();
    await expect(page).toHaveURL(/[?&]region=e2e-click-region(&|$)/);
    await expect(page.getByTestId('filter-region')).toHaveText('e2e-click-region');
  });

  test('the header search finds a product by SKU prefix and opens its page in the same range', async ({
    page,
    sell,
  }) => {
    await sell({ quantity: 1, unitPriceCents: 1200 });
    await openDashboard(page, '/?range=4h');
    const search = page.getByTestId('product-search');
    await search.fill('sku-e2e');
    const option = page.getByTestId('product-search-results').locator('[role="option"][data-sku="SKU-E2E-1"]');
    await expect(option).toBeVisible();
    await expect(option).toContainText('Playwright Mug');
    // ↓ through the suggestions (a lower-case prefix matches any case) until it is the active one, Enter opens it.
    const optionId = (await option.getAttribute('id')) as string;
    await expect(async () => {
      await search.press('ArrowDown');
      expect(await search.getAttribute('aria-activedescendant')).toBe(optionId);
    }).toPass({ timeout: 10_000 });
    await search.press('Enter');
    await expect(page).toHaveURL(/\/products\/SKU-E2E-1\?/);
    expect(new URL(page.url()).searchParams.get('range')).toBe('4h');
    await expect(page.getByTestId('product-sku')).toHaveText('SKU-E2E-1');
  });

  test('Copy link with pinned times copies the window on screen as from/to', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openDashboard(page, '/?range=today&channel=web');
    const tz = (await page.getByTestId('filter-tz').textContent()) as string;

    await page.getByTestId('copy-link').click();
    await expect(page.getByTestId('copy-link')).toHaveText('Copied');
    const plain = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(plain.searchParams.get('range')).toBe('today');
    expect(plain.searchParams.get('tz')).toBe(tz);

    await page.getByTestId('pin-times').check();
    await page.getByTestId('copy-link').click();
    const pinned = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(pinned.pathname).toBe('/');
    expect(pinned.searchParams.get('range')).toBeNull();
    expect(pinned.searchParams.get('channel')).toBe('web');
    expect(pinned.searchParams.get('tz')).toBe(tz);
    const from = Date.parse(pinned.searchParams.get('from') as string);
    const to = Date.parse(pinned.searchParams.get('to') as string);
    expect(from % 60_000).toBe(0);
    expect(to % 60_000).toBe(0);
    expect(to).toBeGreaterThan(Date.now() - 120_000);
    // Today began at midnight of the view's zone.
    const midnight = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    expect(midnight.format(from)).toBe('00:00');

    // The pinned link opens the same period as an explicit range.
    await page.goto(pinned.toString());
    await expectLive(page);
    await expect(page.locator('[data-range="custom"]')).toHaveAttribute('aria-pressed', 'true');
  });

  test('a tile downloads as a PNG image', async ({ page, sell }) => {
    await sell({ quantity: 1, unitPriceCents: 700 });
    await openDashboard(page, '/?range=1h');
    for (const tile of ['trend', 'top_products']) {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`png-${tile}`).click()]);
      expect(file.suggestedFilename()).toMatch(new RegExp(`^pulse-${tile}-.*\\.png$`));
      const png = await readFile(await file.path());
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      // IHDR: width and height, big-endian, after the signature and the chunk's length and type.
      expect(png.readUInt32BE(16)).toBeGreaterThan(0);
      expect(png.readUInt32BE(20)).toBeGreaterThan(100);
    }
  });

  test('Save view keeps the view under a name; the menu opens it again, by keyboard and at phone width', async ({
    page,
  }) => {
    const name = `EU web ${Date.now()}`;
    await openDashboard(page, '/?range=4h&channel=web&compare=yesterday');
    const tz = (await page.getByTestId('filter-tz').textContent()) as string;
    await page.getByTestId('saved-views').click();
    await expect(page.getByTestId('saved-views')).toHaveAttribute('aria-expanded', 'true');
    await page.getByTestId('save-view-name').fill(name);
    await page.getByTestId('save-view-name').press('Enter');
    const saved = page.getByTestId('saved-view').filter({ hasText: name });
    await expect(saved).toHaveAttribute('aria-current', 'page');
    // Stored canonical, with the zone written out; the API has it too.
    const views = (await (await page.request.get('/api/v1/views')).json()) as {
      views: { name: string; query: string }[];
    };
    const stored = views.views.find((v) => v.name === name);
    expect(new URLSearchParams(stored?.query)).toEqual(
      new URLSearchParams({ range: '4h', channel: 'web', tz, compare: 'yesterday' }),
    );
    // Escape closes and gives focus back to the button.
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('saved-views-panel')).toHaveCount(0);
    await expect(page.getByTestId('saved-views')).toBeFocused();

    // Elsewhere, at phone width: open the menu with the keyboard and follow the saved view.
    await page.setViewportSize({ width: 390, height: 844 });
    await openDashboard(page, '/?range=1h');
    await page.getByTestId('saved-views').focus();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('saved-views-panel');
    await expect(panel).toBeVisible();
    const box = await panel.boundingBox();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    await page.getByTestId('saved-view').filter({ hasText: name }).focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/[?&]channel=web(&|$)/);
    await expect(page).toHaveURL(/compare=yesterday/);
    await expect(page.getByTestId('filter-channel')).toHaveText('Web');

    // Deleted, it leaves the menu.
    await page.getByTestId('saved-views').click();
    await page.getByRole('button', { name: `Delete saved view ${name}` }).click();
    await expect(page.getByTestId('saved-view').filter({ hasText: name })).toHaveCount(0);
  });

  test('with compare= set, the top products show the compared period’s figure beside this one and the rank change', async ({
    page,
    sell,
  }) => {
    await sell({ quantity: 2, unitPriceCents: 1100 });
    await openDashboard(page, '/?range=1h&compare=last_week');
    const table = page.getByTestId('top-products');
    await expect(table.getByTestId('top-then-header')).toHaveText(/Last week/);
    const view = new URL(page.url()).search;
    const body = (await (await page.request.get(`/api/v1/overview${view}`)).json()) as {
      top_products: { sku: string; previous_revenue_cents: number; previous_rank: number | null }[];
    };
    const first = body.top_products[0];
    const row = table.locator(`[data-testid="top-product-row"][data-sku="${first?.sku}"]`);
    await expect(row.getByTestId('top-then')).toHaveAttribute('data-value', String(first?.previous_revenue_cents));
    await expect(row.getByTestId('rank-move')).toHaveAttribute(
      'data-move',
      first?.previous_rank === null || first?.previous_rank === undefined ? 'new' : /-?\d+/,
    );
    // Without compare=, the table keeps its columns.
    await openDashboard(page, '/?range=1h');
    await expect(page.getByTestId('top-then-header')).toHaveCount(0);
  });
});
