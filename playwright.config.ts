import { defineConfig } from '@playwright/test';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3391);
/** The test admin's session, written by e2e/global-setup.ts: every spec runs signed in. */
export const E2E_STORAGE_STATE = '.pulse/e2e-auth.json';

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // One stack, one browser: tests produce sales and watch shared totals move.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  outputDir: '.pulse/e2e-artifacts',
  reporter: [['list'], ['json', { outputFile: '.pulse/test-results/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    storageState: E2E_STORAGE_STATE,
    viewport: { width: 1280, height: 800 },
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
