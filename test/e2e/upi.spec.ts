// The school's UPI payee typed in Settings (issue 19, item 1), the fee slip a cashier prints from the Collect screen
// then carrying a UPI QR for what it asks, which a phone's UPI app reads whole (item 2), and the counter's UPI QR for
// the amount being collected, whose reference the saved payment carries (item 3).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

test('an admin sets the UPI payee (a UPI ID without @ is caught under its box); the fee slip then carries a UPI QR for what is due', async ({
  page,
  desk,
  rendererUrl,
}, testInfo) => {
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const asha = await admit(desk, school, { fullName: 'Asha Menon' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const upi = page.getByRole('form', { name: 'UPI payments' });
  await upi.getByLabel('UPI ID').fill('fees.gvs.sbi');
  await upi.getByLabel('Payee name').fill('Green Valley School');
  await upi.getByLabel('Merchant category code').fill('8211');
  await upi.getByRole('button', { name: 'Save UPI payments' }).click();
  await expect(upi.getByText('Is not a UPI ID: it has no @ (such as school@sbi)')).toBeVisible();
  await upi.getByLabel('UPI ID').fill('fees.gvs@sbi');
  await upi.getByRole('button', { name: 'Save UPI payments' }).click();
  await expect(upi.getByText('Saved: fee slips printed from now on carry a UPI QR code.')).toBeVisible();
  await expectAccessible(page, 'settings: UPI payments');
  await upi.screenshot({ path: join(SHOTS, '60-settings-upi.png') });

  await page.getByRole('button', { name: 'Collect fees', exact: true }).click();
  await page.getByLabel('Find a student').fill('asha');
  await page.keyboard.press('Enter');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Fee slip' }).click();
  const pdf = testInfo.outputPath('slip.pdf');
  await (await download).saveAs(pdf);
  execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', pdf, testInfo.outputPath('slip')]);
  const codes = execFileSync('zbarimg', ['--quiet', '--raw', testInfo.outputPath('slip.png')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .trim()
    .split('\n');
  expect(codes).toContain(`FDS1-${asha.id}`);
  const link = codes.find((c) => c.startsWith('upi://pay?'))!;
  expect(Object.fromEntries(new URL(link).searchParams)).toEqual({
    pa: 'fees.gvs@sbi',
    pn: 'Green Valley School',
    mc: '8211',
    tr: 'FDD01000001',
    tn: `${asha.admissionNo} FDD01000001`,
    am: '4700.00',
    cu: 'INR',
  });

  // At the counter: UPI, Alt+Q shows the QR for the amount on screen; the phone reads it; Paid saves under its reference.
  await page.getByLabel('Amount received').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('u');
  await expect(page.getByLabel('Mode')).toHaveValue('upi');
  await page.keyboard.press('Alt+q');
  const dialog = page.getByRole('dialog', { name: 'Pay by UPI' });
  await expect(dialog.getByTestId('upi-amount')).toHaveText('₹4,700.00');
  await expect(dialog.getByText('to Green Valley School')).toBeVisible();
  const reference = (await dialog.getByTestId('upi-reference').textContent())!;
  expect(reference).toBe('FDD01000002');
  await expectAccessible(page, 'collect: UPI QR');
  const shot = testInfo.outputPath('counter-qr.png');
  await dialog.screenshot({ path: shot });
  await page.screenshot({ path: join(SHOTS, '61-collect-upi-qr.png') });
  const shown = execFileSync('zbarimg', ['--quiet', '--raw', shot], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  expect(Object.fromEntries(new URL(shown).searchParams)).toMatchObject({ pa: 'fees.gvs@sbi', am: '4700.00', tr: reference, cu: 'INR' });
  await dialog.getByRole('button', { name: 'Paid: save payment' }).click();
  const preview = page.getByRole('region', { name: 'Receipt preview' });
  await expect(preview.getByRole('heading', { name: 'Receipt 2026-27/D01/000001' })).toBeVisible();
  // As an auditor reads it, in a window of their own: the receipt names the QR's reference.
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'auditor');
  const saved = (await desk.ok('payments.list', { studentId: asha.id }, 'auditor'))[0]!;
  expect((await desk.ok('payments.receipt', { paymentId: saved.paymentId }, 'auditor')).reference).toEqual({ upiRef: reference });
});
