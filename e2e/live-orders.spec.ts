// The live order list at the rates a busy day brings, and the first load: every sale reaches the
// list when they come slowly, a flood enters at a bounded rate without layout shift, the list
// keeps to the view's range and filters (paused too), a slow first connection says
// "connecting", and a URL without a time zone is usable at once.
import type { CDPSession, Page } from '@playwright/test';
import { ENTER_PER_STEP, STEP_MS } from '@/components/tables/ticker-feed';
import { chooseFilter, expect, expectLive, openDashboard, type SaleInput, test } from './fixtures';

interface Watch {
  /** Every row id seen, and how many rows entered the list between two samples, summed. */
  seen: string[];
  entered: number;
  samples: number;
  /** Layout shift inside the list, and on the whole page (none after input). */
  tickerShift: number;
  pageShift: number;
  /** Main-thread long tasks: how many, and their total duration. */
  longTasks: number;
  longTaskMs: number;
  maxSkipped: number;
}

/**
 * The page's main-thread CPU time so far, in ms: the duration of its tasks measured in thread
 * time (Chrome's Performance domain with threadTicks), so a core taken by another process while
 * a task runs does not count, unlike a long task's wall time.
 */
async function mainThreadCpuMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const task = metrics.find((m) => m.name === 'TaskDuration');
  if (!task) throw new Error(`Chromium reported no TaskDuration metric: ${metrics.map((m) => m.name).join(', ')}`);
  return task.value * 1000;
}

/** Start watching the list in the page: row ids every 100 ms, layout shifts, long tasks. */
async function watchTicker(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = {
      seen: [] as string[],
      entered: 0,
      samples: 0,
      tickerShift: 0,
      pageShift: 0,
      longTasks: 0,
      longTaskMs: 0,
      maxSkipped: 0,
    };
    (window as unknown as { tickerWatch: typeof w }).tickerWatch = w;
    const ids = () =>
      [...document.querySelectorAll('[data-testid="ticker-row"]')].map((r) => r.getAttribute('data-event-id') ?? '');
    let last = new Set(ids());
    const seen = new Set(last);
    setInterval(() => {
      const now = ids();
      w.samples += 1;
      w.entered += now.filter((id) => !last.has(id)).length;
      for (const id of now) seen.add(id);
      w.seen = [...seen];
      last = new Set(now);
      const skipped = Number(document.querySelector('[data-testid="ticker-skipped"]')?.getAttribute('data-skipped'));
      w.maxSkipped = Math.max(w.maxSkipped, skipped || 0);
    }, 100);
    const ticker = document.querySelector('[data-testid="ticker"]');
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
        sources?: { node?: Node | null }[];
      })[]) {
        if (entry.hadRecentInput) continue;
        w.pageShift += entry.value;
        if (entry.sources?.some((s) => s.node && ticker?.contains(s.node))) w.tickerShift += entry.value;
      }
    }).observe({ type: 'layout-shift' });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        w.longTasks += 1;
        w.longTaskMs += entry.duration;
      }
    }).observe({ type: 'longtask' });
  });
}

function readWatch(page: Page): Promise<Watch> {
  return page.evaluate(() => (window as unknown as { tickerWatch: Watch }).tickerWatch);
}

/** `count` sales at `perSecond`, in small batches sent without waiting for one another. */
async function sellAt(
  sell: (sale: SaleInput) => Promise<void>,
  count: number,
  perSecond: number,
  sale: (i: number) => SaleInput,
) {
  const sent: Promise<void>[] = [];
  const start = Date.now();
  for (let i = 0; i < count; i += 1) {
    const due = start + (i * 1000) / perSecond;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    sent.push(sell(sale(i)));
  }
  await Promise.all(sent);
}

