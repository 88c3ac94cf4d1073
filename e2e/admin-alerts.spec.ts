// Admin → Alerts in a real browser against the real stack, as the test admin: the seeded rules
// listed in words, a rule for one store created, its threshold changed, disabled and deleted
// through the admin API (each step checked against the API too), the form showing only the
// fields a metric takes and the API's refusal under its field, and the page at phone width.
import { expect, type Page, test } from '@playwright/test';

const unique = (what: string) => `${what} ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

interface Rule {
  id: string;
  name: string;
  threshold: number | null;
  enabled: boolean;
  scope_kind: string;
  scope_value: string | null;
}

async function ruleNamed(page: Page, name: string): Promise<Rule | undefined> {
  const res = await page.request.get('/api/v1/admin/alert-rules');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { rules: Rule[] }).rules.find((r) => r.name === name);
}

/** How far the page is wider than the screen (0: no sideways scrolling). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test.describe('admin: alert rules', () => {
  // Deleting asks for confirmation.
  test.beforeEach(({ page }) => page.on('dialog', (dialog) => void dialog.accept()));

  test('lists the seeded rules in words, reached from the admin tabs', async ({ page }) => {
    await page.goto('/admin/users');
    await page.getByTestId('admin-tab-alerts').click();
    await expect(page).toHaveURL(/\/admin\/alerts$/);
    await expect(page.getByTestId('admin-tab-alerts')).toHaveAttribute('aria-current', 'page');
    const list = page.getByTestId('rules');
    for (const column of [
      'Rule',
      'Metric',
      'Level',
      'Scope',
      'Threshold',
      'Window',
      'History',
      'Severity',
      'Enabled',
    ]) {
      await expect(list.getByRole('columnheader', { name: column })).toBeVisible();
    }
    const low = page.locator('[data-testid="rule-row"][data-name="Low stock"]');
    await expect(low.getByTestId('rule-metric')).toHaveText('Low stock');
    await expect(low.getByTestId('rule-level')).toHaveText('Store × SKU');
    await expect(low.getByTestId('rule-threshold')).toHaveText('Inventory rule');
    await expect(low.getByTestId('rule-window')).toHaveText('—not used');
    const revenue = page.locator('[data-testid="rule-row"][data-name="Store revenue anomaly"]');
    await expect(revenue.getByTestId('rule-metric')).toHaveText('Revenue anomaly');
    await expect(revenue.getByTestId('rule-level')).toHaveText('Per store');
    await expect(revenue.getByTestId('rule-scope')).toHaveText('Everywhere');
    await expect(revenue.getByTestId('rule-threshold')).toHaveText('|z| ≥ 3.5');
    await expect(revenue.getByTestId('rule-window')).toHaveText('5 min');
    await expect(revenue.getByTestId('rule-history')).toHaveText('14 days');
  });

  test('creates an on-hand rule for one store, edits its threshold, disables and deletes it', async ({ page }) => {
    const name = unique('E2E-01 low');
    await page.goto('/admin/alerts');
    const form = page.getByTestId('create-rule');
    await page.getByTestId('new-rule-name').fill(name);
    await page.getByTestId('new-rule-metric').selectOption('on_hand');
    await page.getByTestId('new-rule-scope-kind').selectOption('store');
    // No store yet: the API's refusal shows under the store field, nothing is created.
    await page.getByTestId('new-rule-threshold').fill('5');
    await page.getByTestId('new-rule-submit').click();
    const storeError = form.getByTestId('rule-field-error');
    await expect(storeError).toHaveText('scope_value is required when scope_kind is store: a store id');
    await expect(page.getByTestId('new-rule-scope-value')).toHaveAttribute('aria-invalid', 'true');
    expect(await ruleNamed(page, name)).toBeUndefined();

    await page.getByTestId('new-rule-scope-value').fill('E2E-01');
    await expect(storeError).toHaveCount(0);
    await page.getByTestId('new-rule-severity').selectOption('critical');
    await page.getByTestId('new-rule-submit').click();
    await expect(page.getByTestId('rules-notice')).toContainText(`${name} was created.`);
    const row = page.locator(`[data-testid="rule-row"][data-name="${name}"]`);
    await expect(row.getByTestId('rule-metric')).toHaveText('On hand below');
    await expect(row.getByTestId('rule-scope')).toHaveText('Store E2E-01');
    await expect(row.getByTestId('rule-threshold')).toHaveText('< 5 units');
    await expect(row.getByTestId('rule-severity')).toHaveText('Critical');
    await expect(row.getByTestId('rule-enabled')).toHaveAttribute('aria-checked', 'true');
    expect(await ruleNamed(page, name)).toMatchObject({ threshold: 5, scope_kind: 'store', scope_value: 'E2E-01' });
    // The form is empty again for the next rule.
    await expect(page.getByTestId('new-rule-name')).toHaveValue('');

    await row.getByTestId('rule-edit').click();
    const edit = page.getByTestId('edit-rule');
    await expect(page.getByTestId('edit-rule-threshold')).toHaveValue('5');
    await page.getByTestId('edit-rule-threshold').fill('0');
    await page.getByTestId('edit-rule-submit').click();
    await expect(edit.getByTestId('rule-field-error')).toHaveText('threshold must be greater than 0');
    await page.getByTestId('edit-rule-threshold').fill('12');
    await page.getByTestId('edit-rule-submit').click();
    await expect(page.getByTestId('rules-notice')).toContainText(`${name} was updated.`);
    await expect(edit).toHaveCount(0);
    await expect(row.getByTestId('rule-threshold')).toHaveText('< 12 units');
    expect(await ruleNamed(page, name)).toMatchObject({ threshold: 12, enabled: true });

    await row.getByTestId('rule-enabled').click();
    await expect(page.getByTestId('rules-notice')).toContainText(`${name} is disabled`);
    await expect(row.getByTestId('rule-enabled')).toHaveAttribute('aria-checked', 'false');
    expect(await ruleNamed(page, name)).toMatchObject({ enabled: false });

    await row.getByTestId('rule-delete').click();
    await expect(page.getByTestId('rules-notice')).toContainText(`${name} was deleted.`);
    await expect(row).toHaveCount(0);
    expect(await ruleNamed(page, name)).toBeUndefined();
  });

  test('shows the fields a metric takes and no others', async ({ page }) => {
    await page.goto('/admin/alerts');
    const fields = ['new-rule-level', 'new-rule-threshold', 'new-rule-window', 'new-rule-history'] as const;
    const shown = async () => {
      const out: string[] = [];
      for (const id of fields) if (await page.getByTestId(id).isVisible()) out.push(id.replace('new-rule-', ''));
      return out;
    };
    await page.getByTestId('new-rule-metric').selectOption('low_stock');
    expect(await shown()).toEqual([]);
    await page.getByTestId('new-rule-metric').selectOption('days_of_cover');
    expect(await shown()).toEqual(['threshold']);
    await expect(page.getByText('Threshold (days)')).toBeVisible();
    await page.getByTestId('new-rule-metric').selectOption('orders_anomaly');
    expect(await shown()).toEqual(['level', 'threshold', 'window', 'history']);
    await expect(page.getByText('Threshold (robust z)')).toBeVisible();
    await expect(page.getByTestId('new-rule-scope-value')).toHaveCount(0);
    await page.getByTestId('new-rule-scope-kind').selectOption('region');
    await expect(page.getByText('Region', { exact: true })).toBeVisible();
  });

  test('fits a phone: no sideways scrolling, the form usable', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('/admin/alerts');
      await expect(page.getByTestId('rule-row').first()).toBeVisible();
      expect(await overflow(page), `alerts overflows sideways (${theme})`).toBe(0);
      await page.getByTestId('new-rule-metric').selectOption('revenue_anomaly');
      await expect(page.getByTestId('new-rule-history')).toBeVisible();
      await page.getByTestId('rule-edit').first().click();
      await expect(page.getByTestId('edit-rule')).toBeVisible();
      expect(await overflow(page), `alerts with a form open overflows sideways (${theme})`).toBe(0);
      const box = await page.getByTestId('new-rule-submit').boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    }
  });
});
