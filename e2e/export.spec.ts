// CSV exports hold what the page shows: a tile's downloaded CSV has the figures of its table,
// as rounded on screen, below lines naming the view (range, time zone, as of, units).
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { expect, openDashboard, test } from './fixtures';

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return records;
}

interface Export {
  /** The label, value lines above the table. */
  about: Record<string, string>;
  rows: Record<string, string>[];
}

/** Click a tile's CSV link and read the download. */
async function download(page: Page, link: Locator): Promise<Export> {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const records = parseCsv(await readFile(await file.path(), 'utf8'));
  const blank = records.findIndex((r) => r.length === 1 && r[0] === '');
  const [header = [], ...rows] = records.slice(blank + 1);
  return {
    about: Object.fromEntries(records.slice(0, blank).map(([label = '', value = '']) => [label, value])),
    rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))),
  };
}

/** A figure as the page shows it, as the CSV writes it: `$1,234.50` → `1234.50`, `12.3%` → `12.3`. */
const figure = (text: string | null | undefined) => (text ?? '').trim().replace(/[$,%]/g, '').replace('−', '-');

/** The text of each row's cells. */
function cells(rows: Locator): Promise<string[][]> {
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

test.describe('CSV export', () => {
  test('the top products CSV holds the figures the table shows, and names the view', async ({ page, sell }) => {
    await sell({ quantity: 3, unitPriceCents: 1999 });
    await openDashboard(page, '/?range=1h');
    const rows = page.getByTestId('top-product-row');
    await expect(rows.first()).toBeVisible();
    const tz = await page.getByTestId('filter-tz').textContent();

    // Live updates may move the table between reading it and downloading: read both until they
    // agree. Each round answers what differs ('' when nothing), so a failure shows both sides.
    let csv: Export | undefined;
    await expect
      .poll(async () => {
        const asOf = await page.getByTestId('asof-top_products').textContent();
        const shown = (await cells(rows)).map(([rank, , product, category, units, revenue, share]) => [
          rank,
          product,
          category,
          figure(units),
          figure(revenue),
          figure(share),
        ]);
        csv = await download(page, page.getByTestId('csv-top_products'));
        const exported = csv.rows.map((r) => [
          r.Rank,
          r.Product,
          r.Category,
          r.Units,
          r['Revenue (USD)'],
          r['Share (%)'],
        ]);
        // The as-of line is the instant the tile shows, to the second, in the view's zone.
        const page_ = JSON.stringify({ asOf, rows: shown });
        const file = JSON.stringify({ asOf: `as of ${csv.about['As of']?.slice(11, 19)}`, rows: exported });
        return shown.length > 0 && page_ === file ? '' : `page ${page_}\ncsv  ${file}`;
      })
      .toBe('');
    expect(csv?.about['Pulse export']).toBe('Top products');
    expect(csv?.about['Time zone']).toBe(tz);
    expect(csv?.about.Amounts).toBe('USD, major units');
    expect(csv?.about['As of']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  test('the product page shows as of and exports its stores as shown', async ({ page, sell }) => {
    await sell({ quantity: 2, unitPriceCents: 1250, storeId: 'E2E-02' });
    await expect.poll(async () => (await page.request.get('/api/v1/products/SKU-E2E-1?range=1h')).status()).toBe(200);
    await openDashboard(page, '/products/SKU-E2E-1?range=1h');
    for (const tile of ['kpis', 'trend', 'stores', 'channels', 'demographics']) {
      await expect(page.getByTestId(`asof-${tile}`)).toHaveText(/^as of \d\d:\d\d:\d\d$/);
      await expect(page.getByTestId(`csv-${tile}`)).toHaveAttribute(
        'href',
        new RegExp(`^/api/v1/products/SKU-E2E-1/export\\?tile=${tile}&`),
      );
    }
    const rows = page.getByTestId('product-store-row');
    await expect(rows.first()).toBeVisible();
    await expect
      .poll(async () => {
        const shown = (await cells(rows)).map(([store, revenue, orders, share]) => [
          store,
          figure(revenue),
          figure(orders),
          figure(share),
        ]);
        const csv = await download(page, page.getByTestId('csv-stores'));
        const exported = csv.rows.map((r) => [r.Key, r['Revenue (USD)'], r.Orders, r['Share (%)']]);
        // The table lists stores by revenue; so does the API, ties aside.
        const sorted = (list: (string | undefined)[][]) =>
          JSON.stringify([...list].sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')));
        return exported.length > 0 && sorted(exported) === sorted(shown);
      })
      .toBe(true);
  });
});
