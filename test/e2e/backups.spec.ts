// Backups in Chromium: the admin chooses a folder and passphrase, backs up with a progress bar, checks the backup
// (a wrong passphrase said on its field), restores it and is sent back to sign in.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

test('back up, check and restore from the Backups screen', async ({ page, desk, rendererUrl }) => {
  test.setTimeout(90_000);
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const student = await admit(desk, school);
  await desk.ok('payments.record', { studentIds: [student.id], amount: 1_500_00, method: { mode: 'cash' } });
  const folder = join(desk.dir, 'usb');
  mkdirSync(folder);

  await logIn(page, rendererUrl);
  await page.getByRole('button', { name: 'Backups', exact: true }).click();
  await page.getByLabel('Backup folder').fill(folder);
  await page.getByLabel('Backup passphrase', { exact: true }).fill('river stone lantern');
  await page.getByLabel('Repeat the passphrase').fill('river stone lantern');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await expect(page.getByText('Saved.')).toBeVisible();

  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Backed up to ${folder}` })).toBeVisible({ timeout: 30_000 });
  const row = page.getByRole('row').filter({ hasText: 'By hand' });
  await expect(row).toHaveCount(1);
  await expectAccessible(page, 'backups');
  await page.screenshot({ path: join(SHOTS, '60-backups.png'), fullPage: true });

  await row.getByRole('button', { name: /Check or restore/ }).click();
  await page.getByLabel('Backup passphrase', { exact: true }).fill('not the passphrase');
  await page.getByRole('button', { name: 'Check this backup' }).click();
  await expect(page.getByText('The backup passphrase is wrong for this backup')).toBeVisible({ timeout: 20_000 });
  await page.getByLabel('Backup passphrase', { exact: true }).fill('river stone lantern');
  await page.getByRole('button', { name: 'Check this backup' }).click();
  await expect(page.getByText(/The backup is whole: 1 students, 1 receipts/)).toBeVisible({ timeout: 20_000 });

  await page.getByLabel('Your password').first().fill(ADMIN.password);
  await page.getByLabel('Your code').first().fill(desk.authenticator.code(ADMIN.username));
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByText('Tick this to replace the data on this desk')).toBeVisible();
  await page.getByLabel('Your code').first().fill(desk.authenticator.code(ADMIN.username));
  await page.getByLabel("Replace this desk's data with this backup").check();
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByText(/Restored the backup of .*kept at .*before-restore/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel('Username')).toBeVisible({ timeout: 10_000 });
});
