// The counter on a busy day (issue 16), each check driven as the cashier drives it: day close that does not blank
// the window, a screen that fails on its own, Enter that never reprints, the print shortcut and print on save,
// the lock from any field.
import { join } from 'node:path';
import { ADMIN, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';
import { typist } from './support/typist';

test('day close: typing counted UPI and cheque totals keeps the screen, and the variance follows', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const student = await admit(desk, school);
  await desk.ok('payments.record', { studentIds: [student.id], amount: 1_500_00, method: { mode: 'upi', utr: 'UTR2026040501' } });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await page.getByRole('button', { name: 'Day close', exact: true }).click();
  // The day as a cashier types it; it reads back with the month in words.
  const day = page.getByLabel('Day', { exact: true });
  await day.fill('5/4/26');
  await expect(page.getByText('Sunday, 5 Apr 2026')).toBeVisible();

  const upi = page.getByLabel('Counted UPI');
  await upi.click();
  // Key by key, as a cashier types: the second key used to blank the whole window.
  await page.keyboard.type('1400', { delay: 30 });
  await expect(upi).toHaveValue('1400');
  await expect(page.getByRole('status').filter({ hasText: 'Variance' })).toHaveText('Variance: -₹100.00');
  await page.getByLabel('Counted Cheque').click();
  await page.keyboard.type('0', { delay: 30 });
  await upi.fill('1500');
  await expect(page.getByRole('status').filter({ hasText: 'Variance' })).toHaveText('Variance: ₹0.00');
  await expectAccessible(page, 'day close, counting');
});

