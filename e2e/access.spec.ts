// Sign-in, roles and scope in a real browser against the real stack: each test starts from a
// fresh browser without a session, and the users it needs are made in the e2e database.
import { expect, type Page, test } from '@playwright/test';
import { createPrisma } from '@/lib/db';
import { hashPassword } from '@/lib/web/auth/password';
import { episodesDb, waitForOpenEpisode } from '@/tests/support/episodes';
import { connectProducer, testKafka } from '@/tests/support/stack';
import { sendStock } from './fixtures';

test.use({ storageState: { cookies: [], origins: [] } });

interface Totals {
  revenue_cents: number;
  orders: number;
}

const PASSWORD = 'e2e-access-password-1';

async function makeUser(email: string, role: string, scope: { categories?: string[]; regions?: string[] } = {}) {
  const prisma = createPrisma(process.env.E2E_DATABASE_URL as string, 1);
  try {
    await prisma.appUser.create({
      data: {
        email,
        role,
        name: email.split('@')[0] as string,
        passwordHash: await hashPassword(PASSWORD),
        scopeCategories: scope.categories ?? [],
        scopeRegions: scope.regions ?? [],
      },
    });
  } finally {
    await prisma.$disconnect();
  }
}

async function signIn(page: Page, email: string, next = '/') {
  await page.goto(next);
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('user-email')).toHaveText(email);
}

const unique = (role: string) => `${role}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.test`;

test.describe('sign-in and roles', () => {
  test('redirects to sign-in, refuses a wrong password, signs in and out', async ({ page }) => {
    const email = unique('viewer');
    await makeUser(email, 'viewer');
    await page.goto('/?range=1h');
    await expect(page).toHaveURL(/\/signin\?next=%2F%3Frange%3D1h/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('signin-error')).toContainText('Wrong email or password');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByTestId('signin-submit').click();
    // Back to the view asked for, signed in.
    await expect(page).toHaveURL(/\/\?range=1h$/);
    await expect(page.getByTestId('user-role')).toHaveText('Viewer');
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/signin/);
  });

  test('shows each role what it may use: viewers get no Ops, Admin or CSV', async ({ page }) => {
    const email = unique('viewer');
    await makeUser(email, 'viewer');
    await signIn(page, email, '/?range=1h');
    await expect(page.getByTestId('kpi-orders')).toBeVisible();
    await expect(page.getByTestId('ops-link')).toHaveCount(0);
    await expect(page.getByTestId('admin-link')).toHaveCount(0);
    await expect(page.getByTestId('csv-kpis')).toHaveCount(0);
    const ops = await page.goto('/ops/dead-letters');
    expect(ops?.status()).toBe(403);
    await expect(page.getByTestId('access-refused')).toContainText('Only an admin');
    const alerts = await page.goto('/admin/alerts');
    expect(alerts?.status()).toBe(403);
    await expect(page.getByTestId('access-refused')).toContainText('Only an admin');
    expect((await page.request.get('/api/v1/admin/alert-rules')).status()).toBe(403);
    expect((await page.request.get('/api/v1/export?tile=kpis&range=1h')).status()).toBe(403);
  });

  test('viewers see alerts but cannot act on them; a merchandiser acts inside its scope only', async ({ page }) => {
    const prisma = episodesDb(process.env.E2E_DATABASE_URL as string);
    const producer = await connectProducer(testKafka('pulse-e2e-access'));
    try {
      const [inside, outside] = await prisma.$queryRaw<{ sku: string; category: string }[]>`
        SELECT DISTINCT ON (category) sku, category FROM product ORDER BY category, sku LIMIT 2`;
      // A store of its own, none of each SKU: the evaluator opens a low-stock alert for each,
      // critical (nothing on hand), so it heads the panel, which shows the 20 first by severity
      // then age (earlier tests leave many warnings, and other stock at or below zero, open).
      const store = `E2E-ACCESS-${Date.now().toString(36).toUpperCase()}`;
      await sendStock(producer, [
        { type: 'snapshot', store, sku: inside?.sku as string, quantity: 0 },
        { type: 'snapshot', store, sku: outside?.sku as string, quantity: 0 },
      ]);
      const mine = await waitForOpenEpisode(prisma, 'low_stock', store, inside?.sku as string);
      const theirs = await waitForOpenEpisode(prisma, 'low_stock', store, outside?.sku as string);

      const viewer = unique('viewer');
      await makeUser(viewer, 'viewer');
      await signIn(page, viewer, '/?range=1h');
      const item = page.locator(`[data-testid="alert"][data-id="${mine}"]`);
      await expect(item).toBeVisible();
      await expect(item.getByTestId('alert-acknowledge')).toHaveCount(0);
      await expect(item.getByTestId('alert-snooze')).toHaveCount(0);
      expect((await page.request.post(`/api/v1/alerts/${mine}/acknowledge`, { data: {} })).status()).toBe(403);
      await page.getByTestId('user-menu').click();
      await page.getByTestId('sign-out').click();
      await expect(page).toHaveURL(/\/signin/);

      const merch = unique('merch');
      await makeUser(merch, 'merchandiser', { categories: [inside?.category as string] });
      await signIn(page, merch, '/?range=1h');
      await expect(page.locator(`[data-testid="alert"][data-id="${mine}"]`)).toBeVisible();
      await expect(page.locator(`[data-testid="alert"][data-id="${theirs}"]`)).toHaveCount(0);
      expect((await page.request.post(`/api/v1/alerts/${theirs}/acknowledge`, { data: {} })).status()).toBe(404);
      await page.locator(`[data-testid="alert"][data-id="${mine}"]`).getByTestId('alert-acknowledge').click();
      await expect(page.locator(`[data-testid="alert"][data-id="${mine}"]`)).toHaveAttribute(
        'data-acknowledged',
        'true',
      );
    } finally {
      await producer.disconnect();
      await prisma.$disconnect();
    }
  });

  test('a merchandiser sees only its scope: filters, totals equal to its scoped API, no escape', async ({ page }) => {
    const email = unique('merch');
    // A category the seeded sales have: the first one the filter API lists for this user's scope
    // is checked below; pick one from the data first (as an admin would).
    const prisma = createPrisma(process.env.E2E_DATABASE_URL as string, 1);
    const [row] = await prisma.$queryRaw<{ category: string }[]>`
      SELECT category FROM product GROUP BY category ORDER BY category LIMIT 1`;
    await prisma.$disconnect();
    const category = row?.category as string;
    await makeUser(email, 'merchandiser', { categories: [category] });
    await signIn(page, email, '/?range=1h');
    await expect(page.getByTestId('user-scope')).toContainText(category);
    const api = (await (await page.request.get('/api/v1/overview?range=1h')).json()) as { totals: Totals };
    expect(api.totals.orders).toBeGreaterThan(0);
    await expect(page.getByTestId('kpi-revenue')).toHaveAttribute('data-value', String(api.totals.revenue_cents));
    await expect(page.getByTestId('kpi-orders')).toHaveAttribute('data-value', String(api.totals.orders));
    const filters = (await (await page.request.get('/api/v1/filters')).json()) as { categories: string[] };
    expect(filters.categories).toEqual([category]);
    expect((await page.request.get('/api/v1/overview?range=1h&category=__other__')).status()).toBe(403);
    const escaped = await page.goto('/?range=1h&category=__other__');
    expect(escaped?.status()).toBe(403);
    await expect(page.getByTestId('access-refused')).toContainText('outside your scope');
    // Merchandisers may export.
    await page.goto('/?range=1h');
    await expect(page.getByTestId('csv-kpis')).toBeVisible();
  });
});

