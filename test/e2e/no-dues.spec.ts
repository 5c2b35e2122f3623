// Leaving with a no-dues check, as an accountant does it: the leave form shows what would still be owed year by year
// before confirming, the left student's record says what they owe, and once it is paid the no-dues certificate is
// saved from the record (a second save is the DUPLICATE).
import { join } from 'node:path';
import { setUpSchool } from '../support/harness';
import { studentOverTwoYears } from '../support/school';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };

test('leaving shows what is still owed by year; the no-dues certificate is saved once it is paid', async ({ page, desk, rendererUrl }) => {
  test.setTimeout(90_000);
  desk.clock.current = new Date('2025-04-02T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  const { kavya } = await studentOverTwoYears(desk);
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl, ACCOUNTANT);

  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await page.getByRole('button', { name: 'Open Kavya Nair' }).click();
  const panel = page.getByRole('region', { name: 'Student Kavya Nair' });
  await panel.getByRole('button', { name: 'Mark as left…' }).click();
  const leave = panel.getByRole('form', { name: 'Mark Kavya Nair as left' });
  await leave.getByRole('textbox', { name: 'Leaving date' }).fill('15/4/26');
  const owed = leave.getByRole('region', { name: 'Still owed' });
  await expect(owed).toContainText(
    'Leaving is still allowed, but Kavya Nair will still owe ₹4,750.00 (2025-26: ₹3,250.00; 2026-27: ₹1,500.00) as of 15 Apr 2026',
  );
  const years = owed.getByRole('table', { name: 'Still owed by year' });
  await expect(years.getByRole('row')).toHaveCount(3);
  await expect(years.getByRole('row').nth(1)).toHaveText(/2025-26\s*₹3,000\.00\s*₹250\.00\s*₹3,250\.00/);
  await expect(years.getByRole('row').nth(2)).toHaveText(/2026-27\s*₹1,500\.00\s*₹0\.00\s*₹1,500\.00/);
  await expect(owed).toContainText('The school holds ₹300.00 of advance credit for Kavya Nair');
  await expectAccessible(page, 'mark as left, with fees still owed');
  await page.screenshot({ path: join(SHOTS, '63-leave-still-owed.png') });

  // By keyboard: the reason, Enter to review, and the confirmation says what stays owed.
  await leave.getByLabel('Reason').fill('Moved to Pune');
  await page.keyboard.press('Enter');
  const confirm = leave.getByRole('alertdialog', { name: 'Confirm leaving' });
  await expect(confirm).toContainText('No dues are waived. Kavya Nair will still owe ₹4,750.00 (2025-26: ₹3,250.00; 2026-27: ₹1,500.00).');
  await expect(confirm.getByRole('button', { name: 'Yes, mark as left' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel.getByRole('status')).toHaveText('Kavya Nair marked left on 15 Apr 2026; no dues to waive.');

  // Left, still owing: the record says so, and offers no certificate.
  const record = panel.getByRole('region', { name: 'Still owed' });
  await expect(record).toContainText('Kavya Nair owes ₹4,750.00 (2025-26: ₹3,250.00; 2026-27: ₹1,500.00) as of 15 Apr 2026');
  await expect(panel.getByRole('button', { name: 'No-dues certificate' })).toHaveCount(0);

  // Paid at the counter meanwhile; the record opened again offers the certificate.
  await desk.ok('payments.record', { studentIds: [kavya.id], amount: 4_750_00, method: { mode: 'cash' } });
  await panel.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Open Kavya Nair' }).click();
  await expect(record).toContainText('Kavya Nair owes nothing as of 15 Apr 2026.');
  const button = panel.getByRole('button', { name: 'No-dues certificate' });
  await button.focus();
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect((await download).suggestedFilename()).toBe('no-dues-NDC-A-104.pdf');
  await expect(panel.getByRole('status')).toHaveText('No-dues certificate NDC/A-104 saved.');
  await expectAccessible(page, 'left student with nothing owed');
  await page.screenshot({ path: join(SHOTS, '64-no-dues-certificate.png') });

  const again = page.waitForEvent('download');
  await button.click();
  expect((await again).suggestedFilename()).toBe('no-dues-NDC-A-104-copy2.pdf');
  await expect(panel.getByRole('status')).toHaveText('No-dues certificate NDC/A-104: copy 2 saved (marked DUPLICATE).');
});
