// Two-step sign-in in Chromium: set it up from Settings with the key shown, keep the recovery codes, then log in with
// the password and the code the app would show.
import { base32Decode, totp } from '../../src/main/auth/totp';
import { ADMIN, setUpSchool } from '../support/harness';
import { expect, expectAccessible, logIn, test } from './support/fixtures';

test('set up two-step sign-in in Settings, then log in with a code', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  const key = (await page.getByLabel('Key for your authenticator app').innerText()).trim();
  expect(key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expectAccessible(page, 'two-step set-up');
  const secret = base32Decode(key);
  await page.getByLabel('Code the app shows now').fill(totp(secret, desk.clock.current.getTime() / 1000));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);

  await page.getByRole('button', { name: 'Log out' }).click();
  desk.clock.current = new Date(desk.clock.current.getTime() + 30_000);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.keyboard.press('Enter');
  const code = page.getByLabel('Code from your authenticator app');
  await expect(code).toBeVisible();
  await code.fill('000000' === totp(secret, desk.clock.current.getTime() / 1000) ? '111111' : '000000');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('The code is wrong or has expired');
  await code.fill(totp(secret, desk.clock.current.getTime() / 1000));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
});
