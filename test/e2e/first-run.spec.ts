// The first-run → two-step set-up → logout → login → idle lock → unlock flow, driven through the real renderer.
import { join } from 'node:path';
import { expect, finishTwoStepSetUp, SHOTS, test } from './support/fixtures';

test('first-run setup, logout, login, idle lock and unlock', async ({ page, desk, rendererUrl }) => {
  await page.clock.install({ time: desk.clock.now() });
  await page.goto(rendererUrl);

  // Setup wizard: school → desk → admin.
  await expect(page.getByRole('heading', { name: 'Set up FeeDesk' })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '01-setup.png') });
  await page.getByLabel('School name').fill('Green Valley School');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Desk code')).toBeFocused();
  await page.getByLabel('Desk code').fill('d02');
  await expect(page.getByLabel('Desk code')).toHaveValue('D02');
  await page.keyboard.press('Enter');
  await page.getByLabel('Full name').fill('Asha Rao');
  await page.getByLabel('Username').fill('principal');
  await page.getByLabel('Password', { exact: true }).fill('principal');
  await page.getByLabel('Repeat password').fill('principal');
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await expect(page.getByText('Must be at least 10 characters')).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByLabel('Repeat password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Finish setup' }).click();
  // A new admin sets two-step sign-in up before anything else.
  await expect(page.getByRole('heading', { name: 'Set up two-step sign-in' })).toBeVisible();
  await finishTwoStepSetUp(page, 'principal');

  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
  await expect(page.getByText('Desk D02')).toBeVisible();
  await page.getByRole('button', { name: 'Desk', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Asha Rao' })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '02-home.png') });

  // Logout, then a wrong password, then the right one.
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Green Valley School' })).toBeVisible();
  await page.getByLabel('Username').fill('principal');
  await page.getByLabel('Password', { exact: true }).fill('not my password');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
  await page.screenshot({ path: join(SHOTS, '03-login-error.png') });
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.keyboard.press('Enter');
  await page.getByLabel('Code from your authenticator app').fill(desk.authenticator.code('principal'));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();

  // Leave half-typed work on the Users screen, then go idle past the 10-minute lock.
  await page.getByRole('button', { name: 'Users', exact: true }).click();
  const addUser = page.getByRole('form', { name: 'Add a user' });
  await addUser.getByLabel('Full name').fill('Ravi Kumar');
  desk.clock.advanceMinutes(11);
  await page.clock.fastForward('11:00');
  const lock = page.getByRole('dialog', { name: 'Screen locked' });
  await expect(lock).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '04-locked.png') });
  // Main refuses work while locked, whatever the renderer does.
  expect(await page.evaluate('window.api.users.list()')).toMatchObject({ ok: false, error: { code: 'screen_locked' } });

  await lock.getByLabel('Password', { exact: true }).fill('wrong password!');
  await page.keyboard.press('Enter');
  await expect(lock.getByText('Wrong username or password')).toBeVisible();
  await lock.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.keyboard.press('Enter');
  await expect(lock).toBeHidden();
  await expect(addUser.getByLabel('Full name')).toHaveValue('Ravi Kumar');
  await page.screenshot({ path: join(SHOTS, '05-unlocked.png') });
});

test('admin adds a cashier, who sees no admin pages', async ({ page, rendererUrl }) => {
  await page.goto(rendererUrl);
  await page.getByLabel('School name').fill('Hill Top Academy');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.getByLabel('Full name').fill('Asha Rao');
  await page.getByLabel('Username').fill('principal');
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByLabel('Repeat password').fill('correct horse battery');
  await page.keyboard.press('Enter');
  await finishTwoStepSetUp(page, 'principal');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();

  await page.getByRole('button', { name: 'Users', exact: true }).click();
  const addUser = page.getByRole('form', { name: 'Add a user' });
  await addUser.getByLabel('Full name').fill('Ravi Kumar');
  await addUser.getByLabel('Username').fill('principal');
  await addUser.getByLabel('First password').fill('ledger-counter-99');
  await addUser.getByRole('button', { name: 'Add user' }).click();
  await expect(addUser.getByText("'principal' is already taken")).toBeVisible();
  await addUser.getByLabel('Username').fill('ravi');
  await addUser.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('table', { name: 'Users' }).getByText('ravi', { exact: true })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '06-users.png') });

  await page.getByRole('button', { name: 'Log out' }).click();
  // The login screen, not the Users screen's own Username field, which shows until the logout is answered.
  await expect(page.getByText(/log in to continue/)).toBeVisible();
  await page.getByLabel('Username').fill('ravi');
  await page.getByLabel('Password', { exact: true }).fill('ledger-counter-99');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
  await expect(page.getByText('Ravi Kumar')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Users', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Audit trail', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Fee set-up', exact: true })).toHaveCount(0);
});