test('a screen that fails shows what happened in its place, logs it, and leaves the rest of FeeDesk working', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  // A day-close status the screen cannot draw (as a bug in it would): the answer is altered on its way to the page.
  await page.route('**/api/invoke', async (route) => {
    const body = route.request().postDataJSON() as { channel: string };
    if (body.channel !== 'dayClose.status') return route.continue();
    const response = await route.fetch();
    const answer = (await response.json()) as { ok: boolean; value: Record<string, unknown> };
    return route.fulfill({ response, json: { ...answer, value: { ...answer.value, denominations: null } } });
  });
  await page.getByRole('button', { name: 'Day close', exact: true }).click();
  const failed = page.getByRole('alert').filter({ hasText: 'The Day close screen stopped working' });
  await expect(failed).toBeVisible();
  await expect(failed).toContainText('Nothing you saved is lost');
  // Red notices are readable: a tint of the red with the red as text (axe color-contrast).
  await expectAccessible(page, 'a screen that failed');
  await page.screenshot({ path: join(SHOTS, '60-screen-failed.png') });
  // The rest goes on.
  await page.getByRole('button', { name: 'Collect fees', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
  await expect(page.getByLabel('Find a student')).toBeVisible();
  // Main's log has it (and only it), with where it failed.
  await expect.poll(() => desk.errors.length).toBe(1);
  expect(String(desk.errors[0])).toMatch(/Cannot read properties of null[\s\S]*at DayCloseScreen/);
  desk.errors.length = 0;
});

test('after Print, Enter opens the next collection and never prints a duplicate; Ctrl+P prints', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Meher Kapoor' });
  await admit(desk, school, { fullName: 'Arjun Nair' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  const collect = async (name: string) => {
    await page.keyboard.type(name);
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Amount received')).toBeFocused();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('1000');
    await page.keyboard.press('F2');
    await expect(page.getByRole('region', { name: 'Receipt preview' })).toBeVisible();
  };
  const copiesOf = async (receiptNo: string) => {
    const list = await desk.ok('payments.list', { limit: 50 }, 'check');
    const payment = list.find((p) => p.receiptNo === receiptNo)!;
    // Asking for the next copy tells how many there were.
    return (await desk.ok('receipts.print', { paymentId: payment.paymentId, target: 'pdf' }, 'check')).copyNo - 1;
  };
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');

  await collect('meher');
  const preview = page.getByRole('region', { name: 'Receipt preview' });
  await preview.getByRole('button', { name: 'Print (Ctrl+P)' }).click();
  await expect(preview.getByRole('status')).toHaveText('Sent to the printer.');
  await expect(preview.getByRole('button', { name: 'Next collection (Enter)' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Find a student')).toBeFocused();
  expect(await copiesOf('2026-27/D01/000001')).toBe(1);

  // Focus left on Print by hand: Enter still means next.
  await collect('arjun');
  await preview.getByRole('button', { name: 'Print (Ctrl+P)' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Find a student')).toBeFocused();
  expect(await copiesOf('2026-27/D01/000002')).toBe(0);

  // Ctrl+P on the preview prints to the desk's printer (not the page).
  await collect('meher');
  await page.keyboard.press('ControlOrMeta+p');
  await expect(preview.getByRole('status')).toHaveText('Sent to the printer.');
  expect(await copiesOf('2026-27/D01/000003')).toBe(1);
});

test('print on save (Settings → Desk printer): the receipt prints as the payment is saved', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Tara Singh' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const printer = page.getByRole('form', { name: 'Desk printer' });
  await printer.getByLabel('Print the receipt as soon as a payment is saved').check();
  await printer.getByRole('button', { name: 'Save printer' }).click();
  await expect(printer.getByText('Saved.')).toBeVisible();
  await expectAccessible(page, 'settings with print on save');

  await page.getByRole('button', { name: 'Collect fees', exact: true }).click();
  await page.getByLabel('Find a student').fill('tara');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Amount received')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('2000');
  await page.keyboard.press('F2');
  const preview = page.getByRole('region', { name: 'Receipt preview' });
  await expect(preview.getByRole('status')).toHaveText('Sent to the printer.');
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');
  const [payment] = await desk.ok('payments.list', { limit: 5 }, 'check');
  expect((await desk.ok('receipts.print', { paymentId: payment!.paymentId, target: 'pdf' }, 'check')).copyNo).toBe(2);
});

test('Ctrl+L and Alt+L lock the screen from the search box; what is typed next goes to the lock’s password', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  const search = page.getByLabel('Find a student');
  for (const shortcut of ['ControlOrMeta+l', 'Alt+l']) {
    await search.click();
    await page.keyboard.press(shortcut);
    const lock = page.getByRole('dialog', { name: 'Screen locked' });
    await expect(lock).toBeVisible();
    await expect(lock.getByLabel('Password', { exact: true })).toBeFocused();
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await expect(lock).toBeHidden();
    await expect(search).toHaveValue('');
  }
});

test('payment errors name the field as the screen does, the cursor goes there, and a UTR is taken as UPI apps show it', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Kavya Menon' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  await page.keyboard.type('kavya');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Amount received')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('1500');
  await page.keyboard.press('Tab');
  await page.keyboard.press('u');
  await page.keyboard.press('Tab');
  await page.keyboard.type('40712');
  await page.keyboard.press('F2');
  const utr = page.getByLabel('UPI reference (UTR)');
  await expect(page.getByText('Must be the 8–30 letters and digits of the UPI reference (UTR)')).toBeVisible();
  await expect(page.getByText(/method\./i)).toHaveCount(0);
  await expect(utr).toBeFocused();
  await expectAccessible(page, 'payment with a field in error');

  // As the UPI app shows it: groups of digits, a prefix with a dash.
  await utr.fill('utr-4071 2345 6789');
  await page.keyboard.press('F2');
  const preview = page.getByRole('region', { name: 'Receipt preview' });
  await expect(preview.getByRole('heading', { name: 'Receipt 2026-27/D01/000001' })).toBeVisible();
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');
  const [payment] = await desk.ok('payments.list', { limit: 5 }, 'check');
  const receipt = await desk.ok('payments.receipt', { paymentId: payment!.paymentId }, 'check');
  expect(receipt.reference).toEqual({ utr: 'UTR407123456789' });
  await page.keyboard.press('Enter');

  // A cheque with a short number: the message sits under "Cheque number", which takes the cursor.
  await page.keyboard.type('kavya');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Amount received')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('500');
  await page.getByLabel('Mode').selectOption('cheque');
  await page.getByLabel('Cheque number').fill('12a');
  await page.getByLabel('Bank').fill('State Bank of India');
  await page.getByLabel(/Cheque date/).fill('2026-04-05');
  await page.keyboard.press('F2');
  await expect(page.getByText('Must be the 6-digit cheque number')).toBeVisible();
  await expect(page.getByLabel('Cheque number')).toBeFocused();
});

test('axe finds nothing serious on the search results and on Fee set-up with its notice open', async ({ page, desk, rendererUrl }) => {
  desk.clock.current = new Date('2026-04-05T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Rohan Das' });
  await admit(desk, school, { fullName: 'Rohini Das' });
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  await page.keyboard.type('roh');
  await expect(page.getByRole('option')).toHaveCount(2);
  await expectAccessible(page, 'collect: search results');
  // A click on a result still opens it.
  await page.getByRole('option', { name: /Rohini Das/ }).click();
  await expect(page.getByRole('heading', { name: 'Rohini Das' })).toBeVisible();

  await page.getByRole('button', { name: 'Fee set-up', exact: true }).click();
  await page.getByRole('button', { name: 'Add new students' }).first().click();
  await expect(page.getByRole('alert').or(page.locator('.mantine-Alert-root')).first()).toContainText('dues created');
  await expect(page.getByRole('button', { name: 'Dismiss' })).toBeVisible();
  await expectAccessible(page, 'fee set-up with a notice');
});

test('a fee slip scanned at 10 ms or 60 ms a key opens its student; a half-read or unknown slip says so and leaves no token behind', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const kabir = await admit(desk, school, { fullName: 'Kabir Shah' });
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  const search = page.getByLabel('Find a student');

  for (const delay of [10, 60]) {
    await search.focus();
    await page.keyboard.type(`FDS1-${kabir.id}`, { delay });
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Kabir Shah' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(search).toHaveValue('');
  }

  // The scanner lost the end of the code.
  await search.focus();
  await page.keyboard.type(`FDS1-${kabir.id.slice(0, 20)}`, { delay: 40 });
  await page.keyboard.press('Enter');
  const notice = page.getByRole('alert').filter({ hasText: 'Scanned fee slip' });
  await expect(notice).toContainText('The fee slip was not read whole');
  await expect(search).toHaveValue('');
  await expectAccessible(page, 'a half-read slip');
  await expect(page.getByRole('heading', { name: 'Kabir Shah' })).toHaveCount(0);

  // A whole code for no student of this school.
  await page.keyboard.type('FDS1-00000000-0000-4000-8000-00000000dead', { delay: 40 });
  await page.keyboard.press('Enter');
  await expect(notice).not.toContainText('not read whole');
  await expect(notice).toBeVisible();
  await expect(search).toHaveValue('');
});

test('what is due, from search to printed receipt, in 5 keys; a scanned slip in 1; the student stays in sight at 1280×720', async ({
  page,
  desk,
  rendererUrl,
}) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Ishita Kulkarni' });
  const scanned = await admit(desk, school, { fullName: 'Farhan Qureshi' });
  await desk.ok('printing.choose', { printerName: null, printOnSave: true });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');

  const cashier = typist(page);
  await cashier.type('ish');
  await expect(page.getByRole('option', { name: /Ishita Kulkarni/ })).toBeVisible();
  await cashier.press('Enter');
  const amount = page.getByLabel('Amount received');
  await expect(amount).toBeFocused();
  // 10 May: the first quarter (₹4,500) and its fine to date (₹200) have fallen due; the rest of the year has not.
  await expect(amount).toHaveValue('₹4,700.00');
  await expect(page.getByTestId('outstanding')).toHaveText('Due now ₹4,700.00');
  await expect(page.getByTestId('year-total')).toHaveText('Whole year ₹20,200.00');
  const student = page.getByRole('region', { name: 'Student' });
  await expect(student.getByRole('heading', { name: 'Ishita Kulkarni' })).toBeInViewport();
  await expect(page.getByTestId('outstanding')).toBeInViewport();
  await expect(amount).toBeInViewport();
  await expectAccessible(page, 'collect at 1280×720');
  await page.screenshot({ path: join(SHOTS, '20-collect-1280x720.png') });
  await cashier.press('F2');
  const preview = page.getByRole('region', { name: 'Receipt preview' });
  await expect(preview.getByRole('status')).toHaveText('Sent to the printer.');
  expect(cashier.keys).toBeLessThanOrEqual(5);
  const [paid] = await desk.ok('payments.list', { limit: 5 }, 'check');
  const receipt = await desk.ok('payments.receipt', { paymentId: paid!.paymentId }, 'check');
  expect(receipt.amount).toBe(4_700_00);
  expect(receipt.lines.map((l) => `${l.installment} ${l.head}`).sort()).toEqual([
    'Quarter 1 Late fine',
    'Quarter 1 Transport',
    'Quarter 1 Tuition',
  ]);
  await page.keyboard.press('Enter');

  for (const delay of [10, 60]) {
    const before = cashier.keys;
    // The scanner types the slip's code and its Enter.
    await page.keyboard.type(`FDS1-${scanned.id}`, { delay });
    await page.keyboard.press('Enter');
    await expect(student.getByRole('heading', { name: 'Farhan Qureshi' })).toBeVisible();
    await expect(amount).toBeFocused();
    await cashier.press('F2');
    await expect(preview.getByRole('status')).toHaveText('Sent to the printer.');
    expect(cashier.keys - before).toBeLessThanOrEqual(3);
    await page.keyboard.press('Enter');
  }

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.keyboard.type('ish');
  await page.keyboard.press('Enter');
  await expect(student.getByRole('heading', { name: 'Ishita Kulkarni' })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, '21-collect-1920x1080.png') });
});

