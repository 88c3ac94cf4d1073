// Embeds in a portal (e2e/portal/): the example portal on another origin frames a live,
// locked dashboard without Pulse's chrome and sizes the iframe from its messages; a portal on an
// origin outside EMBED_ALLOWED_ORIGINS cannot frame it at all; a tampered or expired token shows
// the viewer what to do. No Pulse session anywhere: embeds work with their token alone.
import type { Frame, Page } from '@playwright/test';
import { EMBED_ID, EMBED_LOCK_REGION } from '@/e2e/portal/setup';
import { expect, test } from './fixtures';

test.use({ storageState: { cookies: [], origins: [] } });

const portalUrl = () => process.env.E2E_PORTAL_URL as string;
const forbiddenPortalUrl = () => process.env.E2E_FORBIDDEN_PORTAL_URL as string;

/** The Pulse frame inside the portal page (once it has navigated to the embed). */
async function pulseFrame(page: Page): Promise<Frame> {
  const handle = await page.locator('#pulse').elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the portal has no iframe');
  return frame;
}

async function kpiRevenue(frame: Frame): Promise<number> {
  return Number(await frame.getByTestId('kpi-revenue').getAttribute('data-value'));
}

test.describe('embeds in a portal', () => {
  test('the portal shows a live dashboard held to the lock, without Pulse chrome, sized to its content', async ({
    page,
    request,
    sell,
  }) => {
    await page.goto(portalUrl());
    const frame = await pulseFrame(page);
    await expect(frame.getByTestId('embed')).toBeVisible();
    await expect(frame.getByTestId('freshness')).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });

    // Chrome-less: no Pulse header, Ops or Admin links, user menu or CSV exports.
    await expect(frame.getByText('live retail analytics')).toHaveCount(0);
    await expect(frame.getByTestId('ops-link')).toHaveCount(0);
    await expect(frame.getByTestId('admin-link')).toHaveCount(0);
    await expect(frame.getByTestId('user-menu')).toHaveCount(0);
    await expect(frame.locator('[data-testid^="csv-"]')).toHaveCount(0);
    // The embed's theme and accent.
    await expect(frame.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await frame.getByTestId('embed').evaluate((el) => getComputedStyle(el).getPropertyValue('--accent'))).toBe(
      '#e11d48',
    );

    // The KPI totals are the API's answer for the lock (the portal's token as Bearer).
    const { token } = (await (await request.get(`${portalUrl()}/token`)).json()) as { token: string };
    const scoped = async () => {
      const res = await request.get('/api/v1/overview?range=1h', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status()).toBe(200);
      return ((await res.json()) as { totals: { revenue_cents: number } }).totals.revenue_cents;
    };
    await expect.poll(async () => (await kpiRevenue(frame)) === (await scoped())).toBe(true);
    expect(await scoped()).toBeGreaterThan(0);
    // The view outside the lock is refused to the token.
    const outside = await request.get('/api/v1/overview?region=us-east', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(outside.status()).toBe(403);

    // A sale outside the lock does not move it; one inside shows up live.
    const before = await kpiRevenue(frame);
    await sell({ storeId: 'NYC-01', region: 'us-east', quantity: 2, unitPriceCents: 99_900 });
    await sell({ storeId: 'BER-01', region: EMBED_LOCK_REGION, quantity: 3, unitPriceCents: 12_345 });
    await expect(frame.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(before + 3 * 12_345));
    await page.waitForTimeout(2000);
    expect(await kpiRevenue(frame)).toBe(before + 3 * 12_345);

    // Auto-height: the portal sized the iframe from pulse:resize to the dashboard's height.
    await expect
      .poll(async () => (await page.locator('#pulse').boundingBox())?.height ?? 0, { timeout: 15_000 })
      .toBeGreaterThan(600);
    const messages = (
      await page.evaluate(() => (window as unknown as { pulseMessages: { type: string }[] }).pulseMessages)
    ).map((m) => m.type);
    expect(messages).toContain('pulse:resize');
    expect(messages).toContain('pulse:view');
  });

  test('filters from the portal change the view within the lock; drill-downs stay in the embed', async ({ page }) => {
    await page.goto(portalUrl());
    let frame = await pulseFrame(page);
    await expect(frame.getByTestId('freshness')).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });

    // A fresh token from the portal (pulse:token) replaces the page's: the URL carries it on.
    const first = new URL(frame.url()).searchParams.get('token');
    await page.waitForTimeout(1100); // another second: another iat, another token
    await page.evaluate(() => (window as unknown as { sendFreshToken: () => Promise<void> }).sendFreshToken());
    await expect.poll(() => new URL(frame.url()).searchParams.get('token')).not.toBe(first);

    await page.evaluate(() =>
      (window as unknown as { setPulseFilters: (f: object) => void }).setPulseFilters({ range: '4h' }),
    );
    await expect.poll(() => new URL(frame.url()).searchParams.get('range')).toBe('4h');
    expect(new URL(frame.url()).searchParams.get('token')).toBeTruthy();
    // Outside the lock: ignored (the view stays as it is).
    await page.evaluate(() =>
      (window as unknown as { setPulseFilters: (f: object) => void }).setPulseFilters({ region: ['us-east'] }),
    );
    await page.waitForTimeout(1000);
    expect(new URL(frame.url()).searchParams.getAll('region')).not.toContain('us-east');

    // A product of the top list opens inside the embed, with its token.
    const link = frame.getByTestId('top-products').locator('a').first();
    await link.click();
    await expect.poll(() => new URL(frame.url()).pathname).toMatch(new RegExp(`^/embed/${EMBED_ID}/products/`));
    frame = await pulseFrame(page);
    await expect(frame.getByTestId('product-name')).toBeVisible();
    // No Pulse chrome, not even in the title a screen reader announces on navigation.
    await expect(frame.getByText('live retail analytics')).toHaveCount(0);
    await expect.poll(() => frame.evaluate(() => document.title)).toMatch(/^SKU-/);
    await expect.poll(() => page.evaluate(() => document.body.dataset.pulseView ?? '')).toMatch(/\/products\//);
  });

  test('a portal outside EMBED_ALLOWED_ORIGINS cannot frame Pulse (CSP frame-ancestors)', async ({ page }) => {
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('frame-ancestors')) refusals.push(message.text());
    });
    await page.goto(forbiddenPortalUrl());
    await expect.poll(() => refusals.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const frame = await pulseFrame(page);
    expect(frame.url()).not.toContain('/embed/');
    await expect(frame.locator('[data-testid="embed"]')).toHaveCount(0);
    await expect(frame.locator('[data-testid="kpi-revenue"]')).toHaveCount(0);
  });

  test('a token expiring while the embed is open: the message, then a fresh token from the portal lifts it', async ({
    page,
  }) => {
    await page.goto(`${portalUrl()}/?token=ending`);
    const frame = await pulseFrame(page);
    await expect(frame.getByTestId('kpi-revenue')).toBeVisible();
    await expect(frame.getByTestId('embed-expired')).toContainText('access expired — reload the portal page', {
      timeout: 20_000,
    });
    await page.evaluate(() => (window as unknown as { sendFreshToken: () => Promise<void> }).sendFreshToken());
    await expect(frame.getByTestId('embed-expired')).toHaveCount(0);
    // The view goes on with the fresh token: a change of view loads.
    await page.evaluate(() =>
      (window as unknown as { setPulseFilters: (f: object) => void }).setPulseFilters({ range: '24h' }),
    );
    await expect.poll(() => new URL(frame.url()).searchParams.get('range')).toBe('24h');
    await expect(frame.getByTestId('kpi-revenue')).toBeVisible();
    await expect(frame.getByTestId('freshness')).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });
  });

  for (const variant of ['tampered', 'expired'] as const) {
    test(`a ${variant} token shows that the view's access expired`, async ({ page }) => {
      await page.goto(`${portalUrl()}/?token=${variant}`);
      const frame = await pulseFrame(page);
      await expect(frame.getByTestId('embed-expired')).toContainText('access expired — reload the portal page');
      await expect(frame.getByTestId('kpi-revenue')).toHaveCount(0);
    });
  }
});
