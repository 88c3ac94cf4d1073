// Display features: dark mode, TV mode for wall displays, and the accessible chart alternatives.
import type { Page } from '@playwright/test';
import { chooseFilter, expect, openDashboard, test } from './fixtures';

const html = (page: Page) => page.locator('html');

/** Errors React reports when the server HTML and the first client render disagree. */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /hydrat|#418|#423|#425/i.test(msg.text())) errors.push(msg.text());
  });
  return errors;
}

/** Computed colours, to see that charts and surfaces follow the theme. */
async function colours(page: Page): Promise<{ body: string; grid: string; area: string }> {
  const trend = page.getByTestId('trend');
  return {
    body: await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor),
    grid: await trend
      .locator('.recharts-cartesian-grid-horizontal line')
      .first()
      .evaluate((el) => getComputedStyle(el).stroke),
    area: await trend
      .locator('.recharts-area-curve')
      .first()
      .evaluate((el) => getComputedStyle(el).stroke),
  };
}

test.describe('dark mode', () => {
  test('the theme switch sets data-theme, recolours the charts and survives a reload', async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.emulateMedia({ colorScheme: 'light' });
    await openDashboard(page, '/?range=1h');
    await expect(html(page)).toHaveAttribute('data-theme', 'light');
    await expect(page.getByTestId('theme-toggle')).toHaveValue('system');
    await expect(page.getByTestId('trend').locator('.recharts-area-curve').first()).toBeVisible();
    const light = await colours(page);
    await page.screenshot({ path: test.info().outputPath('light.png') });

    await page.getByTestId('theme-toggle').selectOption('dark');
    await expect(html(page)).toHaveAttribute('data-theme', 'dark');
    await expect(html(page)).toHaveClass(/\bdark\b/);
    const dark = await colours(page);
    expect(dark.body).not.toBe(light.body);
    expect(dark.grid).not.toBe(light.grid);
    expect(dark.area).not.toBe(light.area);

    await page.reload();
    await openDashboard(page, page.url());
    await expect(html(page)).toHaveAttribute('data-theme', 'dark');
    await expect(page.getByTestId('theme-toggle')).toHaveValue('dark');
    await page.screenshot({ path: test.info().outputPath('dark.png') });
    await page.screenshot({ path: test.info().outputPath('dark-full.png'), fullPage: true });

    await page.getByTestId('theme-toggle').selectOption('light');
    await expect(html(page)).toHaveAttribute('data-theme', 'light');
    await expect(html(page)).not.toHaveClass(/\bdark\b/);
    expect(errors).toEqual([]);
  });

  test('the stored theme applies before any JavaScript bundle runs (no flash)', async ({ page, context }) => {
    await openDashboard(page, '/?range=1h');
    await page.getByTestId('theme-toggle').selectOption('dark');
    await expect(html(page)).toHaveAttribute('data-theme', 'dark');

    // Without Next's bundles React never hydrates: only the inline script in <head> can act.
    const bare = await context.newPage();
    await bare.route(/\/_next\/static\/.*\.js(\?.*)?$/, (route) => route.abort());
    await bare.goto('/?range=1h', { waitUntil: 'domcontentloaded' });
    await expect(html(bare)).toHaveAttribute('data-theme', 'dark');
    await expect(html(bare)).toHaveClass(/\bdark\b/);
    await bare.close();
  });

  test('by default the theme follows the system setting, live', async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await openDashboard(page, '/?range=1h');
    await expect(html(page)).toHaveAttribute('data-theme', 'dark');
    await expect(page.getByTestId('theme-toggle')).toHaveValue('system');

    await page.emulateMedia({ colorScheme: 'light' });
    await expect(html(page)).toHaveAttribute('data-theme', 'light');

    // An explicit choice wins over the system setting.
    await page.getByTestId('theme-toggle').selectOption('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(html(page)).toHaveAttribute('data-theme', 'dark');
    expect(errors).toEqual([]);
  });
});

test.describe('TV mode', () => {
  test('the header button enters it, hides the filters, keeps the KPIs; Escape leaves', async ({ page }) => {
    await openDashboard(page, '/?range=1h&channel=app');
    const revenue = page.getByTestId('kpi-revenue');
    const normalSize = await revenue.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));

    const toggle = page.getByTestId('tv-toggle');
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(page).toHaveURL(/[?&]tv=1\b/);
    await expect(page).toHaveURL(/channel=app/);
    await expect(page.locator('[data-tv="true"]')).toHaveCount(1);
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('filter-range')).toBeHidden();
    await expect(page.getByTestId('filter-channel')).toBeHidden();
    await expect(page.getByTestId('theme-toggle')).toBeHidden();
    await expect(page.getByTestId('tv-legend')).toContainText('Last hour');
    await expect(page.getByTestId('tv-legend')).toContainText('Channel: App');
    await expect(revenue).toBeVisible();
    await expect(page.getByTestId('kpi-orders')).toBeVisible();
    const tvSize = await revenue.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(tvSize).toBeGreaterThan(normalSize);
    await page.screenshot({ path: test.info().outputPath('tv.png') });

    await page.keyboard.press('Escape');
    await expect(page).not.toHaveURL(/[?&]tv=/);
    await expect(page).toHaveURL(/range=1h/);
    await expect(page).toHaveURL(/channel=app/);
    await expect(page.locator('[data-tv="true"]')).toHaveCount(0);
    await expect(page.getByTestId('filter-range')).toBeVisible();
    await expect(page.getByTestId('tv-legend')).toHaveCount(0);
    expect(await page.evaluate(() => document.fullscreenElement)).toBeNull();

    // The router still drives the view after TV mode rewrote the URL.
    await chooseFilter(page, 'filter-channel', ['web']);
    await expect(page).toHaveURL(/channel=web/);
    await expect(page).not.toHaveURL(/[?&]tv=/);
  });

  test('a bookmarked ?tv=1 URL opens in TV mode, live', async ({ page, request }) => {
    const errors = collectPageErrors(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await openDashboard(page, '/?range=15m&tv=1');
    await expect(page.locator('[data-tv="true"]')).toHaveCount(1);
    await expect(page.getByTestId('filter-range')).toHaveCount(0);
    await expect(page.getByTestId('tv-legend')).toContainText('Last 15 minutes');
    await expect(page.getByTestId('tv-legend')).toContainText('All stores');
    const api = (await (await request.get('/api/v1/overview?range=15m')).json()) as { totals: { orders: number } };
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(api.totals.orders));
    await page.screenshot({ path: test.info().outputPath('tv-dark.png') });

    await page.keyboard.press('Escape');
    await expect(page).not.toHaveURL(/[?&]tv=/);
    await expect(page).toHaveURL(/range=15m/);
    await expect(page.getByTestId('filter-range')).toBeVisible();
    expect(errors).toEqual([]);
  });
});

