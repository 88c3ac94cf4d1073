// Ops page: dead letters produced on the e2e stack's topic show up with their reasons, the
// reason chips filter them, and selected ones are re-driven by an admin — the worker
// (still reporting USD) rejects them again, and the page shows where each copy went.
import type { Page } from '@playwright/test';
import { expect, openDashboard, test } from './fixtures';

interface ApiList {
  dead_letters: { id: number; reason: string }[];
  reasons: { reason: string; count: number }[];
  total: number;
}

async function apiList(page: Page, qs = ''): Promise<ApiList> {
  const res = await page.request.get(`/api/v1/dead-letters?${qs}`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as ApiList;
}

test.describe('ops: dead letters', () => {
  test('lists, filters by reason, re-drives the selected ones', async ({ page, producer }) => {
    const marker = `e2e-dlq-${Date.now()}`;
    const sale = {
      event_id: `${marker}-eur`,
      type: 'sale',
      occurred_at: new Date().toISOString(),
      order_id: `${marker}-eur`,
      store_id: 'E2E-01',
      channel: 'web',
      region: 'e2e-region',
      currency: 'EUR',
      customer: { id: null, age: 40, gender: 'female', loyalty_tier: 'gold', first_order: true },
      lines: [{ sku: 'SKU-E2E-EU', name: 'Euro Mug', category: 'Home', quantity: 1, unit_price_cents: 900 }],
    };
    await producer.send({
      topic: process.env.E2E_SALES_TOPIC as string,
      messages: [
        { key: `${marker}-json`, value: '{"event_id": "half' },
        { key: `${marker}-eur`, value: JSON.stringify(sale) },
        { key: `${marker}-bin`, value: Buffer.from([0xff, 0xfe, 0x00, 0x01]) },
      ],
    });

    // From the dashboard through the header.
    await openDashboard(page, '/?range=1h');
    await page.getByTestId('ops-link').click();
    await expect(page).toHaveURL(/\/ops\/dead-letters$/);
    await expect(page.getByRole('heading', { name: 'Dead letters' })).toBeVisible();

    const rowOf = (suffix: string) => page.getByTestId('dead-letter-row').filter({ hasText: `${marker}-${suffix}` });
    // The page refreshes itself every few seconds; the worker needs a moment to reject them.
    await expect(rowOf('json')).toHaveCount(1, { timeout: 30_000 });
    await expect(rowOf('eur')).toHaveCount(1);
    await expect(rowOf('json')).toHaveAttribute('data-reason', 'invalid_json');
    await expect(rowOf('json').getByTestId('payload-preview')).toHaveText('{"event_id": "half');
    await expect(rowOf('json').locator('time')).toHaveText(/\d\d:\d\d:\d\d/);
    await expect(rowOf('bin')).toHaveAttribute('data-reason', 'invalid_utf8');
    await expect(rowOf('bin').getByTestId('payload-preview')).toHaveText('ff fe 00 01');

    // The payload opens in full, pretty-printed.
    const eur = rowOf('eur');
    await expect(eur).toHaveAttribute('data-reason', 'currency_mismatch');
    await eur.getByTestId('payload-toggle').click();
    await expect(eur.getByTestId('payload-toggle')).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByTestId('payload-full')).toContainText('"currency": "EUR"');

    // Reason chips: counts as the API gives them; a chip filters the list and the address.
    const chip = (reason: string) => page.locator(`[data-testid="reason-chip"][data-reason="${reason}"]`);
    const api = await apiList(page);
    const currencyCount = api.reasons.find((r) => r.reason === 'currency_mismatch')?.count;
    await expect(chip('currency_mismatch')).toHaveAttribute('data-count', String(currencyCount));
    await expect(chip('')).toHaveAttribute('data-count', String(api.total));
    await chip('currency_mismatch').click();
    await expect(page).toHaveURL(/reason=currency_mismatch/);
    await expect(chip('currency_mismatch')).toHaveAttribute('aria-pressed', 'true');
    await expect(rowOf('json')).toHaveCount(0);
    const filtered = page.getByTestId('dead-letter-row');
    await expect(filtered).toHaveCount(Math.min(currencyCount ?? 0, 50));
    for (const reason of await filtered.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reason')))) {
      expect(reason).toBe('currency_mismatch');
    }
    await chip('').click();
    await expect(page).toHaveURL(/\/ops\/dead-letters$/);
    await expect(rowOf('json')).toHaveCount(1);

    // Select all on page, then just two rows (one by keyboard).
    await page.getByTestId('select-all').check();
    await expect(page.getByTestId('selected-count')).toHaveText(
      `${await page.getByTestId('dead-letter-row').count()} selected`,
    );
    await page.getByTestId('select-all').uncheck();
    await expect(page.getByTestId('selected-count')).toHaveText('0 selected');
    await rowOf('json').getByTestId('row-select').check();
    await eur.getByTestId('row-select').focus();
    await page.keyboard.press('Space');
    await expect(page.getByTestId('selected-count')).toHaveText('2 selected');

    const jsonId = await rowOf('json').getAttribute('data-id');
    // Re-drive: a confirmation; the admin's session is all it needs.
    await page.getByTestId('redrive-selected').click();
    const dialog = page.getByTestId('redrive-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('heading')).toHaveText('Re-drive 2 dead letters?');
    await expect(dialog.getByTestId('ops-token')).toHaveCount(0);
    await dialog.getByTestId('redrive-confirm').click();
    await expect(dialog).toBeHidden();

    await expect(page.getByTestId('redrive-summary')).toContainText('2 of 2 re-driven');
    for (const row of [rowOf('json'), eur]) {
      await expect(row.getByTestId('redrive-result')).toHaveAttribute('data-status', 'redriven');
      await expect(row.getByTestId('redrive-result')).toHaveText(/Re-driven → p\d+ · \d+/);
    }

    // The worker still reports USD: both come back as new dead letters pointing at their origin.
    await expect(rowOf('json')).toHaveCount(2, { timeout: 30_000 });
    await expect(
      page.locator(`[data-testid="redrive-of"][data-origin-id="${jsonId}"]`),
      'the copy names its origin',
    ).toHaveCount(1);
    const original = page.locator(`[data-testid="dead-letter-row"][data-id="${jsonId}"]`);
    await expect(original.getByTestId('redrive-state')).toHaveAttribute('data-outcome', 'dead_lettered');
    await expect(original.getByTestId('redrive-state')).toContainText('rejected again');
    await expect(rowOf('eur')).toHaveCount(2);
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header stays on top of the shot
    await page.screenshot({ path: test.info().outputPath('ops-dead-letters.png'), fullPage: true });
    await page.getByTestId('theme-toggle').selectOption('dark');
    await page.screenshot({ path: test.info().outputPath('ops-dead-letters-dark.png'), fullPage: true });
  });

  test('loads older pages and keeps them through refreshes', async ({ page, producer }) => {
    const marker = `e2e-page-${Date.now()}`;
    await producer.send({
      topic: process.env.E2E_SALES_TOPIC as string,
      messages: Array.from({ length: 60 }, (_, i) => ({ key: `${marker}-${i}`, value: `[${i}]` })),
    });
    await expect
      .poll(async () => (await apiList(page, 'reason=not_an_object&limit=200')).dead_letters.length)
      .toBeGreaterThanOrEqual(60);
    const total = (await apiList(page, 'reason=not_an_object&limit=200')).dead_letters.length;

    await page.goto('/ops/dead-letters?reason=not_an_object');
    const rows = page.getByTestId('dead-letter-row');
    await expect(rows).toHaveCount(50);
    await expect(page.getByTestId('reason-chip').and(page.locator('[aria-pressed="true"]'))).toHaveAttribute(
      'data-reason',
      'not_an_object',
    );
    await page.getByTestId('load-more').click();
    await expect(rows).toHaveCount(total);
    await expect(page.getByTestId('load-more')).toHaveCount(0);
    await expect(page.getByTestId('shown-count')).toHaveText(`${total} shown of ${total}`);
    // Newest first by the time they were rejected, across the page boundary (ids are allocated
    // by the workers' parallel transactions, so they need not follow that order).
    const times = await rows.evaluateAll((list) => list.map((r) => r.getAttribute('data-received-at') ?? ''));
    expect(times.every((t) => t !== '')).toBe(true);
    expect(times).toEqual([...times].sort().reverse());
    // A refresh (every 5 s, or the button) reloads the first rows without dropping the older page.
    await page.getByTestId('refresh').click();
    await page.waitForTimeout(6000);
    await expect(rows).toHaveCount(total);
  });
});