test.describe('live orders', () => {
  test('at a low rate every sale reaches the unfiltered list', async ({ page, sell }) => {
    await openDashboard(page, '/?range=1h');
    await watchTicker(page);
    const count = 12;
    // About one a second: slower than the list lets orders in.
    await sellAt(sell, count, 1, (i) => ({ quantity: 1, unitPriceCents: 91_001 + i, storeId: 'E2E-LOW' }));
    const revenues = Array.from({ length: count }, (_, i) => String(91_001 + i));
    const rows = page.getByTestId('ticker-row');
    await expect
      .poll(async () => {
        const shown = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-revenue')));
        return revenues.filter((r) => !shown.includes(r));
      })
      .toEqual([]);
    expect((await readWatch(page)).maxSkipped).toBe(0);
  });

  test('at 25 sales a second rows enter at a bounded rate, without layout shift', async ({ page, sell }) => {
    test.slow();
    await openDashboard(page, '/?range=1h');
    await watchTicker(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const cpuBefore = await mainThreadCpuMs(cdp);
    const started = Date.now();
    await sellAt(sell, 250, 25, (i) => ({ quantity: 1, unitPriceCents: 1_000 + i }));
    // Let the last pushes arrive and a few more steps pass.
    await page.waitForTimeout(4_000);
    const seconds = (Date.now() - started) / 1000;
    const cpuMs = (await mainThreadCpuMs(cdp)) - cpuBefore;
    const watch = await readWatch(page);
    await page.getByTestId('ticker').screenshot({ path: test.info().outputPath('ticker-flood.png') });
    test.info().annotations.push({
      type: 'ticker',
      description: `${watch.entered} rows entered in ${seconds.toFixed(1)} s; skipped up to ${watch.maxSkipped}; layout shift ${watch.pageShift.toFixed(4)} (list ${watch.tickerShift}); ${watch.longTasks} long tasks, ${Math.round(watch.longTaskMs)} ms; main thread CPU ${Math.round(cpuMs)} ms`,
    });
    // At most ENTER_PER_STEP rows a step (one step more for the partial ones at either end).
    expect(watch.entered).toBeLessThanOrEqual(ENTER_PER_STEP * (Math.ceil((seconds * 1000) / STEP_MS) + 1));
    expect(watch.entered).toBeGreaterThan(0);
    // The flood is counted rather than shown.
    expect(watch.maxSkipped).toBeGreaterThan(0);
    const seen = test.info().annotations.at(-1)?.description;
    expect(watch.tickerShift, seen).toBe(0);
    expect(watch.pageShift, seen).toBeLessThan(0.05);
    // The page stays responsive: its main thread works less than a third of the time. Measured in
    // CPU time, not as long tasks' wall time: on a 2-core CI box the browser waits for a core the
    // broker, PostgreSQL, the workers and the web server share with it, and long tasks then
    // measured 60-70 % of the time with the page doing the same work. The bound catches the
    // regression this guards (the main thread busy three quarters of the time before updates
    // were spaced and the trend stopped forcing layouts).
    expect(cpuMs, seen).toBeLessThan(seconds * 1000 * 0.33);
  });

  test('a closed range (yesterday) shows its last orders, none of today’s', async ({ page, request, sell }) => {
    // The last millisecond of yesterday in this machine's zone, the page's: the newest order of
    // yesterday. (A day ago was not, shortly after midnight: the sales seeded and sold in the
    // minutes before it were yesterday's last orders too, and filled the ticker.)
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    await sell({
      quantity: 1,
      unitPriceCents: 4_444,
      storeId: 'E2E-YDAY',
      occurredAt: new Date(today.getTime() - 1).toISOString(),
    });
    await sell({ quantity: 1, unitPriceCents: 5_555, storeId: 'E2E-TODAY' });
    await expect
      .poll(async () =>
        (
          (await (await request.get('/api/v1/overview?range=15m')).json()) as { recent_orders: { store_id: string }[] }
        ).recent_orders.some((o) => o.store_id === 'E2E-TODAY'),
      )
      .toBe(true);
    await openDashboard(page, '/?range=yesterday');
    const search = new URL(page.url()).search;
    const api = (await (await request.get(`/api/v1/overview${search}`)).json()) as {
      range: { from: string; to: string };
      recent_orders: { occurred_at: string }[];
    };
    const ticker = page.getByTestId('ticker');
    await expect(ticker.locator('[data-store="E2E-YDAY"]')).toHaveCount(1);
    await expect(ticker.locator('[data-store="E2E-TODAY"]')).toHaveCount(0);
    const times = await page
      .getByTestId('ticker-row')
      .locator('time')
      .evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''));
    expect(times).toHaveLength(Math.min(api.recent_orders.length, 20));
    for (const t of times) {
      expect(Date.parse(t)).toBeGreaterThanOrEqual(Date.parse(api.range.from));
      expect(Date.parse(t)).toBeLessThan(Date.parse(api.range.to));
    }
    await expect(page.getByText('The last sales of the range')).toBeVisible();
  });

  test('a view change while paused replaces the rows with the new view’s', async ({ page, sell }) => {
    await sell({ quantity: 1, unitPriceCents: 3_131, channel: 'app' });
    await openDashboard(page, '/?range=1h&channel=app');
    await chooseFilter(page, 'filter-channel', ['web']);
    await expect(page).toHaveURL(/channel=web/);
    await expect(page.getByTestId('ticker-row').first()).toHaveAttribute('data-channel', 'web');
    const ticker = page.getByTestId('ticker');
    await ticker.hover();
    await expect(page.getByTestId('ticker-paused')).toBeVisible();
    // Back to the app channel with the pointer still on the list: paused, with the app's rows.
    await page.goBack();
    await expect(page).toHaveURL(/channel=app/);
    await expect(page.getByTestId('ticker-paused')).toBeVisible();
    await expect
      .poll(() => page.getByTestId('ticker-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-channel'))))
      .toEqual(expect.arrayContaining(['app']));
    const channels = await page
      .getByTestId('ticker-row')
      .evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-channel')))]);
    expect(channels).toEqual(['app']);
  });

  test('a slow first connection says connecting, not lost', async ({ page }) => {
    let refuse = true;
    await page.route(/\/socket\.io\//, (route) => (refuse ? route.abort() : route.continue()));
    await page.goto('/?range=1h');
    // Past the grace the page polls, and says it is still connecting.
    const notice = page.getByTestId('polling-notice');
    await expect(notice).toBeVisible({ timeout: 20_000 });
    await expect(notice).toContainText('Connecting');
    await expect(notice).not.toContainText('lost');
    await expect(page.getByTestId('freshness')).toHaveAttribute('data-connection', 'connecting');
    refuse = false;
    await expectLive(page);
    await expect(notice).toHaveCount(0);
  });
});

for (const timezoneId of ['UTC', 'America/New_York']) {
  test.describe(`first load in ${timezoneId}`, () => {
    test.use({ timezoneId });

    test('a URL without a time zone gets the browser’s, and the tiles are not busy for long', async ({ page }) => {
      await page.goto('/?range=today');
      await expect(page).toHaveURL(new RegExp(`tz=${encodeURIComponent(timezoneId)}`));
      // The tiles are no longer busy once the data of the zone is there (the server's answer
      // already is when the zones agree; one HTTP load otherwise), and it is the API's.
      await expect(page.locator('main [aria-busy]')).toHaveCount(0, { timeout: 5_000 });
      const search = new URL(page.url()).search;
      await expect
        .poll(async () => {
          const api = (await (await page.request.get(`/api/v1/overview${search}`)).json()) as {
            totals: { orders: number };
          };
          return Number(await page.getByTestId('kpi-orders').getAttribute('data-value')) - api.totals.orders;
        })
        .toBe(0);
    });
  });
}
