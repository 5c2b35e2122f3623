// Charges by student in Chromium at 1280×720: the admin makes a school-bus plan with two stops through Fee set-up's form,
// puts the two students of Class 5 on it from 15 October from the Students screen's ticks, charges one of them for a
// lost ID card, stops her bus on 20 January (the March she paid ahead is said so), and the collect screen shows her
// bus dues by month, October to January, the lost card, and no February or March.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ADMIN, setUpSchool } from '../support/harness';
import { admit, seedSmallSchool } from '../support/school';
import { expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';
import { typist } from './support/typist';

const CASHIER = { username: 'ravi', password: 'counter-cash-2026' };

/** Scrolls an element to the middle of the window (clear of the sticky headers) for its screenshot. */
const CENTRE = (el: { scrollIntoView(options: { block: 'center' }): void }) => el.scrollIntoView({ block: 'center' });

/** Everything on screen fits the 1280×720 window: nothing runs off to the right. */
async function fitsWidth(page: Page) {
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
}

test('a bus plan made in the form, two students put on it from October, a lost ID card, a stop in January: the dues follow', async ({
  page,
  desk,
  rendererUrl,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  desk.clock.current = new Date('2026-10-12T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const asha = await admit(desk, school, { fullName: 'Asha Menon' });
  await admit(desk, school, { fullName: 'Bala Iyer' });
  const class6 = await desk.ok('masters.createClass', { name: 'Class 6', sortOrder: 6, sections: ['A'] });
  await desk.ok('students.create', {
    admissionNo: 'C6-001',
    fullName: 'Chetan Rao',
    classId: class6.id,
    sectionId: class6.sections[0]!.id,
    guardianName: 'Guardian',
    phone: '98450 66666',
    joinedOn: '2026-04-01',
  });
  await desk.ok('masters.createHead', { name: 'Miscellaneous' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');
  const admin = typist(page);

  // Fee set-up → Charges: no plans yet, and the form.
  await page.getByRole('button', { name: 'Fee set-up', exact: true }).click();
  await page.getByRole('tab', { name: 'Charges' }).click();
  await expect(page.getByText('No charge plans for this year yet.')).toBeVisible();
  const form = page.getByRole('form', { name: 'New charge plan' });
  await expect(form.getByLabel('Kind')).toHaveValue('transport');
  await form.getByLabel('Fee head').selectOption({ label: 'Transport' });
  await form.getByLabel('Name', { exact: true }).focus();
  await admin.type('School bus');
  await form.getByRole('button', { name: 'Monthly, Apr–Mar, on the 5th' }).click();
  await expect(form.getByRole('group', { name: 'Installments (12)' })).toBeVisible();
  await expect(form.getByLabel('Label 7')).toHaveValue('Oct');
  await expect(form.getByRole('textbox', { name: 'Due on 7' })).toHaveValue('5 Oct 2026');
  const first = form.getByRole('group', { name: 'Stop 1' });
  await first.getByLabel('Route').focus();
  await admin.type('Route 1');
  await admin.press('Tab');
  await admin.type('Main gate');
  await admin.press('Tab');
  await admin.type('1000');
  await form.getByRole('button', { name: 'Add a stop' }).click();
  const second = form.getByRole('group', { name: 'Stop 2' });
  await expect(second.getByLabel('Route')).toHaveValue('Route 1');
  await second.getByLabel('Stop', { exact: true }).focus();
  await admin.type('Market');
  await admin.press('Tab');
  // A letter O for a zero: refused under that stop's fare, and nothing is made.
  await admin.type('12OO');
  await admin.press('Enter');
  const fare = second.getByLabel('Market: fare', { exact: true });
  await expect(fare).toHaveAccessibleDescription(/Enter the fare as an amount, like 1,200/);
  await expectAccessible(page, 'fee set-up: a new charge plan, a fare refused');
  await second.evaluate(CENTRE);
  await page.screenshot({ path: join(SHOTS, '92-charges-plan-stops.png') });
  await fitsWidth(page);
  await form.getByRole('group', { name: 'Installments (12)' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, '91-charges-plan-installments.png') });
  await fitsWidth(page);
  for (const _ of 'OO') await admin.press('Backspace');
  await admin.type('00');
  await admin.press('Enter');
  await expect(form.getByText('School bus created.')).toBeVisible();
  const plan = page.getByRole('region', { name: 'Plan School bus' });
  await expect(plan).toContainText(
    'Transport (routes and stops) · head Transport · 12 installments, 5 Apr 2026 to 5 Mar 2027 · 0 students on it',
  );
  const stops = plan.getByRole('table', { name: 'Stops of School bus' });
  await expect(stops.getByRole('row')).toHaveText([
    /Route.*Stop.*Fare/,
    /Route 1.*Main gate.*₹1,000.00 each installment/,
    /Route 1.*Market.*₹1,200.00 each installment/,
  ]);
  const planKeys = admin.keys;
  await expectAccessible(page, 'fee set-up: charge plans');
  await page.getByRole('heading', { name: 'Fee set-up' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, '93-charges-plans.png') });

  // Students: Class 5 chosen, all shown ticked, put on the bus from the Market stop from 15 October.
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await page.getByLabel('Class', { exact: true }).selectOption({ label: 'Class 5' });
  await expect(page.getByRole('table', { name: 'Students' }).getByRole('row')).toHaveCount(3);
  await page.getByRole('checkbox', { name: 'Tick all shown' }).check();
  const bar = page.getByRole('region', { name: 'Charges for the ticked students' });
  await expect(bar).toContainText('Charges for the 2 students ticked:');
  await expectAccessible(page, 'students: two ticked');
  await page.screenshot({ path: join(SHOTS, '94-charges-students-ticked.png') });
  await bar.getByRole('button', { name: 'Put on a charge…' }).click();
  const assign = page.getByRole('dialog', { name: 'Put 2 students on a charge' });
  await expect(assign).toContainText('Asha Menon, Bala Iyer');
  await expect(assign.getByLabel('Plan')).toHaveValue(/.+/);
  const startsOn = assign.getByRole('textbox', { name: 'Starts on' });
  await startsOn.focus();
  await admin.type('15 Oct');
  await expect(startsOn).toHaveAccessibleDescription('Thursday, 15 Oct 2026');
  // No stop chosen yet: asked for under the stop.
  await admin.press('Enter');
  const stopAt = assign.getByLabel('Stop they board at');
  await expect(stopAt).toHaveAccessibleDescription('Choose the stop they board at');
  await stopAt.selectOption({ label: 'Market — ₹1,200.00 each installment' });
  await expectAccessible(page, 'students: put on a charge');
  await page.screenshot({ path: join(SHOTS, '95-charges-assign.png') });
  await startsOn.focus();
  await admin.press('Enter');
  await expect(assign).toBeHidden();
  await expect(page.getByRole('status')).toHaveText('School bus: 2 students put on from 15 Oct 2026 — 12 dues, ₹14,400.00 in all.');
  await expect(page.getByRole('checkbox', { name: 'Tick all shown' })).not.toBeChecked();

  // One of them lost her ID card: a one-off charge to her alone.
  await page.getByRole('checkbox', { name: 'Tick Asha Menon' }).check();
  await bar.getByRole('button', { name: 'One-off charge…' }).click();
  const oneOff = page.getByRole('dialog', { name: 'One-off charge to 1 student' });
  await expect(oneOff.getByLabel('What it is for')).toBeFocused();
  await admin.type('Lost ID card');
  await admin.press('Tab');
  await admin.type('150');
  await oneOff.getByLabel('Fee head').selectOption({ label: 'Miscellaneous' });
  await expect(oneOff.getByRole('textbox', { name: 'Due on' })).toHaveValue('12 Oct 2026');
  await expectAccessible(page, 'students: one-off charge');
  await page.screenshot({ path: join(SHOTS, '96-charges-one-off.png') });
  await oneOff.getByRole('button', { name: 'Charge 1 student' }).click();
  await expect(oneOff).toBeHidden();
  await expect(page.getByRole('status')).toHaveText('Lost ID card: ₹150.00 charged to 1 student, due 12 Oct 2026 — ₹150.00 in all.');

  // Asha's family paid March's bus ahead; then they move near the school and her bus stops on 20 January.
  const open = await desk.ok('payments.openDues', { studentIds: [asha.id] }, 'check');
  const march = open.items.find((i) => i.installment === 'School bus — Mar')!;
  await desk.ok(
    'payments.record',
    {
      studentIds: [asha.id],
      amount: 1_200_00,
      method: { mode: 'cash' },
      allocations: [{ key: march.key, amount: 1_200_00 }],
    },
    'check',
  );
  await page.getByRole('button', { name: 'Open Asha Menon' }).click();
  const panel = page.getByRole('region', { name: 'Student Asha Menon' });
  const charges = panel.getByRole('table', { name: 'Charges of Asha Menon' });
  const bus = charges.getByRole('row', { name: /School bus/ });
  await expect(bus).toContainText(/Route 1 — Market.*15 Oct 2026.*End of year.*₹7,200.00.*₹0.00.*₹1,200.00.*₹6,000.00/);
  await bus.getByRole('button', { name: 'Stop School bus…' }).click();
  const stop = page.getByRole('dialog', { name: 'Stop School bus for Asha Menon' });
  await expect(stop.getByRole('textbox', { name: 'Stops on' })).toBeFocused();
  // "1 Oct" is this October, before she started: refused under the date, in plain words.
  await admin.type('1 Oct');
  for (const key of ['Tab', 'Tab']) await admin.press(key); // past the calendar button
  await admin.type('Family moved near the school');
  await admin.press('Enter');
  const stopsOn = stop.getByRole('textbox', { name: 'Stops on' });
  await expect(stopsOn).toHaveAccessibleDescription(/Must not be before the charge started \(15 Oct 2026\)/);
  await stopsOn.focus();
  await admin.press('Control+A');
  // A date without a year is the nearest such day: in October, "20 Jan" is next January.
  await admin.type('20 Jan');
  await expect(stopsOn).toHaveAccessibleDescription('Wednesday, 20 Jan 2027');
  await expectAccessible(page, 'student: stop a charge');
  await page.screenshot({ path: join(SHOTS, '97-charges-stop.png') });
  await admin.press('Enter');
  await expect(stop).toBeHidden();
  await expect(panel.getByRole('region', { name: 'Charges' }).getByRole('status')).toHaveText(
    'School bus stopped for Asha Menon on 20 Jan 2027: 1 later due waived, ₹1,200.00. ₹1,200.00 had already been paid for months after the stop: that payment stands and is not given back by itself.',
  );
  await expect(bus).toContainText(/20 Jan 2027 \(Family moved near the school\).*₹7,200.00.*₹1,200.00.*₹1,200.00.*₹4,800.00/);
  await expect(bus.getByRole('button', { name: 'Stop School bus…' })).toHaveCount(0);
  await expectAccessible(page, 'student: charges after a stop');
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, '98-charges-student.png') });
  await fitsWidth(page);

  // Collect: her bus dues labelled by month, October to January, and the lost card; February and March are gone.
  await page.getByRole('button', { name: 'Collect fees', exact: true }).click();
  await page.getByLabel('Find a student').fill('asha');
  await page.keyboard.press('Enter');
  const dues = page.getByRole('table', { name: 'Open dues' });
  for (const month of ['Oct', 'Nov', 'Dec', 'Jan'])
    await expect(dues.getByRole('row', { name: new RegExp(`School bus — ${month}`) })).toContainText('₹1,200.00');
  await expect(dues.getByRole('row', { name: /Lost ID card/ })).toContainText('₹150.00');
  await expect(dues.getByRole('row', { name: /School bus — (Feb|Mar)/ })).toHaveCount(0);
  await expectAccessible(page, 'collect: dues with charges');
  await dues.getByRole('row', { name: /School bus — Oct/ }).evaluate(CENTRE);
  await page.screenshot({ path: join(SHOTS, '99-charges-collect.png') });
  console.log(`keys pressed: ${planKeys} to make the plan, ${admin.keys} in all`);
});

