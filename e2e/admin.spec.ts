// Admin → Users and Admin → Embeds in a real browser against the real stack, as the test admin:
// each change goes through the admin API and shows in the list and its notice.
import { expect, test } from '@playwright/test';

const unique = (what: string) => `${what}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

test.describe('admin pages', () => {
  // Deleting asks for confirmation.
  test.beforeEach(({ page }) => page.on('dialog', (dialog) => void dialog.accept()));

  test('users: create, disable, enable and delete a user', async ({ page }) => {
    const email = `${unique('admin-e2e')}@e2e.test`;
    await page.goto('/admin/users');
    const list = page.getByTestId('users');
    for (const column of ['User', 'Role', 'Scope', 'Status', 'Actions']) {
      await expect(list.getByRole('columnheader', { name: column })).toBeVisible();
    }

    await page.getByTestId('new-user-email').fill(email);
    await page.getByTestId('new-user-password').fill('e2e-admin-password-1');
    await page.getByTestId('create-user-submit').click();
    await expect(page.getByTestId('users-notice')).toContainText(`${email} was created.`);
    const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await expect(row.getByTestId('user-role')).toHaveText('Viewer');
    await expect(row.getByTestId('user-status')).toContainText('Active');

    await row.getByTestId('user-toggle-disabled').click();
    await expect(page.getByTestId('users-notice')).toContainText(`${email} is disabled and was signed out.`);
    await expect(row.getByTestId('user-status')).toContainText('Disabled');
    await row.getByTestId('user-toggle-disabled').click();
    await expect(page.getByTestId('users-notice')).toContainText(`${email} may sign in again.`);
    await expect(row.getByTestId('user-status')).toContainText('Active');

    await row.getByTestId('user-delete').click();
    await expect(page.getByTestId('users-notice')).toContainText(`${email} was deleted.`);
    await expect(row).toHaveCount(0);
  });

  test('embeds: create, revoke, restore and delete an embed', async ({ page }) => {
    const name = unique('Portal');
    await page.goto('/admin/embeds');
    await page.getByTestId('new-embed-name').fill(name);
    await page.getByTestId('create-embed-submit').click();
    await expect(page.getByTestId('embeds-notice')).toContainText(`${name} was created`);
    const row = page.getByTestId('embed-row').filter({ hasText: name });
    await expect(row.getByTestId('embed-status')).toHaveText('Active');

    await row.getByTestId('embed-revoke').click();
    await expect(page.getByTestId('embeds-notice')).toContainText(`${name} is revoked`);
    await expect(row.getByTestId('embed-status')).toHaveText('Revoked');
    await row.getByTestId('embed-revoke').click();
    await expect(page.getByTestId('embeds-notice')).toContainText(`${name} works again.`);

    await row.getByTestId('embed-delete').click();
    await expect(page.getByTestId('embeds-notice')).toContainText(`${name} was deleted.`);
    await expect(row).toHaveCount(0);
  });
});
