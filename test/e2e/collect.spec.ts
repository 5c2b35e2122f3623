// The cashier's collect flow, keyboard only, and axe on every screen of fee collection.
import { join } from 'node:path';
import { setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { approveAs, expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';

test('search, part-pay in cash, pay the rest by UPI, ledger at zero — keyboard only', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Zoë Fernandes' });
  await admit(desk, school, { fullName: 'Zubin Mehta' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await expectAccessible(page, 'collect: search');

  // Three letters, no accent typed: "zoe" finds Zoë.
  await page.keyboard.type('zoe');
  await expect(page.getByRole('option', { name: /Zoë Fernandes/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Zoë Fernandes' })).toBeVisible();
  // On 5 April nothing has fallen due yet (the first quarter is due on the 10th): the next installment is asked for.
  await expect(page.getByTestId('outstanding')).toHaveText('Due now ₹0.00');
  await expect(page.getByTestId('year-total')).toHaveText('Whole year ₹20,000.00');
  await expect(page.getByLabel('Amount received')).toBeFocused();
  await expect(page.getByLabel('Amount received')).toHaveValue('₹4,500.00');
  await expectAccessible(page, 'collect: dues');
  await page.screenshot({ path: join(SHOTS, '10-collect-dues.png'), fullPage: true });

  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('3000');
  await page.keyboard.press('Tab'); // mode: cash
  await page.keyboard.press('Tab');
  await page.keyboard.type('3500'); // cash tendered
  await expect(page.getByText('Change to return: ₹500.00')).toBeVisible();
  await page.keyboard.press('F2');

  const preview = page.getByRole('region', { name: 'Receipt preview' });
  await expect(preview.getByRole('heading', { name: 'Receipt 2026-27/D01/000001' })).toBeVisible();
  await expect(preview.getByTestId('receipt-total')).toHaveText('₹3,000.00');
  await expect(preview.getByTestId('receipt-balance')).toHaveText('₹17,000.00');
  await expectAccessible(page, 'collect: receipt preview');
  await page.screenshot({ path: join(SHOTS, '11-receipt-preview.png'), fullPage: true });
  await page.keyboard.press('Enter');

  // The rest of the first quarter is asked for; Alt+N takes each next installment too, up to the whole year.
  await expect(page.getByLabel('Find a student')).toBeFocused();
  await page.keyboard.type('fer');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Amount received')).toHaveValue('₹1,500.00');
  for (const total of ['₹7,000.00', '₹11,500.00', '₹17,000.00']) {
    await page.keyboard.press('Alt+n');
    await expect(page.getByLabel('Amount received')).toHaveValue(total);
  }
  await expect(page.getByRole('button', { name: /Take the next installment too/ })).toHaveCount(0);
  await page.getByLabel('Amount received').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('u'); // native select: U for UPI
  await expect(page.getByLabel('Mode')).toHaveValue('upi');
  await page.keyboard.press('Tab');
  await page.keyboard.type('UTR998877665544');
  await page.keyboard.press('F2');
  await expect(preview.getByRole('heading', { name: 'Receipt 2026-27/D01/000002' })).toBeVisible();
  await expect(preview.getByTestId('receipt-balance')).toHaveText('₹0.00');
  await page.keyboard.press('Enter');

  await page.keyboard.type('zoe');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('year-total')).toHaveText('Whole year ₹0.00');
  await page.keyboard.press('Alt+2');
  await expect(page.getByTestId('ledger-balance')).toHaveText('Balance ₹0.00');
  await expect(page.getByRole('table', { name: 'Student ledger' }).getByText('Receipt 2026-27/D01/000002 (upi)')).toBeVisible();
  await expectAccessible(page, 'collect: ledger');
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('table', { name: 'Receipts' }).getByText('2026-27/D01/000001')).toBeVisible();
  await expectAccessible(page, 'collect: receipts');
  await page.screenshot({ path: join(SHOTS, '12-ledger.png'), fullPage: true });
});

test('a previous year’s dues stand first under “Arrears <year>”, totalled apart from this year’s; the defaulters report takes the year; the receipt names it', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Ira Sen' });
  // A year later: 2027-28 is current, with its own structure for Class 5; nothing of 2026-27 was paid.
  await desk.travelTo('2027-03-20T05:00:00Z');
  const next = await desk.ok('masters.createYear', { name: '2027-28', startsOn: '2027-04-01', endsOn: '2028-03-31', makeCurrent: true });
  const structure = await desk.ok('structures.create', {
    yearId: next.id,
    classId: school.classId,
    name: 'Class 5 — 2027-28',
    plan: 'termwise',
    installments: [
      { label: 'Term 1', dueOn: '2027-04-10' },
      { label: 'Term 2', dueOn: '2027-10-10' },
    ],
    heads: [{ headId: school.heads.tuition, amount: 14_000_00 }],
  });
  await desk.ok('structures.assign', { structureId: structure.id });
  await desk.travelTo('2027-05-15T05:00:00Z');
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  await page.keyboard.type('ira');
  await page.keyboard.press('Enter');
  const table = page.getByRole('table', { name: 'Open dues' });
  await expect(table.getByRole('rowheader', { name: 'Arrears 2026-27' })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: '2027-28' })).toBeVisible();
  // The arrears come first and are ticked with what has fallen due; each names its year.
  await expect(table.getByRole('checkbox').nth(1)).toHaveAccessibleName('Pay Arrears 2026-27 Quarter 1 Late fine');
  await expect(page.getByRole('checkbox', { name: 'Pay Arrears 2026-27 Quarter 4 Exam' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Pay Term 2 Tuition' })).not.toBeChecked();
  // ₹20,000 of fees and four ₹500 fines from 2026-27; this year's Term 1 has fallen due, Term 2 not yet.
  await expect(page.getByTestId('arrears-total')).toHaveText('Arrears 2026-27 ₹22,000.00');
  await expect(page.getByTestId('year-total')).toHaveText('Whole year ₹14,000.00');
  await expect(page.getByTestId('outstanding')).toHaveText('Due now ₹29,000.00');
  await expect(page.getByLabel('Amount received')).toBeFocused();
  await expect(page.getByLabel('Amount received')).toHaveValue('₹29,000.00');
  await expectAccessible(page, 'collect: arrears');
  await page.screenshot({ path: join(SHOTS, '14-collect-arrears.png'), fullPage: true });

  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Reports', exact: true }).click();
  await page.getByRole('combobox', { name: 'Report' }).click();
  await page.getByRole('option', { name: 'Outstanding dues and defaulters' }).click();
  await page.getByRole('combobox', { name: 'Year' }).click();
  await page.getByRole('option', { name: '2026-27' }).click();
  await page.getByRole('button', { name: 'Show report' }).click();
  const report = page.getByRole('table', { name: /^Outstanding dues and defaulters/ });
  await expect(report.locator('tbody tr')).toHaveCount(1, { timeout: 20_000 });
  await expect(report.getByRole('cell', { name: '2026-27', exact: true })).toBeVisible();
  await expect(page.getByText('dues of 2026-27')).toBeVisible();
  await expectAccessible(page, 'reports: defaulters by year');

  // Paid in full: the receipt names each arrears line with its year.
  await page.getByRole('button', { name: 'Collect fees', exact: true }).click();
  await page.getByLabel('Find a student').fill('ira');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Amount received')).toHaveValue('₹29,000.00');
  await page.keyboard.press('F2');
  const preview = page.getByRole('region', { name: 'Receipt preview' });
  await expect(preview.getByRole('cell', { name: 'Arrears 2026-27 · Quarter 4' }).first()).toBeVisible();
  await expect(preview.getByRole('cell', { name: 'Term 1', exact: true })).toBeVisible();
});

test('every fee-collection screen passes axe and shows the demo school', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-08-20T05:00:00Z');
  await desk.app.generateDemoSchool({ students: 40, until: '2026-08-20' });
  await desk.ok('auth.login', { username: 'principal', password: 'demo-admin-2026' });
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl, { username: 'principal', password: 'demo-admin-2026' });

  for (const [nav, heading] of [
    ['Students', 'Students'],
    ['Fee set-up', 'Fee set-up'],
    ['Concessions', 'Concessions'],
    ['Settings', 'Settings'],
    ['Desk', 'Welcome, Asha Rao'],
  ] as const) {
    await page.getByRole('button', { name: nav, exact: true }).click();
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    if (heading === 'Settings') await expect(page.getByLabel('Receipt number format')).toHaveValue('{year}/{desk}/{seq:6}');
    else if (heading !== 'Welcome, Asha Rao') await expect(page.getByRole('table').first().locator('tbody tr').first()).toBeVisible();
    await expectAccessible(page, heading);
    await page.screenshot({ path: join(SHOTS, `13-${heading.replace(/\W+/g, '-').toLowerCase()}.png`), fullPage: true });
  }
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await page.getByRole('button', { name: 'Admit a student' }).click();
  await expect(page.getByRole('form', { name: 'Admit a student' })).toBeVisible();
  await expectAccessible(page, 'Students: admit form');
});

test('scanning a fee slip (a fast burst of keys ending in Enter) opens that student; verify shows a genuine receipt', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Anika Rao' });
  const kabir = await admit(desk, school, { fullName: 'Kabir Shah' });
  const receipt = await desk.ok('payments.record', { studentIds: [kabir.id], amount: 1_000_00, method: { mode: 'cash' } });
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);

  // Focus is in the search box; the scanner types the token there, and it opens Kabir anyway.
  await page.keyboard.type(`FDS1-${kabir.id}`);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Kabir Shah' })).toBeVisible();
  await expect(page.getByTestId('outstanding')).toHaveText('Due now ₹3,700.00');
  await expect(page.getByTestId('year-total')).toHaveText('Whole year ₹19,200.00');

  // Something that starts like a slip code but is not one opens nobody, and says so.
  await page.keyboard.press('Escape');
  await page.getByLabel('Find a student').pressSequentially('FDS1-nope', { delay: 120 });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Kabir Shah' })).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: 'The fee slip was not read whole' })).toBeVisible();

  await page.getByRole('button', { name: 'Verify receipt', exact: true }).click();
  await page.getByLabel('Receipt code or verify link').fill(`https://verify.feedesk.invalid/v/${receipt.qr}`);
  await page.keyboard.press('Enter');
  const result = page.getByRole('region', { name: 'Verification result' });
  await expect(result.getByText('Genuine receipt', { exact: true })).toBeVisible();
  await expect(result.getByText('₹1,000.00')).toBeVisible();
  await expect(result.getByText(/Kabir Shah: valid/)).toBeVisible();
  await expectAccessible(page, 'Verify receipt');
  await page.screenshot({ path: join(SHOTS, '14-verify.png'), fullPage: true });

  await page.getByLabel('Receipt code or verify link').fill(`${receipt.qr!.slice(0, 20)}X${receipt.qr!.slice(21)}`);
  await page.keyboard.press('Enter');
  await expect(result.getByText(/Altered or forged|Damaged code|Unknown desk/)).toBeVisible();
});

