// One outlier sale must not flatten the trend: the axis is cut above the ordinary buckets, the
// cut is said and marked, and the full scale is one click away.
import { expect, openDashboard, test } from './fixtures';

test('an outlier sale cuts the trend axis, marked and labelled, with the full scale on request', async ({
  page,
  producer,
}) => {
  const store = `AXIS-${Date.now() % 100_000}`;
  const now = Date.now();
  // Ten ordinary $10 sales over the last hour, then one of $5,000.
  const sales = [...Array(10).keys()].map((k) => ({ minutesAgo: 50 - k * 5, cents: 1000 }));
  sales.push({ minutesAgo: 3, cents: 500_000 });
  await producer.send({
    topic: process.env.E2E_SALES_TOPIC as string,
    messages: sales.map(({ minutesAgo, cents }, k) => {
      const id = `${store}-${k}`;
      return {
        key: id,
        value: JSON.stringify({
          event_id: id,
          type: 'sale',
          occurred_at: new Date(now - minutesAgo * 60_000).toISOString(),
          order_id: id,
          store_id: store,
          channel: 'web',
          region: 'e2e-region',
          currency: 'USD',
          customer: { id: null, age: 40, gender: 'female', loyalty_tier: 'gold', first_order: true },
          lines: [
            {
              sku: 'SKU-E2E-1',
              name: 'Playwright Mug',
              category: 'Home & Kitchen',
              quantity: 1,
              unit_price_cents: cents,
            },
          ],
        }),
      };
    }),
  });

  await openDashboard(page, `/?range=1h&store=${store}`);
  const note = page.getByTestId('trend-axis-cut');
  await expect(note).toContainText(/Axis cut at \$[\d,.]+: highest \$5,000\.00/, { timeout: 30_000 });
  // The y axis's tick labels (amounts; the x axis has times).
  const yTicks = async () =>
    (await page.getByTestId('trend').locator('.recharts-cartesian-axis-tick-value').allTextContents()).filter((t) =>
      t.startsWith('$'),
    );
  // The ordinary buckets fill the axis: its top tick is near $10, not $5K.
  await expect.poll(async () => (await yTicks()).length).toBeGreaterThan(1);
  expect(await yTicks()).not.toContainEqual(expect.stringContaining('K'));
  await page.screenshot({ path: test.info().outputPath('trend-axis-cut.png') });

  await note.getByRole('button', { name: 'Full scale' }).click();
  await expect(note).toHaveAttribute('data-full-scale', 'true');
  await expect(note).toContainText('Full scale, up to $5,000.00');
  await expect.poll(async () => (await yTicks()).some((t) => t.includes('K'))).toBe(true);
});