test('a hostel plan with a fare for each term; a name used twice and a student already on it are refused in plain words; a cashier only looks', async ({
  page,
  desk,
  rendererUrl,
}) => {
  test.setTimeout(120_000);
  desk.clock.current = new Date('2026-05-04T05:00:00Z');
  await setUpSchool(desk);
  const school = await seedSmallSchool(desk);
  const kavya = await admit(desk, school, { fullName: 'Kavya Nair' });
  const hostel = await desk.ok('masters.createHead', { name: 'Hostel' });
  const boys = await desk.ok('charges.createPlan', {
    yearId: school.yearId,
    headId: hostel.id,
    name: 'Hostel',
    kind: 'hostel',
    installments: [{ label: 'Year', dueOn: '2026-04-10' }],
    fares: [45_000_00],
  });
  await desk.ok('charges.assign', { planId: boys.id, studentIds: [kavya.id], startsOn: '2026-04-01' });
  await desk.ok('users.create', { ...CASHIER, fullName: 'Ravi Kumar', role: 'cashier' });
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');

  // A plan by term with a fare for each; its name clashes with one there is, and is refused under Name.
  await page.getByRole('button', { name: 'Fee set-up', exact: true }).click();
  await page.getByRole('tab', { name: 'Charges' }).click();
  await expect(page.getByRole('region', { name: 'Plan Hostel' })).toContainText(
    'Hostel · head Hostel · 1 installment, due 10 Apr 2026 · 1 student on it',
  );
  const form = page.getByRole('form', { name: 'New charge plan' });
  await form.getByLabel('Kind').selectOption({ label: 'Hostel' });
  await form.getByLabel('Fee head').selectOption({ label: 'Hostel' });
  await form.getByLabel('Name', { exact: true }).fill('Hostel');
  const terms = [
    ['Term 1', '10 Apr 2026', '20,000'],
    ['Term 2', '10 Aug 2026', '15000'],
    ['Term 3', '10 Dec 2026', '₹15,000.00'],
  ] as const;
  for (const [i, [label, dueOn]] of terms.entries()) {
    await form.getByRole('button', { name: 'Add an installment' }).click();
    await form.getByLabel(`Label ${i + 1}`).fill(label);
    await form.getByRole('textbox', { name: `Due on ${i + 1}` }).fill(dueOn);
  }
  await form.getByRole('checkbox', { name: 'Hostel: same fare every installment' }).uncheck();
  for (const [label, , fare] of terms) await form.getByLabel(`Hostel: fare for ${label}`).fill(fare);
  await form.getByRole('button', { name: 'Create plan' }).click();
  await expect(form.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/A plan named Hostel exists already in that year/);
  await expectAccessible(page, 'fee set-up: a plan by term, its name refused');
  await form.getByRole('group', { name: 'Fare' }).evaluate(CENTRE);
  await page.screenshot({ path: join(SHOTS, '89-charges-plan-by-term.png') });
  await form.getByLabel('Name', { exact: true }).fill('Girls’ hostel');
  await form.getByRole('button', { name: 'Create plan' }).click();
  const girls = page.getByRole('region', { name: 'Plan Girls’ hostel' });
  await expect(girls).toContainText('Hostel · head Hostel · 3 installments, 10 Apr 2026 to 10 Dec 2026 · 0 students on it');
  await expect(girls).toContainText('Fare: Term 1 ₹20,000.00 · Term 2 ₹15,000.00 · Term 3 ₹15,000.00');

  // Kavya is on the hostel from April: putting her on it again says who and since when, and changes nothing.
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Tick Kavya Nair' }).check();
  await page.getByRole('button', { name: 'Put on a charge…' }).click();
  const assign = page.getByRole('dialog', { name: 'Put 1 student on a charge' });
  await assign.getByLabel('Plan').selectOption({ label: 'Hostel (Hostel)' });
  await expect(assign.getByLabel('Stop they board at')).toHaveCount(0);
  await assign.getByRole('textbox', { name: 'Starts on' }).fill('1 Jun');
  await assign.getByRole('button', { name: 'Put 1 student on it' }).click();
  await expect(assign.getByRole('alert')).toHaveText(
    `Kavya Nair (${kavya.admissionNo}) is on Hostel already from 1 Apr 2026: stop that first`,
  );
  await expectAccessible(page, 'students: put on a charge, refused');
  await page.keyboard.press('Escape');
  await expect(assign).toBeHidden();
  expect(await desk.ok('charges.forStudent', { studentId: kavya.id }, 'check')).toHaveLength(1);

  // A cashier sees her charges, but neither the ticks nor Stop.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('Username').fill(CASHIER.username);
  await page.getByLabel('Password', { exact: true }).fill(CASHIER.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Collect fees' })).toBeVisible();
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  await page.getByRole('button', { name: 'Open Kavya Nair' }).click();
  const charges = page.getByRole('region', { name: 'Student Kavya Nair' }).getByRole('table', { name: 'Charges of Kavya Nair' });
  await expect(charges.getByRole('row', { name: /Hostel/ })).toContainText(/Hostel.*—.*1 Apr 2026.*End of year.*₹45,000.00/);
  await expect(charges.getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);
});
