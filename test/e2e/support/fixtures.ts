// Playwright fixtures: a fresh backend per test, served to Chromium by browser mode's own loopback server (the
// transport `npm start` gives users where the desktop window cannot open): the page gets window.api from the built
// web-api.js over HTTP, with the launch secret, its cookie and the Host/Origin checks, exactly as a user's browser.
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { startWebShell, type WebShell } from '../../../src/main/web/server';
import { ADMIN, openTestDesk, type TestDesk } from '../../support/harness';

export const SHOTS = join(import.meta.dirname, '../../../test-results/e2e/screenshots');
export const RENDERER_DIR = join(import.meta.dirname, '../../../out/renderer');

export const test = base.extend<{ desk: TestDesk; shell: WebShell; rendererUrl: string }>({
  desk: async ({}, use) => {
    const desk = await openTestDesk();
    current = desk;
    await use(desk);
    expect(desk.errors).toEqual([]);
    await desk.close();
  },
  /** Browser mode in front of the test's desk: it calls whichever backend the desk has now (a restart makes a new one). */
  shell: async ({ desk }, use) => {
    const shell = await startWebShell({
      invoke: (channel, input, clientId) => desk.app.invoke(channel, input, clientId),
      rendererDir: RENDERER_DIR,
      warn: (line) => void desk.errors.push(line),
    });
    await use(shell);
    await shell.close();
  },
  /** The address browser mode prints and opens: it carries the launch secret, exchanged for the cookie on arrival. */
  rendererUrl: async ({ shell }, use) => use(shell.openingAddress),
});

export { expect };

/** The page's backend: one test at a time runs in a worker. */
let current: TestDesk | null = null;
function pageDesk(): TestDesk {
  if (!current) throw new Error('no desk: the helpers run inside a test');
  return current;
}

/**
 * Logs a user (the set-up school's admin by default) in through the login screen and waits for the collect screen.
 * With two-step sign-in on, the code from the desk's authenticator goes in when the screen asks; without it, an admin
 * or accountant lands on the set-up screen and sets it up there (finishTwoStepSetUp).
 */
export async function logIn(page: Page, url: string, user: { username: string; password: string } = ADMIN): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.keyboard.press('Enter');
  const collect = page.getByRole('heading', { name: 'Collect fees' });
  const code = page.getByLabel('Code from your authenticator app');
  const setUp = page.getByRole('heading', { name: 'Set up two-step sign-in' });
  await expect(collect.or(code).or(setUp)).toBeVisible();
  if (await code.isVisible()) {
    await code.fill(pageDesk().authenticator.code(user.username));
    await page.keyboard.press('Enter');
  } else if (await setUp.isVisible()) {
    await finishTwoStepSetUp(page, user.username);
  }
  await expect(collect).toBeVisible();
}

/** On the set-up screen: the key into the desk's authenticator, its first code, recovery codes seen, continue. */
export async function finishTwoStepSetUp(page: Page, username: string): Promise<string[]> {
  const key = (await page.getByLabel('Key for your authenticator app').innerText()).trim();
  pageDesk().authenticator.add(username, key);
  await page.getByLabel('Code the app shows now').fill(pageDesk().authenticator.code(username));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = await codes.allInnerTexts();
  await page.getByRole('button', { name: /continue/ }).click();
  return recovery;
}

/** An approval's credentials typed by the approver (an accountant or admin), with two-step sign-in set up first if they had not. */
export async function approveAs(
  form: Locator | Page,
  approver: { username: string; password: string },
  labels = APPROVER_LABELS,
): Promise<void> {
  await pageDesk().setUpTwoStepFor(approver);
  await form.getByLabel(labels.username).fill(approver.username);
  await form.getByLabel(labels.password).fill(approver.password);
  await form.getByLabel(labels.code).fill(pageDesk().authenticator.code(approver.username));
}

export const APPROVER_LABELS = {
  username: 'Approver (accountant or admin) username',
  password: 'Approver password',
  code: 'Approver’s code',
};
export const IMPORT_APPROVER_LABELS = { username: 'Approved by (username)', password: 'Approver’s password', code: 'Approver’s code' };

/**
 * axe-core on the page as it settles: no serious or critical violations. A dialog still fading in has its colours
 * part-way (axe read a modal's button mid-fade as low contrast), so running transitions and animations end first.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // (A string: the tests' TypeScript has no DOM types.) A spinner's endless animation is not waited for.
  await page.evaluate(
    'Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined)))',
  );
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
  expect(bad, `axe on ${screen}`).toEqual([]);
}
