// Accessibility of every page in both themes: axe-core with all its (non-experimental) rules,
// no colour-contrast failure and nothing serious or critical; and no unnamed tab stop (a chart
// or a sparkline that takes focus must say what it is).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openDashboard, test } from './fixtures';

type Theme = 'light' | 'dark';

interface Violation {
  id: string;
  impact?: string | null;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** The violations a page may not have, each with where and why, for a readable failure. */
function blocking(violations: Violation[]): string[] {
  return violations
    .filter((v) => v.id === 'color-contrast' || v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    );
}

/** Elements in the tab order that assistive technology would announce without a name. */
function unnamedTabStops(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const focusable = document.querySelectorAll<HTMLElement>(
      'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])',
    );
    const named = (el: HTMLElement) =>
      el.getAttribute('aria-label')?.trim() ||
      el.getAttribute('aria-labelledby') ||
      el.getAttribute('title')?.trim() ||
      (el as HTMLInputElement).labels?.length ||
      el.textContent?.trim() ||
      el.getAttribute('placeholder');
    return [...focusable]
      .filter((el) => el.tabIndex >= 0 && !el.hasAttribute('disabled') && el.getClientRects().length > 0)
      .filter((el) => !named(el))
      .map((el) => el.outerHTML.slice(0, 160));
  });
}

async function audit(page: Page, theme: Theme): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
  // Figures fade in on update; audit the settled page, not a frame of a transition (endless
  // ones, a live dot's pulse, have no end to skip to).
  await page.evaluate(() => {
    for (const a of document.getAnimations()) if (a.effect?.getComputedTiming().endTime !== Infinity) a.finish();
  });
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(blocking(violations)).toEqual([]);
  expect(await unnamedTabStops(page)).toEqual([]);
}

const THEMES: Theme[] = ['light', 'dark'];

for (const theme of THEMES) {
  test.describe(`accessibility, ${theme} theme`, () => {
    test.use({ colorScheme: theme, reducedMotion: 'reduce' });

    test('dashboard, TV mode, product and store pages', async ({ page, sell }) => {
      // Five full-page audits (axe takes seconds on a live dashboard on 2 shared cores).
      test.setTimeout(180_000);
      await sell({ quantity: 2, unitPriceCents: 1250 });
      await openDashboard(page, '/?range=1h');
      await expect(page.getByTestId('ticker-row').first()).toBeVisible();
      await audit(page, theme);
      // The saved views menu open, with a view in it and the save form.
      await page.request.post('/api/v1/views', { data: { name: `a11y ${theme} ${Date.now()}`, query: 'range=1h' } });
      await page.getByTestId('saved-views').click();
      await expect(page.getByTestId('saved-view').first()).toBeVisible();
      await audit(page, theme);

      await openDashboard(page, '/?range=1h&tv=1');
      await audit(page, theme);

      await expect.poll(async () => (await page.request.get('/api/v1/products/SKU-E2E-1?range=1h')).status()).toBe(200);
      await openDashboard(page, '/products/SKU-E2E-1?range=1h');
      await expect(page.getByTestId('product-sku')).toBeVisible();
      await audit(page, theme);

      await openDashboard(page, '/stores/E2E-01?range=1h');
      await expect(page.getByTestId('store-title')).toBeVisible();
      await audit(page, theme);
    });

    test('inventory page, a row opened', async ({ page }) => {
      await openDashboard(page, '/inventory');
      await expect(page.getByTestId('stock-row').first()).toBeVisible();
      await page.getByTestId('stock-expand').first().click();
      await expect(page.getByTestId('stock-breakdown')).toBeVisible();
      await audit(page, theme);
      // The empty state.
      await openDashboard(page, '/inventory?q=no-such-sku-anywhere');
      await expect(page.getByText('No stock matches these filters')).toBeVisible();
      await audit(page, theme);
    });

    test('alerts page, with alerts and empty', async ({ page }) => {
      await page.goto('/alerts?state=all');
      await expect(page.getByTestId('alerts-page')).not.toHaveAttribute('aria-busy', 'true');
      await audit(page, theme);
      await page.goto('/alerts?store=NO-SUCH-STORE');
      await expect(page.getByText('No alerts here')).toBeVisible();
      await audit(page, theme);
    });

    test('dead letters and admin pages', async ({ page, producer }) => {
      const key = `e2e-a11y-${Date.now()}`;
      await producer.send({ topic: process.env.E2E_SALES_TOPIC as string, messages: [{ key, value: '{"half' }] });
      await page.goto('/ops/dead-letters');
      await expect(page.getByTestId('dead-letter-row').filter({ hasText: key })).toHaveCount(1, { timeout: 30_000 });
      await audit(page, theme);

      await page.goto('/admin/users');
      await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
      await audit(page, theme);

      await page.goto('/admin/embeds');
      await expect(page.getByRole('heading', { name: 'Embeds', exact: true })).toBeVisible();
      await audit(page, theme);

      // Alert rules: the list, a rule's edit form with every field (an anomaly rule), and a
      // refusal shown under its field.
      await page.goto('/admin/alerts');
      await expect(page.getByRole('heading', { name: 'Alert rules', exact: true })).toBeVisible();
      await page
        .locator('[data-testid="rule-row"][data-name="Store revenue anomaly"]')
        .getByTestId('rule-edit')
        .click();
      await expect(page.getByTestId('edit-rule-history')).toBeVisible();
      await page.getByTestId('new-rule-submit').click();
      await expect(page.getByTestId('rule-field-error').first()).toBeVisible();
      const hook = `a11y-${theme}-${Date.now()}`;
      const created = await page.request.post('/api/v1/admin/webhooks', {
        data: { name: hook, url: 'https://receiver.example/pulse', types: ['alert.opened'] },
      });
      expect(created.status()).toBe(201);
      await page.goto('/admin/webhooks');
      await expect(page.getByRole('heading', { name: 'Webhooks', exact: true })).toBeVisible();
      const row = page.getByTestId('webhook-row').filter({ hasText: hook });
      await row.getByTestId('webhook-log').click();
      await expect(row.getByTestId('delivery-log')).toContainText('No deliveries yet.');
      await audit(page, theme);
    });

    test.describe('signed out', () => {
      test.use({ storageState: { cookies: [], origins: [] } });

      test('sign-in page', async ({ page }) => {
        await page.goto('/signin');
        await expect(page.getByTestId('signin-submit')).toBeVisible();
        await audit(page, theme);
      });
    });
  });
}