test('with two close matches, the first Enter asks and the second opens; an arrow key is a choice made', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Diya Nair' });
  await admit(desk, school, { fullName: 'Diya Rao' });
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  await page.keyboard.type('diy');
  await expect(page.getByRole('option')).toHaveCount(2);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: '2 students match “diy”: Enter again opens' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Diya/ })).toHaveCount(0);
  await expectAccessible(page, 'search asking for a second Enter');
  await page.keyboard.press('Enter');
  const opened = page.getByRole('region', { name: 'Student' }).getByRole('heading');
  await expect(opened).toHaveText(/Diya (Nair|Rao)/);
  const first = await opened.innerText();

  await page.keyboard.press('Escape');
  await page.keyboard.type('diy');
  await expect(page.getByRole('option')).toHaveCount(2);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(opened).toHaveText(/Diya (Nair|Rao)/);
  expect(await opened.innerText()).not.toBe(first);
});

test('cash: the exact sum or the next round one in a click, and the change to return in large type', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-05-10T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Neel Banerjee' });
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  await page.keyboard.type('neel');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Amount received')).toHaveValue('₹4,700.00');
  const quick = page.getByRole('group', { name: 'Quick amounts tendered' });
  await expect(quick.getByRole('button')).toHaveText(['Exact', '₹5,000.00']);
  await quick.getByRole('button', { name: '₹5,000.00' }).click();
  await expect(page.getByLabel('Cash tendered', { exact: true })).toHaveValue('₹5,000.00');
  await expect(page.getByTestId('change')).toHaveText('Change to return: ₹300.00');
  await expectAccessible(page, 'cash with change');
  await quick.getByRole('button', { name: 'Exact' }).click();
  await expect(page.getByTestId('change')).toHaveText('Change to return: ₹0.00');
});

