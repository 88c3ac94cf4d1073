// The views at the widths people use them (desktop, laptop, tablet, phone), light and dark: no
// sideways scrolling, key figures shortened rather than cut, the day presets shown as presets,
// and TV mode on one wall screen without scrolling. Screenshots are kept as artefacts.
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, openDashboard, test } from './fixtures';

const WIDTHS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const THEMES = ['light', 'dark'] as const;
/** Wall screens, with the fewest whole rows the popular products and the live orders must show there. */
const WALLS = [
  { width: 1920, height: 1080, rows: { products: 10, orders: 6 } },
  { width: 1280, height: 720, rows: { products: 4, orders: 3 } },
] as const;

/** One sale of $1,345,388,123.45: a figure wide enough to need shortening on every narrow card. */
const BIG_SALE = { storeId: 'E2E-WIDE', quantity: 1, unitPriceCents: 134_538_812_345 };
const PAGES = [
  { name: 'dashboard', url: '/?range=today' },
  { name: 'product', url: '/products/SKU-E2E-1?range=today' },
  { name: 'store', url: `/stores/${BIG_SALE.storeId}?range=today` },
] as const;

/** How far the page is wider than the screen, and the outermost elements that stick out; null if it is not. */
async function horizontalOverflow(
  page: Page,
): Promise<{ scrollWidth: number; clientWidth: number; culprits: string[] } | null> {
  return page.evaluate(() => {
    const { scrollWidth, clientWidth } = document.documentElement;
    if (scrollWidth <= clientWidth) return null;
    const sticksOut = (el: Element | null) => el !== null && el.getBoundingClientRect().right > clientWidth + 0.5;
    const culprits = Array.from(document.body.querySelectorAll('*'))
      .filter((el) => sticksOut(el) && !sticksOut(el.parentElement))
      .slice(0, 5)
      .map((el) => `${el.tagName} ${el.getAttribute('data-testid') ?? ''} .${el.className}`.slice(0, 160));
    return { scrollWidth, clientWidth, culprits };
  });
}

/** Rows on screen (not hidden for want of room). */
function shownRows(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .evaluateAll((rows) => rows.filter((row) => row.checkVisibility({ visibilityProperty: true })).length);
}

/** Shown rows of the popular products and the live orders that stick out of their box. */
function cutRows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = [
      ['[data-testid="top-products"] section', 'tbody > tr'],
      ['[data-testid="ticker"] ol', ':scope > li'],
    ] as const;
    const cut: string[] = [];
    for (const [boxSelector, rowSelector] of boxes) {
      const box = document.querySelector(boxSelector);
      if (!box) continue;
      const { bottom } = box.getBoundingClientRect();
      for (const row of box.querySelectorAll(rowSelector)) {
        if (!row.checkVisibility({ visibilityProperty: true })) continue;
        const rect = row.getBoundingClientRect();
        if (rect.bottom > bottom + 0.5)
          cut.push(`${boxSelector}: ${row.textContent?.slice(0, 40)} (${rect.bottom} > ${bottom})`);
      }
    }
    return cut;
  });
}

/** Whether the header's name and its controls cover each other (they should wrap instead). */
async function headerOverlaps(page: Page): Promise<boolean> {
  return page
    .locator('header > div')
    .first()
    .evaluate((row) => {
      const [name, controls] = Array.from(row.children, (el) => el.getBoundingClientRect());
      if (!name || !controls) return false;
      const apart = (a: DOMRect, b: DOMRect) =>
        a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
      return !apart(name, controls);
    });
}

/**
 * Figures whose text is wider than their box: key-figure elements (`kpi-*`: values, changes,
 * detail lines) and every figure that shortens itself to fit (`data-fit`, FitText).
 */
async function clippedFigures(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid^="kpi-"], [data-fit]')
    .evaluateAll((els) =>
      els
        .filter((el) => el.scrollWidth > el.clientWidth)
        .map(
          (el) =>
            `${el.getAttribute('data-testid') ?? el.tagName}: "${el.textContent}" ${el.scrollWidth} > ${el.clientWidth}`,
        ),
    );
}

/** A full-page screenshot kept in the test's output folder (.pulse/e2e-artifacts) and attached to the report. */
async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** The text a figure shows (its shortened form when shortened; the exact one is for screen readers). */
function shownText(figure: Locator): Promise<string> {
  return figure.evaluate((el) => (el.querySelector('[aria-hidden="true"]') ?? el).textContent ?? '');
}

/** Net sales include the big sale and read as billions, exact or shortened, never cut off. */
async function expectBigRevenue(page: Page): Promise<void> {
  const revenue = page.getByTestId('kpi-revenue');
  await expect
    .poll(async () => Number(await revenue.getAttribute('data-value')))
    .toBeGreaterThanOrEqual(BIG_SALE.unitPriceCents);
  expect(await shownText(revenue)).toMatch(/^\$\d{1,3}(,\d{3}){3}(\.\d\d)?$|^\$\d+(\.\d+)?B$/);
}

