// A receipt as a parent and an auditor read it (issue 16, item 12): the school's letterhead details typed once in
// Settings, thanks to the guardian for the children named, each child's share on a family receipt, the balance with
// the late fines to date, and a cancelled receipt's reprint without a balance that no longer holds.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');

test('receipts carry the school’s details, thank the guardian, show each child’s share and the balance with fines to date; a cancelled one’s reprint shows no balance', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const diya = await admit(desk, school, { fullName: 'Diya Nair' });
  const arjun = await admit(desk, school, { fullName: 'Arjun Nair' });
  await desk.ok('families.create', { name: 'Nair', studentIds: [diya.id, arjun.id] });
  await desk.ok('users.create', { username: 'meera', fullName: 'Meera Iyer', role: 'accountant', password: 'ledger-and-books-1' });
  await desk.ok('printing.choose', { printerName: null, printOnSave: false });
  // Fees before fines: so a fine is still running after this payment.
  await desk.ok('settings.update', { finesFirst: false });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  // Settings: the letterhead, once; a GSTIN with a mistyped character is caught under its box.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const details = page.getByRole('form', { name: 'School details on receipts' });
  await details.getByLabel('Address').fill('14 Lake Road, Jayanagar\nBengaluru 560041');
  await details.getByLabel('Phone').fill('080 2663 1234');
  await details.getByLabel('Affiliation or registration no.').fill('CBSE Affiliation No. 830123');
  await details.getByLabel('GSTIN').fill('27AAPFU0939F1ZA');
  await details.getByRole('button', { name: 'Save school details' }).click();
  await expect(details.getByText('Has a wrong last (check) character: a character was mistyped')).toBeVisible();
  await details.getByLabel('GSTIN').fill('27aapfu0939f1zv');
  await details.getByRole('button', { name: 'Save school details' }).click();
  await expect(details.getByText('Saved: receipts recorded from now on carry these details.')).toBeVisible();
  await expect(details.getByLabel('GSTIN')).toHaveValue('27AAPFU0939F1ZV');
  await expectAccessible(page, 'settings with the school’s details');

  // A family receipt: Diya with her brother ticked, ₹6,000 in cash.
  await page.getByRole('button', { name: 'Collect fees', exact: true }).click();
  await page.getByLabel('Find a student').fill('diya');
  await page.keyboard.press('Enter');
  await page.getByRole('checkbox', { name: /Arjun Nair/ }).check();
  const amount = page.getByLabel('Amount received');
  await amount.fill('6000');
  await amount.press('F2');
  const preview = page.getByRole('region', { name: 'Receipt preview' });
  await expect(preview.getByTestId('receipt-thanks')).toHaveText(
    'Received with thanks from Guardian the sum of Rupees Six Thousand Only for Diya Nair (Class 5-A) and Arjun Nair (Class 5-A).',
  );
  await expect(preview.getByRole('table', { name: 'Receipt lines for Diya Nair' })).toBeVisible();
  await expect(preview.getByRole('table', { name: 'Receipt lines for Arjun Nair' })).toBeVisible();
  const shares = await preview.getByTestId('receipt-child-total').allInnerTexts();
  expect(shares.map((t) => Number(t.replace(/[₹,]/g, ''))).reduce((a, b) => a + b, 0)).toBe(6000);
  // 10 May: the first quarter's fines have run since 21 April (₹200 each); Arjun's is not paid, and is in the balance.
  await expect(preview.getByText('including late fines to date: ₹200.00')).toBeVisible();
  await expectAccessible(page, 'a family receipt');
  await page.screenshot({ path: join(SHOTS, '30-family-receipt.png'), fullPage: true });

  await page.keyboard.press('ControlOrMeta+p');
  await expect(preview.getByRole('status')).toHaveText('Sent to the printer.');
  const spool = join(desk.dir, 'prints');
  const printed = pdfText(
    join(
      spool,
      readdirSync(spool)
        .filter((f) => f.endsWith('.pdf'))
        .sort()
        .at(-1)!,
    ),
  );
  for (const line of [
    '14 Lake Road, Jayanagar',
    'Bengaluru 560041',
    'Phone 080 2663 1234 · CBSE Affiliation No. 830123 · GSTIN 27AAPFU0939F1ZV',
    'Received with thanks from Guardian',
    'For Diya Nair',
    'For Arjun Nair',
    'Balance after this payment',
    'including late fines to date',
    'Authorised signatory',
  ]) {
    expect(printed).toContain(line);
  }

  // Cancelled (with an accountant's approval), then reprinted from the receipts list: no balance that no longer holds.
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');
  const [payment] = await desk.ok('payments.list', { limit: 1 }, 'check');
  await desk.ok(
    'payments.cancel',
    { paymentId: payment!.paymentId, reason: 'Wrong family', approver: { username: 'meera', password: 'ledger-and-books-1' } },
    'check',
  );
  await page.keyboard.press('Enter');
  await page.getByLabel('Find a student').fill('diya');
  await page.keyboard.press('Enter');
  await page.getByRole('tab', { name: /Receipts/ }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('table', { name: 'Receipts' }).getByRole('button', { name: 'Reprint PDF' }).first().click();
  const file = join(desk.dir, 'cancelled-reprint.pdf');
  await (await download).saveAs(file);
  const reprint = pdfText(file);
  expect(reprint).toContain('CANCELLED on 10 May 2026');
  expect(reprint).not.toContain('Balance after this payment');
  expect(reprint).toContain('This receipt was cancelled: its amount no longer counts towards the fees.');
});