test('dates are typed as people type them and shown with the month in words, times in the school’s zone, never UTC', async ({
  page,
  desk,
  rendererUrl,
}) => {
  // 04:30 UTC is 10:00 in India.
  desk.clock.current = new Date('2026-04-05T04:30:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  await admit(desk, school, { fullName: 'Aditi Menon' });
  await desk.ok('dayClose.close', { date: '2026-04-05', cashCount: {}, counted: {}, note: null });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);

  await page.keyboard.type('aditi');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('table', { name: 'Open dues' }).getByText('10 Apr 2026').first()).toBeVisible();
  await expect(page.getByText('2026-04-10')).toHaveCount(0);

  await page.getByRole('button', { name: 'Day close', exact: true }).click();
  await expect(page.getByText(/Closed 5 Apr 2026, 10:00\s?am by Asha Rao/)).toBeVisible();
  await expect(page.getByText(/UTC/)).toHaveCount(0);
  const day = page.getByLabel('Day', { exact: true });
  await expect(day).toHaveValue('5 Apr 2026');
  await day.fill('31/02/2026');
  await expect(page.getByText('Not a date: type it as 24/07/2026, 24-7-26 or 24 Jul')).toBeVisible();
  await day.fill('4 Apr');
  await expect(page.getByText('Saturday, 4 Apr 2026')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Pick day from a calendar' })).toBeVisible();
  await expectAccessible(page, 'day close with a typed date');

  await page.getByRole('button', { name: 'Audit trail', exact: true }).click();
  await expect(
    page
      .getByRole('table')
      .getByText(/5 Apr 2026, 10:00\s?am/)
      .first(),
  ).toBeVisible();
});

