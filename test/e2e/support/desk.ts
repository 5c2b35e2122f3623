// Shared set-up for end-to-end tests: a backend, the renderer server, the bridge, an axe check.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { openTestDesk, type TestDesk } from '../../support/harness';
import { attachBridge } from './bridge';

export async function deskFor(page: Page): Promise<TestDesk> {
  const desk = await openTestDesk();
  await attachBridge(page, desk.app);
  return desk;
}

/** axe-core on the page as it stands: no serious or critical violations. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(bad, `axe on ${screen}`).toEqual([]);
}