test('a cashier waives a late fine and cancels a receipt, each with an accountant’s approval', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Diya Nair' });
  await desk.ok('users.create', { username: 'meera', fullName: 'Meera Iyer', role: 'accountant', password: 'ledger-and-books-1' });
  await desk.ok('users.create', { username: 'ravi', fullName: 'Ravi Kumar', role: 'cashier', password: 'counter-cash-2026' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await page.goto(rendererUrl);
  await page.getByLabel('Username').fill('ravi');
  await page.getByLabel('Password', { exact: true }).fill('counter-cash-2026');
  await page.keyboard.press('Enter');
  await page.getByLabel('Find a student').fill('diya');
  await page.getByRole('option', { name: /Diya Nair/ }).click();
  await expect(page.getByTestId('outstanding')).toHaveText('Due now ₹4,700.00');
  await expect(page.getByTestId('year-total')).toHaveText('Whole year ₹20,200.00');

  await page.getByRole('button', { name: 'Waive Quarter 1 Late fine' }).click();
  const dialog = page.getByRole('dialog', { name: 'Waive Quarter 1 · Late fine' });
  await dialog.getByLabel('Reason').fill('Bank holiday on the due date');
  await dialog.getByLabel('Approver (accountant or admin) username').fill('meera');
  await dialog.getByLabel('Approver password').fill('wrong password');
  await dialog.getByRole('button', { name: 'Waive' }).click();
  await expect(dialog.getByText('Approver username or password is wrong')).toBeVisible();
  await expectAccessible(page, 'waive dialog');
  await approveAs(dialog, { username: 'meera', password: 'ledger-and-books-1' });
  await dialog.getByRole('button', { name: 'Waive' }).click();
  await expect(page.getByTestId('outstanding')).toHaveText('Due now ₹4,500.00');
  await expect(page.getByTestId('year-total')).toHaveText('Whole year ₹20,000.00');

  await page.getByLabel('Amount received').fill('4500');
  await page.keyboard.press('F2');
  await expect(page.getByRole('region', { name: 'Receipt preview' })).toBeVisible();
  await page.keyboard.press('Enter');
  await page.getByLabel('Find a student').fill('diya');
  await page.getByRole('option', { name: /Diya Nair/ }).click();
  await page.keyboard.press('Alt+3');
  await page.getByRole('button', { name: 'Cancel…' }).click();
  const cancel = page.getByRole('dialog', { name: /Cancel receipt/ });
  await cancel.getByLabel('Reason').fill('Wrong student');
  await approveAs(cancel, { username: 'meera', password: 'ledger-and-books-1' });
  await cancel.getByRole('button', { name: 'Cancel receipt' }).click();
  await expect(page.getByRole('table', { name: 'Receipts' }).getByText('cancelled')).toBeVisible();
  await expect(page.getByTestId('year-total')).toHaveText('Whole year ₹20,000.00');
});
