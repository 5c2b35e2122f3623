// Bank reconciliation in Chromium (issue 19, items 1, 2, 5 and 7): the admin names the school's UPI payee and its fees
// account; a fee slip printed for Asha carries a UPI reference; the bank's statement has her payment quoting it and a
// transfer matching no one, which the accountant gives to Ravi by hand; both are confirmed into the books, receipted,
// and the same statement read again finds them in the books.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { ACCOUNTS, writeStatement } from '../support/statements';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

const ACCOUNTANT = { username: 'meera', password: 'ledger and books 42' };

test('a slip paid by UPI and a transfer given to a student by hand, confirmed from the bank statement into the books once', async ({
  page,
  desk,
  rendererUrl,
}, testInfo) => {
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const asha = await admit(desk, school, { fullName: 'Asha Menon' });
  const ravi = await admit(desk, school, { fullName: 'Ravi Kumar' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  // Settings: the UPI payee, and the fees account (a number with a letter in it is caught under its box).
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const upi = page.getByRole('form', { name: 'UPI payments' });
  await upi.getByLabel('UPI ID').fill('fees.gvs@sbi');
  await upi.getByLabel('Payee name').fill('Green Valley School');
  await upi.getByRole('button', { name: 'Save UPI payments' }).click();
  await expect(upi.getByText('Saved: fee slips printed from now on carry a UPI QR code.')).toBeVisible();
  const banks = page.getByRole('form', { name: 'Bank accounts' });
  await expect(banks.getByText('No bank accounts yet.')).toBeVisible();
  await banks.getByRole('button', { name: 'Add a bank account' }).click();
  const fees = banks.getByRole('group', { name: 'Account 1' });
  await fees.getByLabel('Account number').fill('1234 5678 90I');
  await fees.getByLabel('Bank', { exact: true }).selectOption({ label: 'State Bank of India' });
  await fees.getByLabel('Label', { exact: true }).fill('Fees account (SBI)');
  await banks.getByRole('button', { name: 'Save bank accounts' }).click();
  await expect(fees.getByText('Must be the account number: 6 to 20 digits')).toBeVisible();
  await fees.getByLabel('Account number').fill(ACCOUNTS.sbi);
  await banks.getByRole('button', { name: 'Save bank accounts' }).click();
  await expect(banks.getByText('Saved.')).toBeVisible();
  await expectAccessible(page, 'settings: bank accounts');
  await banks.screenshot({ path: join(SHOTS, '64-settings-bank-accounts.png') });

  // Asha's fee slip, printed at the counter: its UPI QR's reference is what her parent's UPI app sends to the bank.
  await page.getByRole('button', { name: 'Collect fees', exact: true }).click();
  await page.getByLabel('Find a student').fill('asha');
  await page.keyboard.press('Enter');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Fee slip' }).click();
  const slip = testInfo.outputPath('slip.pdf');
  await (await download).saveAs(slip);
  execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', slip, testInfo.outputPath('slip')]);
  const link = execFileSync('zbarimg', ['--quiet', '--raw', testInfo.outputPath('slip.png')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .split('\n')
    .find((c) => c.startsWith('upi://pay?'))!;
  const reference = new URL(link).searchParams.get('tr')!;
  expect(new URL(link).searchParams.get('am')).toBe('4700.00');

  // The bank's statement, on "this computer": Asha's payment quoting the slip, and a transfer naming no one.
  const statement = join(desk.dir, 'picked', 'sbi-may.csv');
  mkdirSync(join(desk.dir, 'picked'));
  writeStatement(
    'sbi',
    [
      {
        kind: 'upi',
        date: '2026-05-10',
        utr: '612345678901',
        payer: 'ASHA PARENT',
        vpa: 'asha.parent@oksbi',
        note: `${asha.admissionNo} ${reference}`,
        amount: 4700_00,
      },
      { kind: 'neft', date: '2026-05-10', utr: 'N130260012340001', payer: 'R KUMAR', note: 'SCHOOL FEES', amount: 2000_00 },
    ],
    statement,
  );
  await page.getByRole('button', { name: 'Bank reconciliation', exact: true }).click();
  await expect(page.getByRole('combobox', { name: 'Account' })).toHaveValue(`Fees account (SBI) · ${ACCOUNTS.sbi} · State Bank of India`);
  const browse = async (file: string) => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Browse…' }).click();
    await (await chooser).setFiles(file);
  };
  // The wrong file first: the desk says what it is not, and reads nothing.
  const register = join(desk.dir, 'picked', 'students.csv');
  writeFileSync(register, 'Admission No,Name,Class\r\nA-1,Asha,5\r\n');
  await browse(register);
  await expect(page.getByRole('alert')).toContainText(/not a bank statement/);
  await expect(page.getByRole('table', { name: 'Statement lines' })).toHaveCount(0);
  await browse(statement);

  const lines = page.getByRole('table', { name: 'Statement lines' });
  const paid = lines.getByRole('row', { name: /ASHA PARENT/ });
  const stranger = lines.getByRole('row', { name: /R KUMAR/ });
  await expect(paid).toContainText('Matched', { timeout: 30_000 });
  await expect(paid).toContainText('10 May 2026');
  await expect(paid).toContainText('₹4,700.00');
  await expect(paid).toContainText(`quotes fee slip ${reference}`);
  await expect(paid).toContainText(`New receipt for Asha Menon (${asha.admissionNo})`);
  await expect(paid.getByRole('checkbox')).toBeChecked();
  await expect(stranger).toContainText('Unmatched');
  await expect(stranger.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('radio', { name: 'Matched 1', exact: true })).toBeAttached();
  await expect(page.getByRole('radio', { name: 'Unmatched 1', exact: true })).toBeAttached();
  await expect(page.getByRole('button', { name: 'Confirm 1 line · ₹4,700.00' })).toBeEnabled();
  await expectAccessible(page, 'bank reconciliation: statement read');
  await page.screenshot({ path: join(SHOTS, '65-reconcile-read.png') });
  await page.screenshot({ path: testInfo.outputPath('reconcile-read.png') });

  // The transfer is Ravi's (his father rang): given to him by hand, with the collect screen's student search.
  await stranger.getByRole('button', { name: 'Assign student…' }).click();
  const assign = page.getByRole('dialog', { name: /whose ₹2,000\.00 is it\?$/ });
  await assign.getByLabel('Find a student').fill('ravi');
  await expect(assign.getByRole('option', { name: /Ravi Kumar/ })).toBeVisible();
  await expectAccessible(page, 'bank reconciliation: assign a student');
  await page.keyboard.press('Enter');
  await expect(assign).toBeHidden();
  await expect(stranger).toContainText(`New receipt for Ravi Kumar (${ravi.admissionNo}), chosen by hand`);
  await expect(stranger.getByRole('checkbox')).toBeChecked();
  // The counts are filters, radios to the keyboard: the unmatched line alone, then every line again.
  const all = page.getByRole('radio', { name: 'All 2', exact: true });
  await all.focus();
  for (const _ of ['Matched', 'Probable', 'Unmatched']) await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: 'Unmatched 1', exact: true })).toBeChecked();
  await expect(lines.getByRole('row')).toHaveCount(2);
  for (const _ of ['Probable', 'Matched', 'All']) await page.keyboard.press('ArrowLeft');
  await expect(all).toBeChecked();
  await expect(lines.getByRole('row')).toHaveCount(3);

  await page.getByRole('button', { name: 'Confirm 2 lines · ₹6,700.00' }).click();
  const done = page.getByRole('region', { name: 'Confirmed into the books' });
  await expect(done).toContainText('2 receipts recorded · 0 counter payments confirmed by the bank · 0 cheques cleared');
  const receipts = done.getByRole('table', { name: 'Receipts recorded' });
  const first = receipts.getByRole('row', { name: /2026-27\/D01\/000001/ });
  await expect(first).toContainText(`Asha Menon (${asha.admissionNo})`);
  await expect(first).toContainText('₹4,700.00');
  const second = receipts.getByRole('row', { name: /2026-27\/D01\/000002/ });
  await expect(second).toContainText(`Ravi Kumar (${ravi.admissionNo})`);
  await expect(second).toContainText('₹2,000.00');
  const pdf = page.waitForEvent('download');
  await done.getByRole('button', { name: 'Save PDF of receipt 2026-27/D01/000001' }).click();
  expect((await pdf).suggestedFilename()).toMatch(/\.pdf$/);
  await expect(paid).toContainText('In the books');
  await expect(stranger).toContainText('In the books');
  await expectAccessible(page, 'bank reconciliation: confirmed');
  await page.screenshot({ path: join(SHOTS, '66-reconcile-confirmed.png'), fullPage: true });
  await page.screenshot({ path: testInfo.outputPath('reconcile-confirmed.png'), fullPage: true });

  // In the books: Asha's first quarter paid under the bank's UTR and the slip's reference.
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');
  const dues = await desk.ok('payments.openDues', { studentIds: [asha.id] }, 'check');
  expect(dues.items.filter((i) => i.installment === 'Quarter 1').every((i) => i.balance === 0)).toBe(true);
  const [ashas] = await desk.ok('payments.list', { studentId: asha.id }, 'check');
  expect(await desk.ok('payments.receipt', { paymentId: ashas!.paymentId }, 'check')).toMatchObject({
    mode: 'upi',
    amount: 4700_00,
    reference: { utr: '612345678901', upiRef: reference },
  });
  expect((await desk.ok('payments.list', { studentId: ravi.id }, 'check'))[0]).toMatchObject({ amount: 2000_00 });

  // The same statement read again: both lines are in the books, and nothing is left to confirm.
  await page.getByRole('button', { name: 'Read statement' }).click();
  await expect(page.getByRole('radio', { name: 'In the books 2', exact: true })).toBeAttached();
  await expect(done).toBeHidden();
  await expect(paid).toContainText('In the books');
  await expect(stranger).toContainText('In the books');
  await expect(page.getByRole('button', { name: 'Confirm 0 lines · ₹0.00' })).toBeDisabled();

  // The reconciliation report (issue 19, item 8): the day's bank credits and the books agree, nothing unexplained.
  await page.getByRole('button', { name: 'Reports', exact: true }).click();
  await page.getByRole('combobox', { name: 'Report' }).click();
  await page.getByRole('option', { name: 'Bank reconciliation' }).click();
  await page.getByLabel('From', { exact: true }).fill('10/05/2026');
  await page.getByLabel('To', { exact: true }).fill('10/05/2026');
  await page.getByRole('button', { name: 'Show report' }).click();
  const report = page.getByRole('table', { name: /^Bank reconciliation · 10 May 2026 to 10 May 2026/ });
  await expect(report).toBeVisible({ timeout: 20_000 });
  const rows = report.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) await expect(row).toContainText('In both');
  await expect(page.getByText(/In the bank, not in the books: ₹?0\.00/)).toBeVisible();
  await expect(page.getByText(/In the books, not yet in the bank: ₹?0\.00/)).toBeVisible();
  await expect(page.getByText(/In both: ₹?6,700\.00/)).toBeVisible();
  await expectAccessible(page, 'reports: bank reconciliation');
  await page.screenshot({ path: join(SHOTS, '68-reconciliation-report.png'), fullPage: true });
});

