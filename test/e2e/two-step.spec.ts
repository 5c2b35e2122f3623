// Two-step sign-in in Chromium: an admin without it lands on its set-up screen after login and can go nowhere else,
// sets it up with the key shown, keeps the recovery codes, gets in, and from then on logs in with the password and the
// code the app would show. A session past its 12 hours goes back to the login screen, saying why.
import { base32Decode, totp } from '../../src/main/services/totp-codes';
import { deskTimeZone } from '../../src/main/services/auth';
import { setUpSchool } from '../support/harness';
import { expect, expectAccessible, logIn, test } from './support/fixtures';

const VICE = { username: 'vice', fullName: 'Vikram Rao', role: 'admin' as const, password: 'second-admin-2026' };

test('an admin without two-step sign-in must set it up after login, then logs in with a code', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('users.create', VICE);
  await page.goto(rendererUrl);
  await page.getByLabel('Username').fill(VICE.username);
  await page.getByLabel('Password', { exact: true }).fill(VICE.password);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { name: 'Set up two-step sign-in' })).toBeVisible();
  // Nowhere else to go: no navigation, and main refuses everything but the set-up, whatever the renderer does.
  await expect(page.getByRole('button', { name: 'Collect fees', exact: true })).toHaveCount(0);
  expect(await page.evaluate('window.api.users.list()')).toMatchObject({ ok: false, error: { code: 'two_step_required' } });
  const key = (await page.getByLabel('Key for your authenticator app').innerText()).trim();
  expect(key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expectAccessible(page, 'two-step set-up screen');
  const secret = base32Decode(key);
  const codeNow = () => totp(secret, desk.clock.current.getTime() / 1000);
  await page.getByLabel('Code the app shows now').fill(codeNow() === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /not the code your app shows now/ })).toBeVisible();
  await page.getByLabel('Code the app shows now').fill(codeNow());
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await page.getByRole('button', { name: 'I have kept the recovery codes: continue' }).click();
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
  await page.getByRole('button', { name: 'Users', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Users' }).getByText('vice', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Log out' }).click();
  // The login screen, not the Users screen's own Username field, which shows until the logout is answered.
  await expect(page.getByText(/log in to continue/)).toBeVisible();
  desk.clock.current = new Date(desk.clock.current.getTime() + 30_000);
  await page.getByLabel('Username').fill(VICE.username);
  await page.getByLabel('Password', { exact: true }).fill(VICE.password);
  await page.keyboard.press('Enter');
  const code = page.getByLabel('Code from your authenticator app');
  await expect(code).toBeVisible();
  await code.fill(codeNow() === '000000' ? '111111' : '000000');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('The code is wrong or has expired');
  await code.fill(codeNow());
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByText(/^On: logging in and approving need the code/)).toBeVisible();
});

test('a session ends 12 hours after login and the login screen says why', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  desk.clock.current = new Date('2026-04-02T17:00:01Z');
  // The next call ends the session: the cashier's click, or the sync light's own poll when that comes first (then the
  // button is gone before the click lands, as it can be through browser mode's HTTP).
  const ended = page.getByRole('status').filter({ hasText: 'Your session has ended' });
  await Promise.race([
    page
      .getByRole('button', { name: 'Students', exact: true })
      .click()
      .catch(() => undefined),
    ended.waitFor(),
  ]);
  await expect(page.getByRole('status')).toContainText('Your session has ended: a login lasts 12 hours. Log in again');
  await expect(page.getByLabel('Username')).toBeVisible();
  await logIn(page, rendererUrl);
});

test('a clock set back is shown above every screen, in the desk’s own time (issue 17, item 12)', async ({ page, desk, rendererUrl }) => {
  const cashier = { username: 'ravi', fullName: 'Ravi Kumar', role: 'cashier' as const, password: 'counter-cash-2026' };
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('users.create', cashier);
  const recorded = desk.clock.current;
  // Someone sets the computer's clock back a day.
  desk.clock.current = new Date(recorded.getTime() - 86_400_000);
  await logIn(page, rendererUrl, cashier);
  const shown = (at: Date) =>
    new Intl.DateTimeFormat('en-IN', { dateStyle: 'medium', timeStyle: 'short', timeZone: deskTimeZone() }).format(at);
  const banner = page.getByRole('alert').filter({ hasText: 'clock is behind' });
  await expect(banner).toContainText(
    `This computer's clock is behind: it says ${shown(desk.clock.current)}, but FeeDesk already recorded ${shown(recorded)}. Set the clock right before collecting fees.`,
  );
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await expect(banner).toBeVisible();
  await expectAccessible(page, 'clock-behind warning');
});
