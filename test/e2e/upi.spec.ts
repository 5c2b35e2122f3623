// The school's UPI payee typed in Settings (issue 19, item 1), and the fee slip a cashier prints from the Collect
// screen then carrying a UPI QR for what it asks, which a phone's UPI app reads whole (item 2).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setUpSchool } from '../support/harness';
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
});
