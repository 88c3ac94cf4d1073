// Admin → Webhooks in a real browser against the real stack, as the test admin: a hook created
// for a real local receiver (node:http in the test process) shows its secret once; "Send test"
// reaches the receiver, signed with that secret, and shows in the delivery log; disable, rotate
// and delete go through the admin API and show in the list.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { WEBHOOK_HEADERS } from '@/lib/contract/actions';
import { verifyWebhookSignature } from '@/lib/domain/webhooks';

const unique = (what: string) => `${what}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

test.describe('admin webhooks page', () => {
  test.beforeEach(({ page }) => page.on('dialog', (dialog) => void dialog.accept()));

  test('create, send a signed test, read the delivery log, disable, rotate and delete', async ({ page }) => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pulse`;
    try {
      const name = unique('Ordering');
      await page.goto('/admin/webhooks');
      await expect(page.getByTestId('admin-tab-webhooks')).toHaveAttribute('aria-current', 'page');
      await page.getByTestId('new-webhook-name').fill(name);
      await page.getByTestId('new-webhook-url').fill(url);
      await page.getByTestId('new-webhook-types').getByLabel('alert.opened').check();
      await page.getByTestId('create-webhook-submit').click();
      await expect(page.getByTestId('webhooks-notice')).toContainText(`${name} was created`);
      const secret = await page.getByTestId('webhook-secret-value').inputValue();
      expect(secret).toMatch(/^whsec_/);
      await page.getByTestId('webhook-secret-done').click();
      await expect(page.getByTestId('webhook-secret')).toHaveCount(0);

      const row = page.getByTestId('webhook-row').filter({ hasText: name });
      await expect(row.getByTestId('webhook-summary')).toContainText('Sends alert.opened');
      await row.getByTestId('webhook-log').click();
      await expect(row.getByTestId('delivery-log')).toContainText('No deliveries yet.');
      await row.getByTestId('webhook-test').click();
      await expect(page.getByTestId('webhooks-notice')).toContainText(`Test delivered to ${name} (HTTP 204).`);
      await expect(row.getByTestId('webhook-summary')).toContainText('1 delivered, 0 pending, 0 failed');
      const sent = received.at(-1);
      expect(sent?.headers[WEBHOOK_HEADERS.actionType]).toBe('webhook.test');
      const signed = verifyWebhookSignature(
        secret,
        String(sent?.headers[WEBHOOK_HEADERS.timestamp]),
        sent?.body ?? '',
        String(sent?.headers[WEBHOOK_HEADERS.signature]),
      );
      expect(signed, 'the test is signed with the secret shown').toBe(true);
      const delivery = row.getByTestId('delivery-row');
      await expect(delivery).toHaveCount(1);
      await expect(delivery.getByTestId('delivery-status')).toHaveText('delivered');
      await expect(delivery.getByTestId('delivery-type')).toHaveText('webhook.test');
      await delivery.locator('summary').click();
      await expect(delivery.getByTestId('delivery-attempts')).toContainText('#1 · HTTP 204');

      await row.getByTestId('webhook-enable').click();
      await expect(page.getByTestId('webhooks-notice')).toContainText(`${name} is disabled`);
      await expect(row.getByTestId('webhook-state')).toHaveText('Disabled');

      await row.getByTestId('webhook-rotate').click();
      await expect(page.getByTestId('webhooks-notice')).toContainText(`${name} has a new secret.`);
      const rotated = await page.getByTestId('webhook-secret-value').inputValue();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);

      await row.getByTestId('webhook-delete').click();
      await expect(page.getByTestId('webhooks-notice')).toContainText(`${name} was deleted.`);
      await expect(row).toHaveCount(0);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