test('a fee structure saves exactly what its preview shows, with a head added a moment ago, a split by hand and its own fine', async ({
  page,
  desk,
  rendererUrl,
}) => {
  desk.clock.current = new Date('2026-04-02T05:00:00Z');
  await setUpSchool(desk);
  const year = await desk.ok('masters.createYear', { name: '2026-27', startsOn: '2026-04-01', endsOn: '2027-03-31', makeCurrent: true });
  await desk.ok('masters.createClass', { name: 'Class 3', sortOrder: 3, sections: ['A'] });
  await desk.ok('masters.createHead', { name: 'Tuition' });
  await desk.ok('auth.logout');
  await logIn(page, rendererUrl);
  await page.getByRole('button', { name: 'Fee set-up', exact: true }).click();

  // A head added on this page, after the structure form was drawn.
  const headForm = page.getByRole('form', { name: 'New fee head' });
  await headForm.getByLabel('Head').fill('Library');
  await headForm.getByRole('button', { name: 'Add' }).click();
  await expect(headForm.getByText('Added.')).toBeVisible();

  const form = page.getByRole('form', { name: 'New fee structure' });
  await form.getByLabel('Name', { exact: true }).fill('Class 3 — 2026-27');
  await form.getByLabel('First due date', { exact: true }).fill('10/04/2026');
  await form.getByLabel('Tuition').fill('12000');
  await form.getByLabel('Library').fill('2000');
  const preview = form.getByRole('table', { name: 'Installments as they will be saved' });
  await expect(preview.getByRole('row')).toHaveCount(5);
  await expect(preview.getByRole('row').nth(1)).toContainText('10 Apr 2026');
  await expect(preview.getByRole('row').nth(1)).toContainText('₹3,000.00');
  await expect(preview.getByRole('row').nth(1)).toContainText('₹500.00');
  // The library fee is taken once, in the first quarter.
  await preview.getByRole('checkbox', { name: 'Split by hand' }).nth(1).check();
  await preview.getByLabel('Library, Quarter 1').fill('2000');
  for (const q of ['Quarter 2', 'Quarter 3', 'Quarter 4']) await preview.getByLabel(`Library, ${q}`).fill('0');
  await form.getByLabel('Days of grace').fill('15');
  await form.getByLabel('Fine per day').fill('20');
  await form.getByLabel('At most').fill('300');
  await expectAccessible(page, 'structure form with its preview');
  await form.getByRole('button', { name: 'Create structure' }).click();
  await expect(form.getByText('Structure created. Assign it to make dues.')).toBeVisible();

  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');
  const [saved] = await desk.ok('structures.list', { yearId: year.id }, 'check');
  expect(saved!.heads.map((h) => [h.name, h.amount, h.shares])).toEqual([
    ['Tuition', 12_000_00, [3_000_00, 3_000_00, 3_000_00, 3_000_00]],
    ['Library', 2_000_00, [2_000_00, 0, 0, 0]],
  ]);
  expect(saved!.fineRule).toEqual({ kind: 'per_day', graceDays: 15, perDay: 20_00, cap: 300_00 });
  expect(saved!.installments.map((i) => i.dueOn)).toEqual(['2026-04-10', '2026-07-10', '2026-10-10', '2027-01-10']);
});
