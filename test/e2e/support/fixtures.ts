// Playwright fixtures: the built renderer served once per worker; a fresh backend bridged into each page.
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { ADMIN, openTestDesk, type TestDesk } from '../../support/harness';
import { attachBridge } from './bridge';
import { serveRenderer } from './renderer-server';

export const SHOTS = join(import.meta.dirname, '../../../test-results/e2e/screenshots');

export const test = base.extend<{ desk: TestDesk }, { rendererUrl: string }>({
  rendererUrl: [
    async ({}, use) => {
      const server = await serveRenderer();
      await use(server.url);
      await server.close();
    },
    { scope: 'worker' },
  ],
  // Automatic: every page gets window.api, whether or not the test itself touches the backend.
  desk: [
    async ({ page }, use) => {
      const desk = await openTestDesk();
      await attachBridge(page, desk.app);
      await use(desk);
      expect(desk.errors).toEqual([]);
      await desk.close();
    },
    { auto: true },
  ],
});

export { expect };

/** Logs the set-up school's admin in through the login screen and waits for the collect screen. */
export async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
}

/** axe-core on the page as it stands: no serious or critical violations. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(bad, `axe on ${screen}`).toEqual([]);
}