test.describe('at every width', () => {
  // Sold once (`sell` is a per-test fixture, so not in beforeAll; a failed test restarts the
  // worker, so the API says whether it was sold).
  test.beforeEach(async ({ sell, request }) => {
    const store = await request.get(`/api/v1/overview?range=today&store=${BIG_SALE.storeId}`);
    const { totals } = (await store.json()) as { totals: { orders: number } };
    if (totals.orders === 0) await sell(BIG_SALE);
  });

  for (const size of WIDTHS) {
    test(`inventory at ${size.name} ${size.width}×${size.height}: no sideways scrolling, header clear`, async ({
      page,
    }, testInfo) => {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const theme of THEMES) {
        await page.emulateMedia({ colorScheme: theme });
        await openDashboard(page, '/inventory');
        await expect(page.getByTestId('stock-row').first()).toBeVisible();
        await page.getByTestId('stock-expand').first().click();
        await expect(page.getByTestId('stock-breakdown')).toBeVisible();
        expect(await horizontalOverflow(page), 'inventory overflows sideways').toBeNull();
        expect(await headerOverlaps(page), "inventory: the header's name and controls overlap").toBe(false);
        await attachScreenshot(page, testInfo, `inventory-${size.name}-${theme}.png`);
      }
    });
  }

  for (const size of WIDTHS) {
    test(`${size.name} ${size.width}×${size.height}: no sideways scrolling, figures whole, day presets`, async ({
      page,
    }, testInfo) => {
      test.slow(); // three pages, two themes
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const theme of THEMES) {
        await page.emulateMedia({ colorScheme: theme });
        for (const view of PAGES) {
          await openDashboard(page, view.url);
          await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
          await expectBigRevenue(page);
          expect(await horizontalOverflow(page), `${view.name} overflows sideways`).toBeNull();
          expect(await clippedFigures(page), `${view.name} cuts figures`).toEqual([]);
          expect(await headerOverlaps(page), `${view.name}: the header's name and controls overlap`).toBe(false);
          // Today is a preset: its button is pressed and no custom range is shown.
          const range = page.getByTestId('filter-range');
          await expect(range.locator('[data-range="today"]')).toHaveAttribute('aria-pressed', 'true');
          await expect(range.locator('[data-range="custom"]')).toHaveAttribute('aria-pressed', 'false');
          await expect(range.locator('[data-range="today"]')).toBeInViewport();
          await expect(page.getByText('Custom', { exact: true })).toHaveCount(0);
          await attachScreenshot(page, testInfo, `${view.name}-${size.name}-${theme}.png`);
        }

        await openDashboard(page, '/?range=yesterday');
        const yesterday = page.getByTestId('filter-range').locator('[data-range="yesterday"]');
        await expect(yesterday).toHaveAttribute('aria-pressed', 'true');
        await expect(yesterday).toBeInViewport();
        await expect(page.getByText('Custom', { exact: true })).toHaveCount(0);
        expect(await horizontalOverflow(page), 'yesterday overflows sideways').toBeNull();

        await openDashboard(page, '/?range=today&tv=1');
        await expect(page.getByTestId('tv-legend')).toContainText('Today so far');
        await expect(page.getByTestId('tv-legend')).not.toContainText('Custom');
        expect(await horizontalOverflow(page), 'TV mode overflows sideways').toBeNull();
        expect(await clippedFigures(page), 'TV mode cuts figures').toEqual([]);
        await attachScreenshot(page, testInfo, `tv-${size.name}-${theme}.png`);
      }
    });
  }

  for (const wall of WALLS) {
    test(`TV mode fits one ${wall.width}×${wall.height} screen, readable, without hover hints`, async ({
      page,
    }, testInfo) => {
      await page.setViewportSize({ width: wall.width, height: wall.height });
      for (const theme of THEMES) {
        await page.emulateMedia({ colorScheme: theme });
        await openDashboard(page, '/?range=today&tv=1');
        await expect(page.getByTestId('ticker-row').first()).toBeVisible();
        await expectBigRevenue(page);
        const height = await page.evaluate(() => ({
          scroll: document.documentElement.scrollHeight,
          viewport: window.innerHeight,
        }));
        expect(height.scroll, 'TV mode scrolls').toBeLessThanOrEqual(height.viewport);
        expect(await horizontalOverflow(page), 'TV mode overflows sideways').toBeNull();
        expect(await clippedFigures(page), 'TV mode cuts figures').toEqual([]);
        // Every row shown is whole: the popular products and the live orders end with a whole
        // row, not one cut by the tile's edge (the ticker's rows settle after their slide-in).
        await expect.poll(() => cutRows(page), { message: 'TV mode cuts a row' }).toEqual([]);
        expect(await shownRows(page, '[data-testid="top-product-row"]')).toBeGreaterThanOrEqual(wall.rows.products);
        expect(await shownRows(page, '[data-testid="ticker-row"]')).toBeGreaterThanOrEqual(wall.rows.orders);
        // Table text readable across a room; nothing asks for a pointer a wall does not have.
        const cells = '[data-tv="true"] :is(td, th, [data-testid="ticker-row"])';
        const small = await page.locator(`${cells}, ${cells} *`).evaluateAll((els) =>
          els
            // Elements with text of their own, on screen (not the screen-reader-only words).
            .filter(
              (el) =>
                el.checkVisibility() &&
                !el.closest('.sr-only') &&
                Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()),
            )
            .map((el) => ({
              text: el.textContent?.trim().slice(0, 30),
              px: Number.parseFloat(getComputedStyle(el).fontSize),
            }))
            .filter((cell) => cell.px < 16),
        );
        expect(small, 'table text under 16 px').toEqual([]);
        await expect(page.locator('body')).not.toContainText(/hover/i, { useInnerText: true });
        await attachScreenshot(page, testInfo, `tv-${wall.width}x${wall.height}-${theme}.png`);
      }
    });
  }
});
