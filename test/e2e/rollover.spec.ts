// The year-end rollover in Chromium at 1280×720, as an admin drives it: the plan prefilled from the current year, a fee
// raised, two exceptions added from the keyboard (keys counted), a refusal shown on the field it names, the review with
// its figures worked out by hand, the accountant's approval, and the school afterwards: students moved, the new year current.
import { join } from 'node:path';
import { ADMIN, setUpSchool } from '../support/harness';
import { ACCOUNTANT, seedYearSchool } from '../support/year-school';
import { approveAs, expect, expectAccessible, logIn, SHOTS, test } from './support/fixtures';
import { typist } from './support/typist';

test('year-end rollover: plan, two exceptions by keyboard, review with the figures worked out by hand, approval, students moved', async ({
  page,
  desk,
  rendererUrl,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await setUpSchool(desk);
  const school = await seedYearSchool(desk);
  // 1 Jun 2026: Asha pays ₹4,500, and the late fine on her first quarter (42 days at ₹10 after the grace) is levied.
  await desk.ok('payments.record', { studentIds: [school.students.asha], amount: 4_500_00, method: { mode: 'cash' } });
  await desk.travelTo('2027-03-20T05:00:00.000Z');
  await desk.ok('auth.logout');
  await page.clock.install({ time: desk.clock.now() });
  await logIn(page, rendererUrl);
  await desk.ok('auth.login', { username: ADMIN.username, password: ADMIN.password }, 'check');

  // Fee set-up → Academic years → Year-end rollover (an admin's; the navigation keeps Fee set-up as the place).
  await page.getByRole('button', { name: 'Fee set-up', exact: true }).click();
  await page.getByRole('region', { name: 'Academic years' }).getByRole('button', { name: 'Year-end rollover…' }).click();
  await expect(page.getByRole('button', { name: 'Fee set-up', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Year-end rollover' })).toBeVisible();
  // Prefilled from 2026-27: the next year's name, its dates a year on, each class into the next, the last graduating.
  const name = page.getByLabel('Name of the new year');
  await expect(name).toHaveValue('2027-28');
  await expect(page.getByRole('textbox', { name: 'Starts on' })).toHaveValue('1 Apr 2027');
  await expect(page.getByRole('textbox', { name: 'Ends on' })).toHaveValue('31 Mar 2028');
  await expect(page.getByLabel('Next class for Class 5')).toHaveValue(school.class6.id);
  await expect(page.getByLabel('Next class for Class 6')).toHaveValue('graduates');
  // Class 6 has no section B: where Class 5-B goes may be chosen (a new section by default).
  await expect(page.getByLabel('Section B goes to')).toHaveValue('');
  await expect(page.getByLabel('Section B goes to').locator('option:checked')).toHaveText('Class 6-B (a new section)');

  // A start before 2026-27 ends: refused by main, and said under the box it names, with the date in words.
  const startsOn = page.getByRole('textbox', { name: 'Starts on' });
  await startsOn.fill('15/03/2027');
  await page.getByRole('button', { name: 'Review the rollover' }).click();
  // (The first call starts main's background worker.)
  await expect(page.getByText('Must start after 2026-27 ends (31 Mar 2027)')).toBeVisible({ timeout: 20_000 });
  await expect(startsOn).toHaveAttribute('aria-invalid', 'true');
  await expect(startsOn).toBeFocused();
  await expect(page.getByRole('heading', { name: /^Review/ })).toHaveCount(0);
  await startsOn.fill('1/4/2027');
  await expect(page.getByText('Must start after 2026-27 ends (31 Mar 2027)')).toHaveCount(0);

  // Tuition up 10%, each installment rounded to ₹10 (a change that is no percentage is caught under its box first).
  const tuition = page.getByLabel('Tuition: change in %');
  await tuition.fill('ten');
  await page.getByRole('button', { name: 'Review the rollover' }).click();
  await expect(page.getByText('Type the change in percent, like 7.5 or -10 (at most two decimals)')).toBeVisible();
  await expect(tuition).toBeFocused();
  await tuition.fill('10');
  await page.getByLabel('Round each installment to').selectOption({ label: 'the nearest ₹10' });

  // The two exceptions, from the keyboard alone: Bala detained, Chitra leaving.
  await page.getByLabel('Find a student').focus();
  const admin = typist(page);
  await admin.type('bal');
  await expect(page.getByRole('option', { name: /Bala Iyer/ })).toBeVisible();
  await admin.press('Enter');
  const bala = page.getByRole('form', { name: 'Exception for Bala Iyer' });
  await expect(bala.getByRole('radio', { name: 'Detained: stays in Class 5' })).toBeFocused();
  await admin.press('Tab');
  await expect(bala.getByLabel('Reason')).toBeFocused();
  await admin.type('Attendance below 75%');
  await admin.press('Enter');
  const listed = page.getByRole('table', { name: 'Exceptions', exact: true });
  await expect(listed.getByRole('row', { name: /Bala Iyer/ })).toContainText('Detained: stays in Class 5-A');
  await expect(page.getByLabel('Find a student')).toBeFocused();
  await admin.type('chi');
  await expect(page.getByRole('option', { name: /Chitra Nair/ })).toBeVisible();
  await admin.press('Enter');
  const chitra = page.getByRole('form', { name: 'Exception for Chitra Nair' });
  await expect(chitra.getByRole('radio', { name: 'Detained: stays in Class 5' })).toBeFocused();
  await admin.press('ArrowRight');
  await expect(chitra.getByRole('radio', { name: 'Leaves the school' })).toBeChecked();
  await admin.press('Tab');
  await admin.type('Moved to Pune');
  await admin.press('Enter');
  await expect(listed.getByRole('row', { name: /Chitra Nair/ })).toContainText('Leaves the school');
  await expect(listed.getByRole('row', { name: /Chitra Nair/ })).toContainText('Moved to Pune');
  // On to the review: past the two Remove buttons.
  await admin.press('Tab');
  await expect(page.getByRole('button', { name: 'Remove Bala Iyer' })).toBeFocused();
  await admin.press('Tab');
  await admin.press('Tab');
  const reviewButton = page.getByRole('button', { name: 'Review the rollover' });
  await expect(reviewButton).toBeFocused();
  await expectAccessible(page, 'rollover: the plan with two exceptions');
  await page.screenshot({ path: join(SHOTS, '75-rollover-plan.png'), fullPage: true });

  await admin.press('Enter');
  const reviewHeading = page.getByRole('heading', { name: 'Review: 2026-27 → 2027-28' });
  await expect(reviewHeading).toBeFocused();
  // bal ⏎ ⇥ reason(20) ⏎ · chi ⏎ → ⇥ reason(13) ⏎ · ⇥ ⇥ ⇥ ⏎
  expect(admin.keys).toBe(26 + 20 + 4);

  // The review, worked out by hand.
  await expect(page.getByText('Nothing has been written yet.')).toBeVisible();
  await expect(page.getByText('2027-28 is a new year that runs from 1 Apr 2027 to 31 Mar 2028.')).toBeVisible();
  const students = page.getByRole('table', { name: 'Students' });
  // Asha and Dev into Class 6; Bala detained; Chitra leaves; Esha (Class 6) graduates.
  await expect(students.getByRole('row', { name: 'Promoted 2' })).toBeVisible();
  await expect(students.getByRole('row', { name: 'Detained 1' })).toBeVisible();
  await expect(students.getByRole('row', { name: 'Leave the school 1' })).toBeVisible();
  await expect(students.getByRole('row', { name: 'Graduate (alumni) 1' })).toBeVisible();
  const fees = page.getByRole('table', { name: 'Fees' });
  // Class 6's ₹14,000 of tuition in two terms of ₹7,000 → ₹7,700 each: ₹15,400 for Asha and for Dev; Class 5's
  // quarterly tuition ₹3,000 → ₹3,300, so ₹13,200 + ₹6,000 + ₹2,000 = ₹21,200 for Bala: ₹52,000.
  await expect(fees.getByRole('row', { name: '2027-28’s fees, before concessions ₹52,000.00' })).toBeVisible();
  // Four in Class 5 at ₹20,000, Esha's ₹14,000, Asha's ₹420 fine, less her ₹4,500: ₹89,920 owed by all five.
  await expect(fees.getByRole('row', { name: 'Arrears of 2026-27 carried ₹89,920.00' })).toBeVisible();
  await expect(fees.getByRole('row', { name: 'Students with arrears 5' })).toBeVisible();
  await expect(fees.getByRole('row', { name: 'Concessions carried 0' })).toBeVisible();
  const classes = page.getByRole('table', { name: 'Classes' });
  await expect(classes.getByRole('row', { name: /^Class 5 Class 6/ })).toContainText('A → A (2 students)');
  await expect(classes.getByRole('row', { name: /^Class 5 Class 6/ })).toContainText(/^Class 5Class 642/);
  await expect(classes.getByRole('row', { name: /^Class 6 Graduates/ })).toContainText(/Graduates \(alumni\)10/);
  const exceptions = page.getByRole('table', { name: 'Exceptions in the review' });
  await expect(exceptions.getByRole('row', { name: /Bala Iyer/ })).toContainText('DetainedClass 5-AAttendance below 75%');
  await expect(exceptions.getByRole('row', { name: /Chitra Nair/ })).toContainText('Leaves the school—Moved to Pune');
  const structures = page.getByRole('table', { name: 'Fee structures in the new year' });
  await expect(structures.getByRole('row', { name: /Class 5 — 2027-28/ })).toContainText('₹20,000.00₹21,200.0010 Apr 2027');
  await expect(structures.getByRole('row', { name: /Class 6 — 2027-28/ })).toContainText('₹14,000.00₹15,400.0015 Apr 2027');
  await expectAccessible(page, 'rollover: the review');
  await page.screenshot({ path: join(SHOTS, '76-rollover-review-1280x720.png') });

  // Nothing written by the review: the school is still in 2026-27.
  const before = await desk.ok('masters.get', undefined, 'check');
  expect(before.years.find((y) => y.isCurrent)?.name).toBe('2026-27');

  // The rollover, approved by the accountant with her code.
  await page.getByRole('button', { name: 'Roll over…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Roll 2026-27 over into 2027-28' });
  await approveAs(dialog, ACCOUNTANT);
  await dialog.getByRole('button', { name: 'Roll over' }).click();
  const done = page.getByRole('heading', { name: 'Rolled over: 2027-28 is the current year' });
  await expect(done).toBeFocused({ timeout: 30_000 });
  // Asha's and Dev's two terms, and Bala's four quarters of tuition and transport and two of exam: 14 dues.
  await expect(page.getByRole('status').filter({ hasText: 'is closed' })).toContainText(
    '2026-27 is closed and 2027-28 is the current year (other desks follow when they sync). 14 dues were created for 2027-28.',
  );
  await expect(page.getByRole('table', { name: 'Students' }).getByRole('row', { name: 'Promoted 2' })).toBeVisible();
  await expectAccessible(page, 'rollover: done');
  await page.screenshot({ path: join(SHOTS, '77-rollover-done.png') });

  // The school afterwards: Asha in Class 6-A, Bala still in Class 5-A, Chitra gone, Esha an alumna.
  await page.getByRole('button', { name: 'Students', exact: true }).click();
  const register = page.getByRole('table', { name: 'Students' });
  await expect(register.getByRole('row', { name: /Asha Rao/ })).toContainText('Class 6-A');
  await expect(register.getByRole('row', { name: /Dev Menon/ })).toContainText('Class 6-A');
  await expect(register.getByRole('row', { name: /Bala Iyer/ })).toContainText('Class 5-A');
  await expect(register.getByRole('row', { name: /Chitra Nair/ })).toContainText('left');
  await expect(register.getByRole('row', { name: /Esha Pillai/ })).toContainText('alumni');
  await page.getByRole('button', { name: 'Fee set-up', exact: true }).click();
  const years = page.getByRole('region', { name: 'Academic years' });
  await expect(years).toContainText('2027-281 Apr 2027 – 31 Mar 2028current');
  const after = await desk.ok('masters.get', undefined, 'check');
  expect(after.years.find((y) => y.isCurrent)?.name).toBe('2027-28');
  expect(after.years.find((y) => y.name === '2026-27')?.closedAt).not.toBeNull();
});