test('another bank’s columns chosen once, a returned cheque bounced from its line, and a line another window confirmed first refused with nothing lost', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-05-04T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  await desk.ok('settings.update', { bankAccounts: [{ number: '0123101012345', label: 'Canara current account', layout: 'other' }] });
  const kiran = await admit(desk, school, { fullName: 'Kiran Shah' });
  const leela = await admit(desk, school, { fullName: 'Leela Bose' });
  const cheque = await desk.ok('payments.record', {
    studentIds: [kiran.id],
    amount: 4500_00,
    method: { mode: 'cheque', chequeNo: '654321', bank: 'Canara Bank', chequeDate: '2026-05-04' },
  });
  await desk.ok('auth.logout');
  await desk.travelTo('2026-05-10T05:00:00Z');
  // A bank FeeDesk has no layout for: its own column names, no account line above them.
  const statement = join(desk.dir, 'canara-may.csv');
  writeFileSync(
    statement,
    [
      'Txn Date,Value Date,Cheque No.,Description,Branch Code,Debit,Credit,Balance',
      '08/05/2026,08/05/2026,654321,CHQ RETURN 654321 FUNDS INSUFFICIENT,1234,4500.00,,95500.00',
      '09/05/2026,09/05/2026,,UPI/712345678901/GIFT/friend@ybl/Axis Bank,1234,,1000.00,96500.00',
    ].join('\r\n'),
  );
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl, ACCOUNTANT);

  await page.getByRole('button', { name: 'Bank reconciliation', exact: true }).click();
  await page.getByLabel('Statement file (XLSX or CSV, as the bank’s net banking exports it)').fill(statement);
  await page.getByRole('button', { name: 'Read columns' }).click();
  await expect(page.getByRole('heading', { name: 'The statement’s columns' })).toBeVisible();
  await page.getByLabel('Bank’s name').fill('Canara Bank');
  const column = async (field: string, header: string) => {
    await page.getByRole('combobox', { name: `Column for ${field}` }).click();
    await page.getByRole('option', { name: header, exact: true }).click();
  };
  await column('Date', 'Txn Date');
  await column('Narration', 'Description');
  await expect(page.getByText('Choose the withdrawals and deposits columns, or one amount column.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Read statement' })).toBeDisabled();
  await column('Reference', 'Cheque No.');
  await column('Withdrawals', 'Debit');
  await column('Deposits', 'Credit');
  await expectAccessible(page, 'bank reconciliation: another bank’s columns');
  await page.screenshot({ path: join(SHOTS, '67-reconcile-columns.png'), fullPage: true });
  await page.getByRole('button', { name: 'Read statement' }).click();

  const lines = page.getByRole('table', { name: 'Statement lines' });
  const returned = lines.getByRole('row', { name: /CHQ RETURN/ });
  const gift = lines.getByRole('row', { name: /GIFT/ });
  await expect(returned).toContainText('Matched', { timeout: 30_000 });
  await expect(returned).toContainText('-₹4,500.00');
  await expect(returned.getByRole('checkbox')).toHaveCount(0);
  // The columns are the account's now: the form is gone, and read with them next time.
  await expect(page.getByText('Read with the columns remembered from a Canara Bank statement.')).toBeVisible();

  // The gift is Leela's, given to her by hand; then the returned cheque, bounced with the receipts' bounce dialog from
  // its line: the statement, read again, has it in the books, and Leela's line keeps its tick and its student.
  await gift.getByRole('button', { name: 'Assign student…' }).click();
  await page.getByRole('dialog').getByLabel('Find a student').fill('leela');
  await page.keyboard.press('Enter');
  await expect(gift).toContainText(`New receipt for Leela Bose (${leela.admissionNo}), chosen by hand`);
  await returned.getByRole('button', { name: `Bounce receipt ${cheque.receiptNo}…` }).click();
  const bounce = page.getByRole('dialog', { name: `Cheque bounced: ${cheque.receiptNo}` });
  await bounce.getByLabel("Bank's reason").fill('Funds insufficient');
  await bounce.getByRole('button', { name: 'Record bounce' }).click();
  await expect(bounce).toBeHidden();
  await expect(returned).toContainText('In the books');
  await expect(returned).toContainText(`cheque 654321 of receipt ${cheque.receiptNo} is already marked bounced`);
  await expect(gift).toContainText(`New receipt for Leela Bose (${leela.admissionNo}), chosen by hand`);
  await expect(gift.getByRole('checkbox')).toBeChecked();

  // Another window confirms the gift line first: this one's confirmation is refused, naming the row, and keeps the choices.
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'other-window');
  const there = await desk.ok('reconcile.dryRun', { path: statement, account: '0123101012345' }, 'other-window');
  const row = there.lines.find((l) => l.narration.includes('GIFT'))!.row;
  await desk.ok('reconcile.confirm', { statementId: there.statementId, lines: [{ row, studentId: leela.id }] }, 'other-window');
  await page.getByRole('button', { name: 'Confirm 1 line · ₹1,000.00' }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'Nothing was confirmed' });
  await expect(refused).toContainText(new RegExp(`Row ${row} .*is in the books already, by receipt 2026-27/D01/000002`));
  await expect(gift.getByRole('checkbox')).toBeChecked();
  await expect(gift).toContainText('chosen by hand');
  await expectAccessible(page, 'bank reconciliation: a refused confirmation');
  await page.getByRole('button', { name: 'Read statement' }).click();
  await expect(gift).toContainText('In the books');
  expect(await desk.ok('payments.list', { studentId: leela.id }, 'other-window')).toHaveLength(1);
});