test.describe('the web edge in a browser', () => {
  test('a page on another origin opens no live connection and reads nothing', async ({ page, baseURL }) => {
    // A page of another origin (served by the test itself), as a malicious site would be.
    await page.route('http://elsewhere.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>elsewhere</title>' }),
    );
    await page.goto('http://elsewhere.test/');
    const ws = (baseURL as string).replace(/^http/, 'ws');
    const outcome = await page.evaluate(
      (url) =>
        new Promise<{ opened: boolean; messages: string[] }>((resolve) => {
          const socket = new WebSocket(`${url}/socket.io/?EIO=4&transport=websocket`);
          const messages: string[] = [];
          let opened = false;
          socket.onopen = () => {
            opened = true;
            socket.send('40');
            socket.send('42["subscribe",{"range":"30d"}]');
          };
          socket.onmessage = (e) => messages.push(String(e.data));
          const done = () => resolve({ opened, messages });
          socket.onclose = done;
          socket.onerror = done;
          setTimeout(done, 5000);
        }),
      ws,
    );
    expect(outcome.opened).toBe(false);
    expect(outcome.messages).toEqual([]);
  });

  test('Pulse pages cannot be framed by another site', async ({ page, baseURL }) => {
    await page.route('http://elsewhere.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><iframe id="f" src="${baseURL}/signin" style="width:600px;height:400px"></iframe>`,
      }),
    );
    await page.goto('http://elsewhere.test/');
    await page.waitForTimeout(1500);
    const frame = page.frames().find((f) => f.url().startsWith(baseURL as string));
    // Blocked by frame-ancestors 'none': the frame holds Chromium's error page, not the sign-in form.
    const hasForm = frame
      ? await frame
          .locator('[data-testid="signin-submit"]')
          .count()
          .catch(() => 0)
      : 0;
    expect(hasForm).toBe(0);
  });
});
