// Refunds in Chromium at 1280×720: the admin makes a caution-money head a refundable deposit in Fee set-up; a student is
// charged it and the cashier collects it with the first quarter; then the cashier opens Refund…, pays the deposit back
// in cash with part of it set off against the second quarter's tuition, an accountant approving, sees the voucher and
// saves its PDF. Errors stand beside the field they are about.
import { join } from 'node:path';
import { ADMIN, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { approveAs, expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';
import { typist } from './support/typist';

const ACCOUNTANT = { username: 'meera', password: 'ledger-and-books-1' };
const CASHIER = { username: 'ravi', password: 'counter-cash-2026' };

test('a deposit head, collected, then refunded at the counter with one due set off: the voucher and its PDF', async ({
  page,
  desk,
  rendererUrl,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  desk.clock.current = new Date('2026-04-12T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const diya = await admit(desk, school, { fullName: 'Diya Menon' });
  await desk.ok('users.create', { ...ACCOUNTANT, fullName: 'Meera Iyer', role: 'accountant' });
  await desk.ok('users.create', { ...CASHIER, fullName: 'Ravi Kumar', role: 'cashier' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');

  // Fee set-up: a head for caution money, ticked as a refundable deposit.
  await page.getByRole('button', { name: 'Fee set-up', exact: true }).click();
  const newHead = page.getByRole('form', { name: 'New fee head' });
  await newHead.getByLabel('Head').fill('Caution deposit');
  await newHead.getByLabel('Refundable deposit (caution money, not income)').check();
  await newHead.getByRole('button', { name: 'Add' }).click();
  await expect(newHead.getByText('Added.')).toBeVisible();
  await expect(page.getByText('Caution deposit · refundable deposit')).toBeVisible();
  await expectAccessible(page, 'fee set-up: a deposit head');
  await newHead.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'a0-deposit-head.png') });
  const head = (await desk.ok('masters.get', undefined, 'check')).heads.find((h) => h.name === 'Caution deposit')!;
  expect(head.deposit).toBe(true);
  await desk.ok(
    'charges.oneOff',
    { studentIds: [diya.id], headId: head.id, label: 'Caution money', amount: 5_000_00, dueOn: '2026-04-12' },
    'check',
  );

  // The cashier collects what has fallen due: the first quarter and the caution money.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('Username').fill(CASHIER.username);
  await page.getByLabel('Password', { exact: true }).fill(CASHIER.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
  const cashier = typist(page);
  await cashier.type('diya');
  await cashier.press('Enter');
  await expect(page.getByLabel('Amount received')).toHaveValue('₹9,500.00');
  await cashier.press('F2');
  await expect(page.getByRole('heading', { name: 'Receipt 2026-27/D01/000001' })).toBeVisible();
  await cashier.press('Enter');

  // Refund…: the deposit, ₹1,500 of it set off against the second quarter's tuition, the rest paid back in cash.
  await cashier.type('diya');
  await cashier.press('Enter');
  await page.getByRole('button', { name: 'Refund…' }).click();
  const dialog = page.getByRole('dialog', { name: `Refund to Diya Menon (${diya.admissionNo})` });
  await dialog.getByRole('radio', { name: 'Refundable deposit (₹5,000.00 held)' }).check();
  await expect(dialog).toContainText('Deposits held: Caution money · Caution deposit (2026-27) ₹5,000.00');
  await dialog.getByRole('checkbox', { name: 'Set off Quarter 2 · Tuition (2026-27)' }).check();
  const setOff = dialog.getByRole('textbox', { name: 'Set off amount on Quarter 2 · Tuition (2026-27)' });
  await expect(setOff).toHaveValue('₹3,000.00');
  await dialog.getByLabel('Reason').fill('Leaving after Class 5');
  // No approver yet: the server's word stands under the approver's username.
  await dialog.getByRole('button', { name: 'Record refund' }).click();
  await expect(dialog.getByLabel('Approver (accountant or admin) username')).toHaveAccessibleDescription(/./);
  // More set off than is owed on the due: said beside that due's amount.
  await setOff.fill('3,500');
  await expect(dialog.getByLabel('Amount paid back')).toHaveValue('₹1,500.00');
  await approveAs(dialog, ACCOUNTANT);
  await dialog.getByRole('button', { name: 'Record refund' }).click();
  await expect(setOff).toHaveAccessibleDescription('Is above what is owed on Quarter 2 · Tuition (₹3,000.00)');
  await expectAccessible(page, 'refund dialog: a deposit with a set-off refused');
  await setOff.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'a1-refund-deposit.png') });

  await setOff.fill('1,500');
  await expect(dialog.getByLabel('Amount paid back')).toHaveValue('₹3,500.00');
  await expect(dialog).toContainText('Held ₹5,000.00 · set off ₹1,500.00 · paid back ₹3,500.00 · left held ₹0.00');
  // ₹500 stays held until the library books come back.
  await dialog.getByLabel('Amount paid back').fill('3000');
  await expect(dialog).toContainText('Held ₹5,000.00 · set off ₹1,500.00 · paid back ₹3,000.00 · left held ₹500.00');
  await approveAs(dialog, ACCOUNTANT);
  await dialog.getByRole('button', { name: 'Record refund' }).click();
  const voucher = dialog.getByRole('region', { name: 'Refund voucher' });
  await expect(voucher.getByRole('heading', { name: 'Refund voucher RF/2026-27/D01/00001 · Refundable deposit' })).toBeVisible();
  await expect(voucher).toContainText('Paid out: ₹3,000.00 · set off ₹1,500.00');
  await expect(voucher).toContainText('Rupees Three Thousand Only');
  await expect(voucher).toContainText('Cash · Reason: Leaving after Class 5 · Requested by Ravi Kumar · Approved by Meera Iyer');
  await expect(voucher).toContainText('Deposit still held: ₹500.00');
  await expectAccessible(page, 'refund dialog: the voucher');
  await page.screenshot({ path: join(SHOTS, 'a2-refund-voucher.png') });
  const download = page.waitForEvent('download');
  await voucher.getByRole('button', { name: 'Save PDF' }).click();
  expect((await download).suggestedFilename()).toBe('refund-RF-2026-27-D01-00001.pdf');
  await expect(voucher).toContainText('Saved refund-RF-2026-27-D01-00001.pdf.');
  await voucher.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();

  const after = await desk.ok('refunds.refundable', { studentId: diya.id }, 'check');
  expect(after.depositHeld).toBe(500_00);
  expect(after.owed.find((o) => o.installment === 'Quarter 2' && o.head === 'Tuition')?.balance).toBe(1_500_00);

  // Leaving: the form says what deposit is still held, and where to refund it.
  await page.getByRole('button', { name: 'Log out' }).click();
  await logIn(page, rendererUrl);
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await page.getByRole('button', { name: 'Open Diya Menon' }).click();
  const panel = page.getByRole('region', { name: 'Student Diya Menon' });
  await panel.getByRole('button', { name: 'Mark as left…' }).click();
  const leave = panel.getByRole('form', { name: 'Mark Diya Menon as left' });
  const held = leave.getByRole('region', { name: 'Deposits held' });
  await expect(held).toContainText('Deposits held: ₹500.00');
  await expect(held).toContainText('Caution money · Caution deposit (2026-27) ₹500.00. They are Diya Menon’s: refund them at the counter');
  await expectAccessible(page, 'mark as left, a deposit held');
  await held.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'a3-leave-deposit-held.png') });
});