test.describe('accessibility', () => {
  test('header controls are keyboard reachable with a visible focus ring', async ({ page }) => {
    await openDashboard(page, '/?range=1h');
    const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    const ring = () =>
      page.evaluate(() => {
        const style = getComputedStyle(document.activeElement as Element);
        return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
      });
    // Bounded walks: the header and filter bar hold search, presets, compare, copy link and each
    // tile's export buttons, so a fixed small count says nothing about order.
    const walkTo = async (testId: string, key: 'Tab' | 'Shift+Tab') => {
      for (let i = 0; i < 120 && (await focusedTestId()) !== testId; i++) await page.keyboard.press(key);
      expect(await focusedTestId()).toBe(testId);
    };
    const tabTo = async (testId: string) => {
      await walkTo(testId, 'Tab');
      const { style, width } = await ring();
      expect(style).not.toBe('none');
      expect(width).toBeGreaterThanOrEqual(2);
    };

    await tabTo('tv-toggle');
    await tabTo('theme-toggle');
    await tabTo('trend-table-toggle');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('trend-table-toggle')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('trend-table')).toBeVisible();
    await tabTo('demographics-table-toggle');

    // Enter TV mode from the keyboard too.
    await walkTo('tv-toggle', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(page.locator('[data-tv="true"]')).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(page.locator('[data-tv="true"]')).toHaveCount(0);
  });

  test('the trend chart has a summary and a table with one row per point', async ({ page }) => {
    await openDashboard(page, '/?range=1h');
    const trend = page.getByTestId('trend');
    await expect(trend.getByRole('img')).toHaveAttribute(
      'aria-label',
      /^Revenue per minute, \d+ points, total \$[\d,]+\.\d\d, peak \$[\d,]+\.\d\d at \d\d:\d\d$/,
    );

    const toggle = page.getByTestId('trend-table-toggle');
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await expect(page.getByRole('button', { name: 'Table view of revenue over time' })).toBeVisible();
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const table = page.getByTestId('trend-table');
    await expect(table).toBeVisible();
    await expect(trend.getByRole('img')).toHaveCount(0);
    await expect(page.getByRole('table', { name: /Revenue per minute/ })).toBeVisible();

    // Same data as the chart: one row per trend point, the same total (read together, as
    // live updates may move both).
    await expect
      .poll(async () => {
        const points = Number(await trend.getAttribute('data-points'));
        const total = Number(await trend.getAttribute('data-total-revenue'));
        const rows = await table
          .locator('tbody tr')
          .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-revenue'))));
        const sum = rows.reduce((a, b) => a + b, 0);
        return rows.length === points && sum === total ? 'same' : { rows: rows.length, points, sum, total };
      })
      .toBe('same');
    expect(Number(await trend.getAttribute('data-points'))).toBeGreaterThan(0);
    await page.screenshot({ path: test.info().outputPath('trend-table.png') });

    await toggle.click();
    await expect(table).toHaveCount(0);
    await expect(trend.getByRole('img')).toBeVisible();
  });

  test('the customers tile has chart summaries and a table view', async ({ page }) => {
    await openDashboard(page, '/?range=1h');
    const tile = page.getByTestId('demographics');
    await expect(tile.getByRole('img', { name: /^Revenue by age band, 8 groups, total \$/ })).toBeVisible();
    await expect(tile.getByRole('img', { name: /^Revenue by gender, 4 groups, total \$/ })).toBeVisible();

    const toggle = page.getByTestId('demographics-table-toggle');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const table = page.getByTestId('demographics-table');
    await expect(table).toBeVisible();
    await expect(table.locator('tbody tr[data-group="Age band"]')).toHaveCount(8);
    await expect(table.locator('tbody tr[data-group="Gender"]')).toHaveCount(4);
    await expect(table.locator('tbody tr[data-group="New vs returning"]')).toHaveCount(2);
    await expect(table.getByRole('rowheader', { name: 'Age band' })).toBeVisible();
  });
});
