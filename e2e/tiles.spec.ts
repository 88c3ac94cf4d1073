// The dashboard's tiles: KPI changes and sparklines, trend metric and previous period, popular
// products, movers, customers, mix, the live order ticker, freshness, CSV links, time zone.
import type { Page } from '@playwright/test';
import { expect, kpi, openDashboard, test } from './fixtures';

type KpiId = 'revenue' | 'orders' | 'units' | 'aov';
const KPI_KEYS = { revenue: 'revenue_cents', orders: 'orders', units: 'units', aov: 'aov_cents' } as const;

interface Totals {
  revenue_cents: number;
  orders: number;
  units: number;
  aov_cents: number;
}
interface ApiOverview {
  tz: string;
  totals: Totals;
  previous: { totals: Totals };
  top_products: { sku: string }[];
  recent_orders?: { event_id: string }[];
}

async function api(page: Page, search: string): Promise<ApiOverview> {
  const res = await page.request.get(`/api/v1/overview?${search}`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as ApiOverview;
}

/** The view parameters of the page's URL (what the dashboard asks the API for). */
function viewOf(page: Page): string {
  const params = new URL(page.url()).searchParams;
  params.delete('tv');
  return params.toString();
}

const EXPORT_TILES = ['kpis', 'trend', 'top_products', 'movers', 'demographics', 'mix', 'recent_orders'];

test.describe('tiles', () => {
  test('the browser time zone is added to the URL and shown', async ({ page }) => {
    await openDashboard(page, '/?range=1h');
    const tz = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    await expect(page).toHaveURL(new RegExp(`[?&]tz=${encodeURIComponent(tz).replace(/%2F/g, '(%2F|/)')}(&|$)`));
    await expect(page).toHaveURL(/range=1h/);
    await expect(page.getByTestId('filter-tz')).toHaveText(tz);
  });

  test('every tile renders with the seeded data', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await openDashboard(page, '/?range=1h');
    await expect(page).toHaveURL(/tz=/);

    for (const id of ['revenue', 'orders', 'units', 'aov'] as const) {
      expect(await kpi(page, id)).toBeGreaterThan(0);
      await expect(page.getByTestId(`kpi-${id}-change`)).toHaveAttribute('data-change', /^-?\d+$/);
    }
    await expect(page.getByTestId('kpis').locator('.recharts-area-curve')).toHaveCount(5); // one sparkline per card: net sales, refunds, orders, units, AOV
    await expect(page.getByTestId('trend').locator('.trend-previous')).toHaveCount(1);
    expect(Number(await page.getByTestId('trend').getAttribute('data-points'))).toBeGreaterThan(0);
    await expect(page.getByTestId('top-product-row').first()).toBeVisible();
    await expect(page.getByTestId('rank-move').first()).toHaveAttribute('data-move', /^(new|-?\d+)$/);
    await expect(page.getByTestId('movers')).toBeVisible();
    await expect(page.getByTestId('mover-row').first()).toBeVisible();
    await expect(page.getByTestId('mix-category').locator('li').first()).toBeVisible();
    await expect(page.getByTestId('mix-channel').locator('li').first()).toBeVisible();
    await expect(page.getByTestId('ticker-row').first()).toBeVisible();
    await expect(page.getByTestId('freshness')).toContainText(/s behind/);
    await expect(page.getByTestId('freshness')).toContainText(/backlog \d/);
    await expect(page.getByTestId('asof-trend')).toHaveText(/^as of \d\d:\d\d:\d\d$/);

    // Customers: revenue by default, orders on request.
    const tile = page.getByTestId('demographics');
    await expect(tile.getByRole('img', { name: /^Revenue by age band/ })).toBeVisible();
    await page.getByTestId('demographics-metric').locator('[data-value="orders"]').click();
    await expect(tile.getByRole('img', { name: /^Orders by age band, 8 groups, total \d/ })).toBeVisible();

    // CSV links carry the view, including its time zone.
    const view = new URL(page.url()).searchParams;
    for (const t of EXPORT_TILES) {
      const link = page.getByTestId(`csv-${t}`);
      await expect(link).toHaveAttribute('download', '');
      const href = new URL((await link.getAttribute('href')) ?? '', page.url());
      expect(href.pathname).toBe('/api/v1/export');
      expect(href.searchParams.get('tile')).toBe(t);
      expect(href.searchParams.get('tz')).toBe(view.get('tz'));
      expect(href.searchParams.get('range')).toBe('1h');
    }
    const csv = await page.request.get((await page.getByTestId('csv-kpis').getAttribute('href')) ?? '');
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/csv/);

    await page.getByTestId('demographics-metric').locator('[data-value="revenue"]').click();
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: test.info().outputPath('tiles-light.png'), fullPage: true });
    await page.screenshot({ path: test.info().outputPath('tiles-light-fold.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.screenshot({ path: test.info().outputPath('tiles-dark.png'), fullPage: true });
    await page.screenshot({ path: test.info().outputPath('tiles-dark-fold.png') });
  });

  test('KPI changes equal current minus previous from the API', async ({ page }) => {
    await openDashboard(page, '/?range=15m');
    await expect(page).toHaveURL(/tz=/);
    // Read the API and the page together: live updates may move both.
    await expect
      .poll(async () => {
        const data = await api(page, viewOf(page));
        const mismatches: string[] = [];
        for (const id of Object.keys(KPI_KEYS) as KpiId[]) {
          const key = KPI_KEYS[id];
          const expected = data.totals[key] - data.previous.totals[key];
          const shown = Number(await page.getByTestId(`kpi-${id}-change`).getAttribute('data-change'));
          if (shown !== expected) mismatches.push(`${id}: ${shown} ≠ ${expected}`);
        }
        return mismatches;
      })
      .toEqual([]);
  });

  test('a produced sale appears in the ticker and moves the KPIs', async ({ page, sell }) => {
    // 1 h, not 15 min: the seeded sales must not slide out of the range while the test counts.
    await openDashboard(page, '/?range=1h');
    const orders = await kpi(page, 'orders');
    const change = Number(await page.getByTestId('kpi-orders-change').getAttribute('data-change'));

    await sell({ quantity: 2, unitPriceCents: 1717, channel: 'app' });

    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(orders + 1));
    await expect(page.getByTestId('kpi-orders-change')).toHaveAttribute('data-change', String(change + 1));
    const first = page.getByTestId('ticker-row').first();
    await expect(first).toHaveAttribute('data-revenue', '3434');
    await expect(first).toContainText('Playwright Mug');
    await expect(first).toContainText('$34.34');
    await expect(first).toContainText('App');
  });

  test('top N: 25 rows (or every product) and the choice in the URL; by units', async ({ page }) => {
    await openDashboard(page, '/?range=1h');
    await expect(page).toHaveURL(/tz=/);
    await expect(page.getByTestId('top-product-row')).toHaveCount(
      Math.min(10, (await api(page, viewOf(page))).top_products.length),
    );

    await page.getByTestId('top-n').selectOption('25');
    await expect(page).toHaveURL(/[?&]top=25\b/);
    const all = (await api(page, `${viewOf(page).replace(/top=25/, 'top=50')}`)).top_products.length;
    await expect(page.getByTestId('top-product-row')).toHaveCount(Math.min(25, all));
    expect(Math.min(25, all)).toBeGreaterThan(10);

    await page.getByTestId('top-by').locator('[data-value="units"]').click();
    await expect(page).toHaveURL(/top_by=units/);
    await expect(page).toHaveURL(/top=25/);
    await expect(page.getByTestId('top-by').locator('[data-value="units"]')).toHaveAttribute('aria-pressed', 'true');
    const skus = (await api(page, viewOf(page))).top_products.map((p) => p.sku);
    await expect
      .poll(() =>
        page.getByTestId('top-product-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku'))),
      )
      .toEqual(skus);
    await expect(page.getByTestId('rank-move')).toHaveCount(skus.length);
  });

  test('the metric switch changes the trend; the previous period is overlaid', async ({ page }) => {
    await openDashboard(page, '/?range=1h');
    const trend = page.getByTestId('trend');
    const chart = trend.getByRole('img');
    await expect(trend).toHaveAttribute('data-metric', 'revenue');
    await expect(chart).toHaveAttribute('aria-label', /^Revenue per minute, \d+ points, total \$/);
    const points = await trend.getAttribute('data-points');

    await page.getByTestId('trend-metric').locator('[data-value="orders"]').click();
    await expect(trend).toHaveAttribute('data-metric', 'orders');
    await expect(chart).toHaveAttribute('aria-label', /^Orders per minute, \d+ points, total \d+/);
    await expect(trend.locator('.trend-previous')).toHaveCount(1);

    await page.getByTestId('trend-metric').locator('[data-value="aov"]').click();
    await expect(chart).toHaveAttribute('aria-label', /^Avg\. order value per minute, \d+ points, overall \$/);
    await expect(trend).toHaveAttribute('data-points', points ?? '');
  });

  test('granularity override and a custom range go to the URL', async ({ page }) => {
    await openDashboard(page, '/?range=4h');
    await expect(page).toHaveURL(/tz=/);
    await page.getByTestId('filter-granularity').selectOption('hour');
    await expect(page).toHaveURL(/granularity=hour/);
    await expect(page.getByTestId('trend').getByRole('img')).toHaveAttribute(
      'aria-label',
      /^Revenue per hour, [45] points/,
    );

    await page.getByTestId('filter-range').locator('[data-range="custom"]').click();
    await page.getByTestId('custom-from').fill('2025-01-05T09:00');
    await page.getByTestId('custom-to').fill('2025-01-05T11:30');
    await page.getByTestId('custom-apply').click();
    await expect(page).toHaveURL(/from=2025-01-0[45]T\d\d%3A\d\d%3A00Z|from=2025-01-0[45]T\d\d:\d\d:00Z/);
    await expect(page).not.toHaveURL(/range=/);
    const url = new URL(page.url());
    expect(Date.parse(url.searchParams.get('to') ?? '') - Date.parse(url.searchParams.get('from') ?? '')).toBe(
      150 * 60_000,
    );
    await expect(page.getByTestId('trend').getByRole('img')).toHaveAttribute('aria-label', /no sales in this range/);
  });

  test('hovering the ticker pauses it until the pointer leaves', async ({ page, sell }) => {
    // 1 h, not 15 min: the seeded sales must not slide out of the range while the test counts.
    await openDashboard(page, '/?range=1h');
    const ticker = page.getByTestId('ticker');
    await expect(page.getByTestId('ticker-row').first()).toBeVisible();
    const orders = await kpi(page, 'orders');
    const firstId = await page.getByTestId('ticker-row').first().getAttribute('data-event-id');

    await ticker.hover();
    await expect(page.getByTestId('ticker-paused')).toBeVisible();
    await expect(ticker).toHaveAttribute('data-paused', 'true');
    await sell({ quantity: 1, unitPriceCents: 4242 });

    // The sale has reached the page (the KPIs moved), yet the held list does not show it.
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(orders + 1));
    const newId = (await api(page, viewOf(page))).recent_orders?.[0]?.event_id;
    expect(newId).toBeTruthy();
    expect(newId).not.toBe(firstId);
    await expect(page.getByTestId('ticker-paused')).toContainText('1 new');
    await expect(ticker.locator(`[data-event-id="${newId}"]`)).toHaveCount(0);
    await expect(page.getByTestId('ticker-row').first()).toHaveAttribute('data-event-id', firstId ?? '');

    await page.mouse.move(0, 0);
    await expect(page.getByTestId('ticker-paused')).toHaveCount(0);
    await expect(page.getByTestId('ticker-row').first()).toHaveAttribute('data-event-id', newId ?? '');
  });
});
